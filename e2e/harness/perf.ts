// In-page measurements for `pnpm bench` (e2e/bench/): every comparison runs in this page, alternating its variants
// round by round, so that each sees the same machine state. Bundled by Vite; the Node side passes parameters only.
import { createSession, type Backend, type Session, type SessionOptions } from 'tensorlane';
import { createSession as createBaselineSession } from 'tensorlane-baseline';
import { seededFloats } from '../../test/models/zoo.ts';
import { alternate, type Figures } from '../bench/alternate.ts';
import { handBatched, openRawWorker, type RawWorker } from './raw.ts';
import { openPath, sessionPath, type Path, type ThroughputCase, type ThroughputMode } from './throughput.ts';


const percentile = (sorted: ArrayLike<number>, q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
const sizeOf = (dims: readonly number[]) => dims.reduce((a, b) => a * b, 1);

/** `count` seeded inputs (seeds 1…count) of `dims`. */
const inputsOf = (dims: readonly number[], count: number) => Array.from({ length: count }, (_, i) => seededFloats(sizeOf(dims), i + 1));

/** One variant per name, built by `variant`. */
function variantsOf<K extends string>(names: readonly K[], variant: (i: number) => () => Promise<Figures>): Record<K, () => Promise<Figures>> {
  return Object.fromEntries(names.map((name, i) => [name, variant(i)])) as Record<K, () => Promise<Figures>>;
}

/** Bench sessions: WASM on one thread unless said otherwise, so that tensorlane and its peers run alike. */
function openSession(model: ThroughputCase, options: Partial<SessionOptions> = {}, create = createSession): Promise<Session> {
  return create({ model: `models/${model.file}`, backend: 'wasm', numThreads: 1, ...options });
}

/**
 * `count` one-row requests fired at once along `path`: rows/s and latency from firing to each answer; where the path
 * reports its runs (tensorlane), the time per call spent outside the model's run (the whole elapsed time less the time
 * inside `session.run`, over the calls), the time inside it per row, and rows per run.
 */
async function burst(path: Pick<Path, 'run' | 'runs'>, model: ThroughputCase, count: number): Promise<Figures> {
  const inputs = inputsOf(model.row, count);
  const before = await path.runs();
  const latencies = new Float64Array(count);
  const start = performance.now();
  await Promise.all(inputs.map((data, i) => path.run(data).then(() => void (latencies[i] = performance.now() - start))));
  const elapsed = performance.now() - start;
  const after = await path.runs();
  latencies.sort();
  const runMs = after.ms - before.ms;
  const rows = after.rows - before.rows;
  return {
    rowsPerSecond: (1000 * count) / elapsed,
    p50: percentile(latencies, 0.5),
    p95: percentile(latencies, 0.95),
    ...(rows > 0
      ? { pathMicrosPerCall: (1000 * (elapsed - runMs)) / count, runMicrosPerRow: (1000 * runMs) / rows, rowsPerRun: rows / (after.runs - before.runs) }
      : {}),
  };
}

/**
 * Keeps the page's thread busy until `work` settles, in 1 ms slices between tasks (so that messages still arrive):
 * arithmetic only, or, with `allocate`, what a burst of calls makes on the page (a small typed array and a promise
 * each, a few thousand kept alive), so that its garbage is collected meanwhile. Whether the page's work slows the
 * worker's runs: by taking a core, or by its memory and garbage collection.
 */
async function busyWhile<T>(work: Promise<T>, allocate = false): Promise<T> {
  let done = false;
  void work.finally(() => (done = true));
  const channel = new MessageChannel();
  const nextTask = () =>
    new Promise<void>((resolve) => {
      channel.port1.onmessage = () => resolve();
      channel.port2.postMessage(0);
    });
  let sink = 0;
  const kept: unknown[] = [];
  while (!done) {
    const until = performance.now() + 1;
    while (performance.now() < until) {
      if (!allocate) sink = Math.sqrt(sink + until);
      else {
        kept.push({ data: new Float32Array(256), answer: Promise.resolve(kept.length) });
        if (kept.length > 4000) kept.splice(0, 2000);
      }
    }
    await nextTask();
  }
  channel.port1.close();
  if (sink < 0) throw new Error('unreachable');
  return work;
}

/**
 * 1 and 2: the floor (raw `session.run` at `floorBatch` rows in a hand-written module worker, inputs already there)
 * against `count` concurrent one-row predicts through tensorlane, and through batching written by hand over the
 * floor's own worker and session (see handBatched), on `backend`. On WASM also the floor while the page's thread is
 * busy, computing or allocating (see busyWhile): whether the page's work alone slows the worker's runs.
 */
export async function benchSaturated(model: ThroughputCase, count: number, rounds: number, floorBatch: number, floorRuns: number, backend: Backend = 'wasm', baseline = false) {
  const raw = await openRawWorker(`models/${model.file}`, 1, backend === 'webgpu' ? 'webgpu' : 'wasm');
  const options: Partial<SessionOptions> = backend === 'webgpu' ? { backend, allowSoftwareAdapter: true } : {};
  const path = sessionPath(await openSession(model, options), model);
  // Another revision's tensorlane, for `BASELINE=<rev> pnpm bench` (e2e/bench/baseline.ts).
  const old = baseline ? sessionPath(await openSession(model, options, createBaselineSession), model) : undefined;
  // The same worker and session as the floor: the burst, not the session instance, is what differs.
  const byHand = handBatched(raw, model.row, 64);
  const floor = async () => {
    const ms = await raw.floor([floorBatch, ...model.row], floorRuns);
    return { rowsPerSecond: (1000 * floorBatch) / ms, microsPerRow: (1000 * ms) / floorBatch };
  };
  try {
    const variants: Record<string, () => Promise<Figures>> = { floor };
    if (backend === 'wasm') {
      variants['floorBusyPage'] = () => busyWhile(floor());
      variants['floorAllocatingPage'] = () => busyWhile(floor(), true);
    }
    variants['byHand'] = () => burst(byHand, model, count);
    variants['tensorlane'] = () => burst(path, model, count);
    // Both revisions within a round, as A B B A (B A A B in the next round): the ratio of their times, so that a slow
    // phase of the machine, or the side that ran just before, weighs on both alike.
    let flip = false;
    if (old) {
      variants['baseline'] = async () => {
        flip = !flip;
        const [a, b] = flip ? [path, old] : [old, path];
        const runs = [await burst(a, model, count), await burst(b, model, count), await burst(b, model, count), await burst(a, model, count)];
        const rate = (x: Figures, y: Figures) => (x['rowsPerSecond']! + y['rowsPerSecond']!) / 2;
        const [now, then] = flip ? [rate(runs[0]!, runs[3]!), rate(runs[1]!, runs[2]!)] : [rate(runs[1]!, runs[2]!), rate(runs[0]!, runs[3]!)];
        const oldRuns = flip ? [runs[1]!, runs[2]!] : [runs[0]!, runs[3]!];
        return { ratio: now / then, rowsPerSecond: then, pathMicrosPerCall: (oldRuns[0]!['pathMicrosPerCall']! + oldRuns[1]!['pathMicrosPerCall']!) / 2 };
      };
    }
    const { floor: floorFigures, tensorlane, byHand: byHandFigures, floorBusyPage, floorAllocatingPage, baseline: oldFigures } = await alternate(rounds, variants);
    return {
      floor: floorFigures!,
      tensorlane: tensorlane!,
      byHand: byHandFigures!,
      ...(floorBusyPage && floorAllocatingPage ? { floorBusyPage, floorAllocatingPage } : {}),
      ...(oldFigures ? { baseline: oldFigures } : {}),
    };
  } finally {
    raw.close();
    await path.close();
    await old?.close();
  }
}

/**
 * 3: `calls` predicts one after another at `batch` rows, through tensorlane and through the hand-written worker
 * (transfer lists both ways); µs per call over the round, and of it µs inside the run (tensorlane's: its runner, which
 * makes onnxruntime-web's tensors and reads the outputs; the hand-written worker's: `session.run` alone); tensorlane
 * with `busyWaitMs: 2` too. Also what an empty postMessage from that worker costs it, to the page awake and asleep.
 */
export async function benchSequential(model: ThroughputCase, batch: number, calls: number, rounds: number) {
  const dims = [batch, ...model.row];
  const raw = await openRawWorker(`models/${model.file}`);
  const session = await openSession(model);
  const { runs: runTotals } = sessionPath(session, model);
  // The same, staying awake for the message it expects (see SessionOptions.busyWaitMs): what that gives.
  const awake = await openSession(model, { busyWaitMs: 2 });
  const timed = async (call: (data: Float32Array) => Promise<unknown>) => {
    const data = inputsOf(dims, calls);
    const start = performance.now();
    for (const x of data) await call(x);
    return { microsPerCall: (1000 * (performance.now() - start)) / calls };
  };
  try {
    return await alternate(rounds, {
      tensorlane: async () => {
        const before = await runTotals();
        const figures = await timed((data) => session.predict({ [model.input]: { type: 'float32', data, dims } }));
        return { ...figures, runMicrosPerCall: (1000 * ((await runTotals()).ms - before.ms)) / calls };
      },
      awake: () => timed((data) => awake.predict({ [model.input]: { type: 'float32', data, dims } })),
      raw: async () => {
        let ms = 0;
        const figures = await timed(async (data) => void (ms += (await raw.timedRun(data, dims)).ms));
        return { ...figures, runMicrosPerCall: (1000 * ms) / calls };
      },
      // What every answer costs to post, in the hand-written worker: to a page awake, and to a page asleep.
      postAwake: async () => ({ microsPerPost: 1000 * (await raw.posts(100, false)) }),
      postAsleep: async () => ({ microsPerPost: 1000 * (await raw.posts(100, true)) }),
    });
  } finally {
    raw.close();
    await Promise.all([session.dispose(), awake.dispose()]);
  }
}

/**
 * 4: one tensor of `mib` MiB to the worker and back: tensorlane on the identity model, the hand-written worker on
 * the same model, and a bare echo worker (no model) with transfer and with structured clone. ms per round trip.
 */
export async function benchBoundary(mib: number, rounds: number) {
  const identity: ThroughputCase = { file: 'identity.onnx', input: 'x', row: [(mib * 2 ** 20) / 4] };
  const dims = [1, ...identity.row];
  const raw = await openRawWorker(`models/${identity.file}`);
  const echo = await openRawWorker();
  const session = await openSession(identity);
  const { runs: runTotals } = sessionPath(session, identity);
  const make = () => new Float32Array(identity.row[0]!).fill(0.5);
  const check = (out: Float32Array) => {
    if (out.length !== identity.row[0] || out[out.length - 1] !== 0.5) throw new Error(`the round trip of ${mib} MiB lost data`);
  };
  const timed = async (trip: (data: Float32Array) => Promise<Float32Array>, data = make()) => {
    const start = performance.now();
    const out = await trip(data);
    const ms = performance.now() - start;
    check(out);
    return { ms };
  };
  const cloned = make();
  try {
    return await alternate(rounds, {
      tensorlane: async () => {
        const before = await runTotals();
        const { ms } = await timed(async (data) => (await session.predict({ x: { type: 'float32', data, dims } }))['y']!.data as Float32Array);
        return { ms, runMs: (await runTotals()).ms - before.ms };
      },
      raw: () => timed((data) => raw.run(data, dims)),
      transfer: () => timed((data) => echo.echo(data, true)),
      clone: () => timed((data) => echo.echo(data, false), cloned),
    });
  } finally {
    raw.close();
    echo.close();
    await session.dispose();
  }
}

/**
 * 5: under load, bursts of `count` one-row requests through each `modes` path, all open in this page at once and
 * taking turns. onnxruntime-web's proxy runs from its own unbundled copy (see throughput.ts), so its `proxy` flag
 * does not touch the copy the main-thread path uses.
 */
export async function benchUnderLoad(
  model: ThroughputCase,
  backend: Backend,
  modes: readonly ThroughputMode[],
  count: number,
  rounds: number,
) {
  const paths = await Promise.all(modes.map((mode) => openPath(model, backend, mode, backend === 'wasm' ? 1 : undefined)));
  try {
    return await alternate(rounds, variantsOf(modes, (i) => () => burst(paths[i]!, model, count)));
  } finally {
    for (const path of paths) await path.close();
  }
}

let smooth: { path: Path; model: ThroughputCase } | undefined;

/** 6, step 1: opens `model` along `mode` in this page, which then holds no other path (see smoothness.ts). */
export async function smoothnessOpen(model: ThroughputCase, mode: 'tensorlane' | 'ort-main'): Promise<void> {
  smooth = { path: await openPath(model, 'wasm', mode, 1), model };
}

/**
 * 6, step 2: what the page feels while `count` predictions are fired at once: long tasks (PerformanceObserver) and
 * frames (requestAnimationFrame) longer than 50 ms, from the burst to the frame after its last answer.
 */
export async function smoothnessRound(count: number): Promise<Figures> {
  const { path, model } = smooth!;
  const data = inputsOf(model.row, count);
  // The inputs were just made (55 MB for the text-direction model): their garbage is collected now, where the bench
  // browser exposes gc(), not during the burst. The task that made them ends before anything is observed: a long-task
  // observer created inside it would report that task too.
  (globalThis as { gc?: () => void }).gc?.();
  await new Promise((resolve) => setTimeout(resolve, 0));
  const tasks: number[] = [];
  const observer = new PerformanceObserver((list) => tasks.push(...list.getEntries().map((e) => e.duration)));
  observer.observe({ type: 'longtask' });
  const frames: number[] = [];
  let last = performance.now();
  let watching = true;
  const frame = (now: number) => {
    frames.push(now - last);
    last = now;
    if (watching) requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
  await new Promise((resolve) => setTimeout(resolve, 50)); // frames settle before the work starts
  const start = performance.now();
  await Promise.all(data.map((x) => path.run(x)));
  const elapsed = performance.now() - start;
  await new Promise((resolve) => requestAnimationFrame(resolve)); // the frame after the work counts too
  watching = false;
  await new Promise((resolve) => setTimeout(resolve, 0));
  observer.takeRecords().forEach((e) => tasks.push(e.duration));
  observer.disconnect();
  const long = tasks.filter((d) => d > 50);
  return {
    longTasks: long.length,
    longestTaskMs: Math.max(0, ...long),
    slowFrames: frames.filter((d) => d > 50).length,
    longestFrameMs: Math.max(0, ...frames),
    elapsedMs: elapsed,
  };
}

export async function smoothnessClose(): Promise<void> {
  await smooth?.path.close();
  smooth = undefined;
}

/**
 * 7: tensorlane with each `numThreads` on this (cross-origin isolated) page: `calls` predicts one after another at
 * `batch` rows; rows/s over the round. Each round opens a session per option in turn, warms it up, measures it and
 * disposes it, so that only one runs threads at a time; `together` also measures two sessions of 2 threads open at
 * once, taking turns, as two models of one page would. Also returns what each session ran (`session.threads`).
 */
export async function benchThreads(
  model: ThroughputCase,
  options: readonly ('auto' | number)[],
  batch: number,
  calls: number,
  rounds: number,
  together = false,
) {
  if (!crossOriginIsolated) throw new Error('the threads bench needs a cross-origin isolated page (/?isolated)');
  const dims = [batch, ...model.row];
  const threads: Record<string, number> = {};
  const measure = async (session: Session) => {
    const data = inputsOf(dims, calls);
    const start = performance.now();
    for (const x of data) await session.predict({ [model.input]: { type: 'float32', data: x, dims } });
    return (1000 * calls * batch) / (performance.now() - start);
  };
  const alone = (numThreads: 'auto' | number) => async () => {
    const session = await openSession(model, { numThreads });
    try {
      threads[String(numThreads)] = session.threads;
      await session.predict({ [model.input]: { type: 'float32', data: new Float32Array(sizeOf(dims)), dims } });
      return { rowsPerSecond: await measure(session) };
    } finally {
      await session.dispose();
    }
  };
  const variants = variantsOf(options.map(String), (i) => alone(options[i]!));
  const results = await alternate(rounds, variants);
  if (!together) return { results, threads };
  // Two sessions of 2 threads, open together: the one measured, the other idle between its own turns.
  const pair = await Promise.all([openSession(model, { numThreads: 2 }), openSession(model, { numThreads: 2 })]);
  try {
    const shared = await alternate(rounds, { first: async () => ({ rowsPerSecond: await measure(pair[0]!) }), second: async () => ({ rowsPerSecond: await measure(pair[1]!) }) });
    return { results, threads, together: shared.first['rowsPerSecond']! };
  } finally {
    for (const session of pair) await session.dispose();
  }
}

let held: unknown;

/** 8, step 1: a fresh session on the identity model, loaded and run once on a tiny input. */
export async function memoryOpen(rowFloats: number): Promise<void> {
  const session = await openSession({ file: 'identity.onnx', input: 'x', row: [rowFloats] });
  await session.predict({ x: { type: 'float32', data: new Float32Array(rowFloats), dims: [1, rowFloats] } });
  held = session;
  (globalThis as { gc?: () => void }).gc?.(); // the page's garbage so far is not counted in the baseline
}

/**
 * 8, step 2: `rows` one-row predicts fired at once (one stacked run), their inputs made here; the outputs are kept
 * alive until `memoryClose`, as a caller holding them would. Returns the bytes in and out.
 */
export async function memoryRun(rows: number, rowFloats: number): Promise<{ bytes: number; rowsPerRun: number }> {
  const session = held as Session;
  const inputs = Array.from({ length: rows }, () => new Float32Array(rowFloats).fill(0.5));
  const outputs = await Promise.all(inputs.map((data) => session.predict({ x: { type: 'float32', data, dims: [1, rowFloats] } })));
  const { rowsRun, runs } = await session.stats();
  held = [session, outputs];
  return { bytes: 2 * rows * rowFloats * 4, rowsPerRun: (rowsRun - 1) / (runs - 1) };
}

export async function memoryClose(): Promise<void> {
  const [session] = held as [Session];
  held = undefined;
  await session.dispose();
}

let profiled: { session?: Session; raw?: RawWorker; path: Pick<Path, 'run'>; model: ThroughputCase } | undefined;

/**
 * For `pnpm bench:profile`: one session, bursts of `count` one-row predicts (ms per burst), close. `raw`: the
 * hand-written worker instead, to profile the same calls without tensorlane.
 */
export async function profileOpen(model: ThroughputCase, raw: boolean | 'batched' = false): Promise<void> {
  if (raw) {
    const worker = await openRawWorker(`models/${model.file}`);
    const dims = [1, ...model.row];
    profiled = { raw: worker, path: raw === 'batched' ? handBatched(worker, model.row, 64) : { run: (data) => worker.run(data, dims) }, model };
    return;
  }
  const session = await openSession(model);
  profiled = { session, path: sessionPath(session, model), model };
}
export async function profileBurst(count: number, sequential = false): Promise<number> {
  const { path, model } = profiled!;
  const inputs = inputsOf(model.row, count);
  const start = performance.now();
  if (sequential) for (const data of inputs) await path.run(data);
  else await Promise.all(inputs.map((data) => path.run(data)));
  return performance.now() - start;
}
export async function profileStats(): Promise<{ rowsPerRun: number; runMicrosPerRow: number }> {
  const { meanRowsPerRun, runMs, rowsRun } = await profiled!.session!.stats();
  return { rowsPerRun: meanRowsPerRun, runMicrosPerRow: (1000 * runMs.mean * runMs.count) / rowsRun };
}
export async function profileClose(): Promise<void> {
  profiled?.raw?.close();
  await profiled?.session?.dispose();
  profiled = undefined;
}
