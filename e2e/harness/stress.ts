// Load and soak, run in the page: many calls on the lookup model (y[r] = x[r, i[r]]), whose every output row names the
// input row it came from, so each answer is checked exactly, however the scheduler batched it.
import { createSession, type Backend, type Feeds, type Session } from 'tensorlane';

/** A call of `rows` rows whose expected output is known: row r looks up x[r, r % 4] = base + r + (r % 4) / 4. */
export function lookupCall(rows: number, base: number): { feeds: Feeds; expected: number[] } {
  const x = new Float32Array(rows * 4);
  const i = new BigInt64Array(rows);
  const expected: number[] = [];
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < 4; c++) x[r * 4 + c] = base + r + c / 4;
    i[r] = BigInt(r % 4);
    expected.push(base + r + (r % 4) / 4);
  }
  return { feeds: { x: { type: 'float32', data: x, dims: [rows, 4] }, i: { type: 'int64', data: i, dims: [rows, 1] } }, expected };
}

const same = (actual: ArrayLike<number>, expected: readonly number[]) =>
  actual.length === expected.length && expected.every((v, k) => actual[k] === v);

/**
 * `calls` one-row predicts issued in one task with maxQueueSize `maxQueueSize`: how many were served (each checked
 * against its own row) and rejected QUEUE_FULL (inputs still there, all before the first answer). How long the page
 * is busy meanwhile is the bench's to measure (`pnpm bench`, smoothness), not a test's.
 */
export async function load(backend: Backend, calls: number, maxQueueSize: number) {
  const session = await createSession({ model: 'models/lookup.onnx', backend, maxQueueSize });
  let firstAnswer = Infinity;
  let lastFull = 0;
  let served = 0, wrong = 0, full = 0, fullKeptInputs = 0, other = 0, settledTwice = 0;
  const started = performance.now();
  const pending = Array.from({ length: calls }, (_, n) => {
    const { feeds, expected } = lookupCall(1, n * 8);
    let settled = 0;
    return session.predict(feeds).then(
      (out) => {
        firstAnswer = Math.min(firstAnswer, performance.now());
        if (settled++) settledTwice++;
        served++;
        if (!same(out['y']!.data as Float32Array, expected)) wrong++;
      },
      (error: { code?: string }) => {
        if (settled++) settledTwice++;
        if (error.code !== 'QUEUE_FULL') return void other++;
        full++;
        lastFull = Math.max(lastFull, performance.now());
        if (feeds['x']!.data.length === 4) fullKeptInputs++;
      },
    );
  });
  const issued = performance.now();
  await Promise.all(pending);
  const done = performance.now();
  await session.dispose();
  return {
    backend: session.backend, served, wrong, full, fullKeptInputs, other, settledTwice,
    fullBeforeFirstAnswer: lastFull <= firstAnswer,
    issueMs: issued - started, totalMs: done - started,
  };
}

/** The memory of the page's dedicated workers and in all, in bytes (needs a cross-origin-isolated page). */
export async function memory(): Promise<{ workers: number; total: number }> {
  const measure = (performance as { measureUserAgentSpecificMemory?: () => Promise<{ bytes: number; breakdown: { bytes: number; attribution: { scope: string }[] }[] }> }).measureUserAgentSpecificMemory;
  if (!crossOriginIsolated || measure === undefined) throw new Error('performance.measureUserAgentSpecificMemory() needs a cross-origin-isolated page');
  // The tests' browser exposes gc(), to measure without the garbage, and measures at once (ForceEagerMeasureMemory).
  (globalThis as { gc?: () => void }).gc?.();
  const result = await measure.call(performance);
  const workers = result.breakdown
    .filter((entry) => entry.attribution.some((a) => a.scope === 'DedicatedWorkerGlobalScope'))
    .reduce((sum, entry) => sum + entry.bytes, 0);
  return { workers, total: result.bytes };
}

/**
 * `predictions` predictions in bursts, mixing `predict` and `predictBatch` and row counts 1-4, each answer checked;
 * what the session holds (stats().memory, counted in its worker) after a first tenth (the start), at the end, and
 * after `session.restart()`.
 */
export async function soak(backend: Backend, predictions: number, burst: number) {
  // 2 threads, where the page is isolated: 'auto' runs 1 on the 2-core machines the tests run on.
  const session: Session = await createSession({ model: 'models/lookup.onnx', backend, numThreads: 2 });
  let done = 0, wrong = 0, failed = 0, n = 0;
  const one = async () => {
    const kind = n++ % 4;
    if (kind === 3) {
      const calls = [1, 2, 3].map((rows) => lookupCall(rows, n * 16 + rows));
      const outs = await session.predictBatch(calls.map((c) => c.feeds));
      outs.forEach((out, k) => void (same(out['y']!.data as Float32Array, calls[k]!.expected) || wrong++));
      done += 3;
    } else {
      const { feeds, expected } = lookupCall(kind + 1, n * 16);
      const out = await session.predict(feeds);
      if (!same(out['y']!.data as Float32Array, expected)) wrong++;
      done++;
    }
  };
  const run = async (until: number) => {
    while (done < until) await Promise.all(Array.from({ length: burst }, () => one().catch(() => void failed++)));
  };
  const memoryNow = async () => (await session.stats()).memory;
  await run(predictions / 10);
  const start = await memoryNow();
  await run(predictions);
  const end = await memoryNow();
  await session.restart();
  await run(done + burst);
  const restarted = await memoryNow();
  const stats = await session.stats();
  await session.dispose();
  return { backend: session.backend, done, wrong, failed, start, end, restarted, runs: stats.runs, restarts: stats.restarts };
}

/** `count` createSession/dispose cycles, each serving one call: how many served, and the mean ms of each step. */
export async function cycles(count: number) {
  let served = 0, createMs = 0, disposeMs = 0;
  for (let c = 0; c < count; c++) {
    const t0 = performance.now();
    const session = await createSession({ model: 'models/lookup.onnx', backend: 'wasm' });
    createMs += performance.now() - t0;
    const { feeds, expected } = lookupCall(2, c);
    if (same((await session.predict(feeds))['y']!.data as Float32Array, expected)) served++;
    const t1 = performance.now();
    await session.dispose();
    disposeMs += performance.now() - t1;
  }
  return { served, createMs: createMs / count, disposeMs: disposeMs / count };
}
