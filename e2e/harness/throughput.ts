// The paths `pnpm bench` sends requests through: tensorlane (with and without batching), or onnxruntime-web used
// directly (its own worker proxy, or the page's main thread). Bundled by Vite, so the bench only passes parameters.
import { createSession, type Backend, type Session } from 'tensorlane';

export interface ThroughputCase {
  readonly file: string;
  readonly input: string;
  /** One row's dims, without the batch dim. */
  readonly row: readonly number[];
  /** Sizes of symbolic dims other than the batch, for warm-up and for measuring backends (`backend: 'fastest'`). */
  readonly freeDimensions?: Readonly<Record<string, number>>;
}

/**
 * - `tensorlane`: dynamic batching with the default options (on the threads the bench gives every path);
 * - `tensorlane-unbatched`: the same with `maxBatchSize: 1`;
 * - `tensorlane-auto`: dynamic batching with every default, `numThreads: 'auto'` included;
 * - `ort-proxy`: onnxruntime-web with its own worker proxy (`ort.env.wasm.proxy = true`);
 * - `ort-main`: onnxruntime-web on the page's main thread.
 * The last two run the requests one after another through a promise chain, the usual way to keep runs of one
 * session from overlapping.
 */
export type ThroughputMode = 'tensorlane' | 'tensorlane-unbatched' | 'tensorlane-auto' | 'ort-proxy' | 'ort-main';

/** A model opened along one path: how to run one one-row request, what ran so far, and how to close. */
export interface Path {
  run(data: Float32Array): Promise<unknown>;
  /** Time inside the model's runs (ms), rows and runs so far: tensorlane's stats; zeros for onnxruntime-web. */
  runs(): Promise<{ ms: number; rows: number; runs: number }>;
  close(): Promise<void>;
}

/** `session` as a path: one-row predicts of `model`, its runs from `session.stats()`. */
export function sessionPath(session: Session, model: ThroughputCase): Path {
  const dims = [1, ...model.row];
  return {
    run: (data) => session.predict({ [model.input]: { type: 'float32', data, dims } }),
    runs: async () => {
      const { runMs, rowsRun, runs } = await session.stats();
      return { ms: runMs.mean * runMs.count, rows: rowsRun, runs };
    },
    close: () => session.dispose(),
  };
}

/** Opens `model` along `mode`; `threads` sets the WASM threads of every path (tensorlane's `numThreads`). */
export async function openPath(model: ThroughputCase, backend: Backend, mode: ThroughputMode, threads?: number): Promise<Path> {
  if (mode === 'tensorlane' || mode === 'tensorlane-unbatched' || mode === 'tensorlane-auto') {
    const session = await createSession({
      model: `models/${model.file}`,
      backend,
      allowSoftwareAdapter: true,
      ...(threads === undefined || mode === 'tensorlane-auto' ? {} : { numThreads: threads }),
      ...(mode === 'tensorlane-unbatched' ? { maxBatchSize: 1 } : {}),
    });
    return sessionPath(session, model);
  }
  // The WebGPU build for WebGPU, the plain WASM build for WASM, as tensorlane itself imports them. The proxy needs
  // ORT's script under its own name (see ortDistPlugin in e2e/vite.config.ts): a copy of onnxruntime-web apart from
  // the bundled one, so that its proxy flag leaves the main-thread path alone.
  const ort: typeof import('onnxruntime-web') =
    mode === 'ort-proxy'
      ? await import(/* @vite-ignore */ new URL('ort/ort.wasm.min.mjs', document.baseURI).href)
      : backend === 'webgpu' ? await import('onnxruntime-web') : await import('onnxruntime-web/wasm');
  if (mode === 'ort-proxy') ort.env.wasm.proxy = true;
  if (threads !== undefined) ort.env.wasm.numThreads = threads;
  const bytes = new Uint8Array(await (await fetch(`models/${model.file}`)).arrayBuffer());
  const session = await ort.InferenceSession.create(bytes, { executionProviders: [backend] });
  const dims = [1, ...model.row];
  let chain: Promise<unknown> = Promise.resolve();
  return {
    run: (data) => {
      const result = chain.then(() => session.run({ [model.input]: new ort.Tensor('float32', data, dims) }));
      chain = result.catch(() => undefined);
      return result;
    },
    runs: async () => ({ ms: 0, rows: 0, runs: 0 }),
    close: () => session.release(),
  };
}
