// Dynamic batching, as a user sees it: each scenario drives a real session and returns what happened, as plain
// data. test/session.test.ts runs them in Node (WASM), e2e/batching.spec.ts in Chromium (WebGPU and WASM), and
// both assert on the same facts.
import type { Session, SessionOptions, SessionStats, Tensor } from '../packages/tensorlane/src/index.ts';
import { mlpReference, seededFloats, seededRandom } from './models/zoo.ts';

/** Opens a session on one of the test models, in whatever way the runner has (bytes in Node, a URL in Chromium). */
export type Open = (model: 'mlp.onnx' | 'lookup.onnx', options?: Partial<SessionOptions>) => Promise<Session>;

const mlpInput = (rows: number, seed: number): Tensor<'float32'> => ({ type: 'float32', data: seededFloats(rows * 256, seed), dims: [rows, 256] });

/** Settles `promise` as `'ok'` or its error code. */
const outcome = (promise: Promise<unknown>): Promise<string> =>
  promise.then(() => 'ok', (error: { code?: string }) => error.code ?? String(error));

/** The parts of stats() a test asserts on; durations vary from run to run. */
function counted(stats: SessionStats) {
  const { requests, rows, runs, rowsRun, rejections } = stats;
  return { requests, rows, runs, rowsRun, rejections };
}

/**
 * `count` concurrent predict() calls with seeded row counts 1..8: how far each result is from its own float64
 * reference, whether each got its own row count back, and in which order they completed.
 */
export async function concurrentRequests(open: Open, count = 1000) {
  await using session = await open('mlp.onnx');
  const random = seededRandom(1234);
  const rows = Array.from({ length: count }, () => 1 + Math.floor(random() * 8));
  const inputs = rows.map((r, i) => mlpInput(r, 5000 + i));
  const expected = inputs.map((x) => mlpReference(x.data));
  const completed: number[] = [];
  const outputs = await Promise.all(inputs.map((x, i) => session.predict({ x }).then((out) => (completed.push(i), out))));
  let maxDiff = 0;
  let wrongRows = 0;
  outputs.forEach((out, i) => {
    const y = out['y']!;
    if (y.dims[0] !== rows[i] || y.data.length !== expected[i]!.length) wrongRows++;
    else for (let k = 0; k < y.data.length; k++) maxDiff = Math.max(maxDiff, Math.abs((y.data as Float32Array)[k]! - expected[i]![k]!));
  });
  const stats = await session.stats();
  return {
    backend: session.backend,
    totalRows: rows.reduce((a, b) => a + b, 0),
    wrongRows,
    maxDiff,
    inArrivalOrder: completed.every((i, k) => i === k),
    detached: inputs.filter((x) => x.data.byteLength === 0).length,
    stats: counted(stats),
    meanRowsPerRun: stats.meanRowsPerRun,
    queueWaitCount: stats.queueWaitMs.count,
  };
}

/**
 * Aborts: one call while it waits in the worker's queue (held there by maxQueueDelayMs), one after it was sent and
 * batched with another, and one that times out while queued.
 */
export async function aborts(open: Open) {
  await using session = await open('mlp.onnx', { maxBatchSize: 8, maxQueueDelayMs: 60_000 });
  const reason = new Error('user left');
  const queued = new AbortController();
  const whileQueued = session.predict({ x: mlpInput(1, 1) }, { signal: queued.signal });
  await session.stats(); // the worker has the request now, holding it for a fuller batch
  queued.abort(reason);
  const queuedError = await whileQueued.catch((error: { code: string; cause: unknown }) => error);
  const timedOut = await outcome(session.predict({ x: mlpInput(1, 2) }, { timeoutMs: 50 }));

  // Two calls of 4 rows fill a batch of 8: they are sent together and run together; one is aborted once sent.
  const sent = new AbortController();
  const kept = session.predict({ x: mlpInput(4, 3) });
  const dropped = session.predict({ x: mlpInput(4, 4) }, { signal: sent.signal });
  await Promise.resolve();
  await Promise.resolve();
  sent.abort(reason);
  const [keptOut, droppedOutcome] = await Promise.all([kept, outcome(dropped)]);
  const expected = mlpReference(mlpInput(4, 3).data);
  const keptDiff = Math.max(...Array.from(keptOut['y']!.data as Float32Array, (v, k) => Math.abs(v - expected[k]!)));
  return {
    queued: { code: (queuedError as { code: string }).code, causeIsReason: (queuedError as { cause: unknown }).cause === reason },
    timedOut,
    dropped: droppedOutcome,
    keptDiff,
    stats: counted(await session.stats()),
  };
}

/** maxQueueSize 16 and 30 calls of one row at once: who is accepted, who gets QUEUE_FULL, and what comes after. */
export async function backpressure(open: Open) {
  await using session = await open('mlp.onnx', { maxQueueSize: 16, maxQueueDelayMs: 20 });
  const inputs = Array.from({ length: 30 }, (_, i) => mlpInput(1, 100 + i));
  const settledTimes = new Array<number>(30).fill(0);
  const outcomes = await Promise.all(
    inputs.map((x, i) => outcome(session.predict({ x }).finally(() => settledTimes[i]!++))),
  );
  const after = await outcome(session.predict({ x: mlpInput(1, 200) }));
  const tooBig = await outcome(session.predict({ x: mlpInput(17, 201) }));
  return {
    outcomes,
    settledOnce: settledTimes.every((n) => n === 1),
    /** Inputs of rejected calls stay with the caller. */
    rejectedKeptInputs: inputs.filter((x, i) => outcomes[i] === 'QUEUE_FULL' && x.data.byteLength === 4 * 256).length,
    after,
    tooBig,
    stats: counted(await session.stats()),
  };
}

/** Four calls batched into one run, one of them with an index the model rejects: only that one fails. */
export async function poisonedRequest(open: Open) {
  await using session = await open('lookup.onnx');
  const call = (index: number) =>
    session.predict({
      x: { type: 'float32', data: Float32Array.of(10, 11, 12, 13), dims: [1, 4] },
      i: { type: 'int64', data: BigInt64Array.of(BigInt(index)), dims: [1, 1] },
    }).then((out) => Array.from(out['y']!.data as Float32Array), (error: { code: string }) => error.code);
  const results = await Promise.all([call(0), call(3), call(7), call(2)]);
  return { backend: session.backend, results, stats: counted(await session.stats()) };
}
