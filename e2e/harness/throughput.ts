// In-page throughput measurement for `pnpm bench:batching`: `count` single-row requests fired at once, through
// tensorlane or through onnxruntime-web used directly. Bundled by Vite, so the script only passes parameters.
import { createSession, type Backend } from 'tensorlane';
import { seededFloats } from '../../test/models/zoo.ts';

export interface ThroughputCase {
  readonly file: string;
  readonly input: string;
  /** One row's dims, without the batch dim. */
  readonly row: readonly number[];
}

/**
 * - `tensorlane`: dynamic batching with the default options;
 * - `tensorlane-unbatched`: the same with `maxBatchSize: 1`;
 * - `ort-proxy`: onnxruntime-web with its own worker proxy (`ort.env.wasm.proxy = true`);
 * - `ort-main`: onnxruntime-web on the page's main thread.
 * onnxruntime-web forbids concurrent runs of one session, so the last two run the requests one after another, as
 * an app using it directly must.
 */
export type ThroughputMode = 'tensorlane' | 'tensorlane-unbatched' | 'ort-proxy' | 'ort-main';

export interface Throughput {
  readonly rowsPerSecond: number;
  /** From firing all requests to each one's answer, ms. */
  readonly p50: number;
  readonly p95: number;
  /** Runs per request: 1 without batching. */
  readonly meanRowsPerRun: number;
}

const percentile = (sorted: readonly number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;

type Run = (data: Float32Array) => Promise<unknown>;

/** Opens the model in `mode`, warms it up with one request, and returns how to run one request and how to close. */
async function open(model: ThroughputCase, backend: Backend, mode: ThroughputMode): Promise<{ run: Run; close(): Promise<void>; rowsPerRun(): Promise<number> }> {
  const dims = [1, ...model.row];
  if (mode === 'tensorlane' || mode === 'tensorlane-unbatched') {
    const session = await createSession({
      model: `models/${model.file}`,
      backend,
      allowSoftwareAdapter: true,
      ...(mode === 'tensorlane-unbatched' ? { maxBatchSize: 1 } : {}),
    });
    return {
      run: (data) => session.predict({ [model.input]: { type: 'float32', data, dims } }),
      close: () => session.dispose(),
      rowsPerRun: async () => (await session.stats()).meanRowsPerRun,
    };
  }
  // The WebGPU build for WebGPU, the plain WASM build for WASM, as tensorlane itself imports them. The proxy needs
  // ORT's script under its own name (see ortDistPlugin in e2e/vite.config.ts).
  const ort: typeof import('onnxruntime-web') =
    mode === 'ort-proxy'
      ? await import(/* @vite-ignore */ new URL('ort/ort.wasm.min.mjs', document.baseURI).href)
      : backend === 'webgpu' ? await import('onnxruntime-web') : await import('onnxruntime-web/wasm');
  if (mode === 'ort-proxy') ort.env.wasm.proxy = true;
  const bytes = new Uint8Array(await (await fetch(`models/${model.file}`)).arrayBuffer());
  const session = await ort.InferenceSession.create(bytes, { executionProviders: [backend] });
  let chain: Promise<unknown> = Promise.resolve();
  return {
    run: (data) => {
      const result = chain.then(() => session.run({ [model.input]: new ort.Tensor('float32', data, dims) }));
      chain = result.catch(() => undefined);
      return result;
    },
    close: () => session.release(),
    rowsPerRun: async () => 1,
  };
}

export async function measureThroughput(model: ThroughputCase, backend: Backend, mode: ThroughputMode, count: number): Promise<Throughput> {
  const size = model.row.reduce((a, b) => a * b, 1);
  const { run, close, rowsPerRun } = await open(model, backend, mode);
  try {
    await run(seededFloats(size, 0)); // compile shaders, allocate
    const inputs = Array.from({ length: count }, (_, i) => seededFloats(size, i + 1));
    const latencies: number[] = [];
    const start = performance.now();
    await Promise.all(inputs.map((data) => run(data).then(() => latencies.push(performance.now() - start))));
    const elapsed = performance.now() - start;
    latencies.sort((a, b) => a - b);
    return { rowsPerSecond: (count / elapsed) * 1000, p50: percentile(latencies, 0.5), p95: percentile(latencies, 0.95), meanRowsPerRun: await rowsPerRun() };
  } finally {
    await close();
  }
}
