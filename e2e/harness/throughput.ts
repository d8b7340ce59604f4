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
 * The last two run the requests one after another through a promise chain, the usual way to keep runs of one
 * session from overlapping.
 */
export type ThroughputMode = 'tensorlane' | 'tensorlane-unbatched' | 'ort-proxy' | 'ort-main';

/** Medians over the bursts. */
export interface Throughput {
  readonly rowsPerSecond: number;
  /** From firing all requests to each one's answer, ms. */
  readonly p50: number;
  readonly p95: number;
  /** Rows per run over the session's life (warm-up burst included): 1 without batching. */
  readonly meanRowsPerRun: number;
  /** Time inside onnxruntime-web's run per row, µs (tensorlane's stats; undefined for onnxruntime-web used directly). */
  readonly runMicrosPerRow: number | undefined;
}

const percentile = (sorted: readonly number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;

type Run = (data: Float32Array) => Promise<unknown>;

/** Opens the model in `mode`, warms it up with one request, and returns how to run one request and how to close. */
interface Opened {
  run: Run;
  close(): Promise<void>;
  /** Mean rows per run, and run time per row in µs when known. */
  runs(): Promise<{ rowsPerRun: number; microsPerRow?: number }>;
}

async function open(model: ThroughputCase, backend: Backend, mode: ThroughputMode): Promise<Opened> {
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
      runs: async () => {
        const { meanRowsPerRun, runMs } = await session.stats();
        return { rowsPerRun: meanRowsPerRun, microsPerRow: (1000 * runMs.mean) / meanRowsPerRun };
      },
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
    runs: async () => ({ rowsPerRun: 1 }),
  };
}

const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/**
 * Fires `count` requests at once, `repeats` times, on one session (after a first burst that only warms up), and
 * returns the medians over the bursts.
 */
export async function measureThroughput(
  model: ThroughputCase,
  backend: Backend,
  mode: ThroughputMode,
  count: number,
  repeats: number,
): Promise<Throughput> {
  const size = model.row.reduce((a, b) => a * b, 1);
  const { run, close, runs } = await open(model, backend, mode);
  try {
    const burst = async (n: number) => {
      const inputs = Array.from({ length: n }, (_, i) => seededFloats(size, i + 1));
      const latencies: number[] = [];
      const start = performance.now();
      await Promise.all(inputs.map((data) => run(data).then(() => latencies.push(performance.now() - start))));
      const elapsed = performance.now() - start;
      latencies.sort((a, b) => a - b);
      return { rowsPerSecond: (n / elapsed) * 1000, p50: percentile(latencies, 0.5), p95: percentile(latencies, 0.95) };
    };
    await burst(Math.min(count, 100)); // compile shaders, allocate, let the JIT see every path
    const bursts = [];
    for (let r = 0; r < repeats; r++) bursts.push(await burst(count));
    return {
      rowsPerSecond: median(bursts.map((b) => b.rowsPerSecond)),
      p50: median(bursts.map((b) => b.p50)),
      p95: median(bursts.map((b) => b.p95)),
      ...(await runs().then(({ rowsPerRun, microsPerRow }) => ({ meanRowsPerRun: rowsPerRun, runMicrosPerRow: microsPerRow }))),
    };
  } finally {
    await close();
  }
}
