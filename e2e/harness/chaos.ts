// Chaos under load, in the page: several sessions kept busy with concurrent predict/predictBatch calls of mixed row
// counts while faults strike at seeded random moments: a worker crash (uncaught error, unhandled rejection), a lost
// GPU device (WebGPU, at a random point of a run), a wedged worker, restart(), and the dispose() of one session.
// Every call is counted: settled once, its answer checked against the lookup model's, its rejection checked against
// what may cause it. For the chaos test (e2e/stress.spec.ts) and `pnpm bench --only chaos`.
import { createSession, isTensorlaneError, type Backend, type ErrorCode, type MemoryStats, type Outputs, type Session } from 'tensorlane';
import { seededRandom } from '../../test/models/zoo.ts';
import { faultWorkers, type FaultWorkers, type LossPoint } from './fault-workers.ts';
import { lookupCall } from './stress.ts';

export interface ChaosOptions {
  readonly backend: Backend;
  readonly seconds: number;
  readonly seed: number;
  /** Calls each session keeps in flight. */
  readonly concurrency: number;
  /** Mean seconds between two faults. */
  readonly faultEvery: number;
}

/** The faults chaos injects, as counted in the report. */
export type ChaosFault = 'uncaught error' | 'unhandled rejection' | 'device loss' | 'wedge' | 'restart()' | 'dispose()';

export interface ChaosReport {
  readonly backend: Backend;
  readonly seconds: number;
  /** predict and predictBatch calls made, and how they ended. */
  readonly calls: number;
  readonly resolved: number;
  /** Resolved with another answer than the lookup model's. */
  readonly wrong: number;
  readonly rejections: Partial<Record<ErrorCode | 'not a TensorlaneError', number>>;
  readonly settledTwice: number;
  /** Not settled 60 s after the time was up. */
  readonly unsettled: number;
  /** The first calls not settled: which session, what call, when it was made, and what struck that session since. */
  readonly lost: readonly string[];
  /** The first rejections that break a rule: a code no fault explains, WORKER_CRASHED for a call not in flight at a crash. */
  readonly unexpected: readonly string[];
  readonly faults: Partial<Record<ChaosFault, number>>;
  /** Worker crashes the page saw, and the calls in flight at them, all crashes together. */
  readonly crashes: number;
  readonly inFlightAtCrashes: number;
  /** restarts by cause, over the sessions. */
  readonly restarts: Readonly<Record<string, number>>;
  /** Each session's memory after its first call, and before it was disposed (the one disposed early: just before). */
  readonly memory: { readonly start: readonly MemoryStats[]; readonly end: readonly MemoryStats[] };
  /** Calls each session's stats() counts as still pending before it was disposed: 0 when every call settled. */
  readonly pendingInStats: number;
}

interface Call {
  settled: number;
  /** What the call was, for the report if it never settles. */
  readonly what: string;
  /** Seconds from the start when it was made. */
  readonly at: number;
  /** In flight when the page saw its session's worker crash: WORKER_CRASHED may answer it. */
  crashable: boolean;
  timed: boolean;
}

interface Lane {
  readonly name: string;
  readonly session: Session;
  readonly workers: FaultWorkers;
  readonly pending: Set<Call>;
  disposed: boolean;
  start?: MemoryStats;
  end?: MemoryStats;
}

const LOSS_POINTS: readonly (LossPoint | undefined)[] = [undefined, 'submit', 'kernels', 'read-back'];
const SETTLE_MS = 60_000;

/** Runs chaos for `seconds` on three sessions of the lookup model (two by URL, one given as bytes). */
export async function chaos({ backend, seconds, seed, concurrency, faultEvery }: ChaosOptions): Promise<ChaosReport> {
  // Two seeded sequences: the calls' (shapes, timeouts), and the faults' (moments, kinds, targets), which do not
  // depend on how the calls interleave.
  const random = seededRandom(seed);
  const faultRandom = seededRandom(seed + 1);
  const pickOf = <T>(values: readonly T[]): T => values[Math.floor(faultRandom() * values.length)]!;
  const bytes = await (await fetch('models/lookup.onnx')).arrayBuffer();
  const open = async (name: string, model: string | ArrayBuffer): Promise<Lane> => {
    const workers = faultWorkers();
    // Restarts without end: the chaos is the machinery under load, not the crash-loop policy (maxRestarts).
    const session = await createSession({ model, backend, worker: workers, maxRestarts: Number.MAX_SAFE_INTEGER });
    const lane: Lane = { name, session, workers, pending: new Set(), disposed: false };
    workers.onCrash(() => {
      crashes++;
      inFlightAtCrashes += lane.pending.size;
      for (const call of lane.pending) call.crashable = true;
    });
    return lane;
  };
  let crashes = 0;
  let inFlightAtCrashes = 0;
  const lanes = [await open('session 1 (URL)', 'models/lookup.onnx'), await open('session 2 (bytes)', bytes), await open('session 3 (URL, disposed)', 'models/lookup.onnx')];
  /** What struck each session, with the second it struck: for the report of calls that never settle. */
  const struck = new Map<Lane, string[]>(lanes.map((lane) => [lane, []]));

  const started = performance.now();
  let calls = 0, resolved = 0, wrong = 0, settledTwice = 0;
  const rejections: Record<string, number> = {};
  const unexpected: string[] = [];
  const faults: Partial<Record<ChaosFault, number>> = {};
  const broke = (why: string) => void (unexpected.length < 10 && unexpected.push(why));

  /** One call on `lane`: a predict of 1-4 rows or a predictBatch of 2-4 items of 1-3 rows; a fifth with a timeout. */
  function call(lane: Lane): Promise<void> {
    const batch = random() < 0.3;
    const items = batch ? Array.from({ length: 2 + Math.floor(random() * 3) }, () => 1 + Math.floor(random() * 3)) : [1 + Math.floor(random() * 4)];
    // Bases kept below 2^16: every value then has an exact float32, as the model's outputs are.
    const made = items.map((rows) => lookupCall(rows, (calls % 4096) * 16));
    const timeoutMs = random() < 0.2 ? 3000 : undefined;
    const what = `${batch ? `predictBatch of ${items.join('+')} rows` : `predict of ${items[0]} rows`}${timeoutMs ? `, timeoutMs ${timeoutMs}` : ''}`;
    const record: Call = { settled: 0, what, at: (performance.now() - started) / 1000, crashable: false, timed: timeoutMs !== undefined };
    const options = timeoutMs === undefined ? {} : { timeoutMs };
    calls++;
    lane.pending.add(record);
    const answer: Promise<Outputs[]> = batch
      ? lane.session.predictBatch(made.map((m) => m.feeds), options)
      : lane.session.predict(made[0]!.feeds, options).then((out) => [out]);
    const done = answer.then(
      (outputs) => {
        if (record.settled++) return void settledTwice++;
        resolved++;
        const right = outputs.every((out, k) => {
          const y = out['y']!.data as Float32Array;
          return y.length === made[k]!.expected.length && made[k]!.expected.every((v, r) => y[r] === v);
        });
        if (!right) wrong++;
      },
      (error: unknown) => {
        if (record.settled++) return void settledTwice++;
        const code = isTensorlaneError(error) ? error.code : 'not a TensorlaneError';
        rejections[code] = (rejections[code] ?? 0) + 1;
        const message = isTensorlaneError(error) ? error.message : String(error);
        const allowed =
          (code === 'WORKER_CRASHED' && record.crashable) || (code === 'TIMEOUT' && record.timed) || (code === 'DISPOSED' && lane.disposed);
        if (!allowed) broke(`${code}: ${message}${code === 'WORKER_CRASHED' ? ' (not in flight at a crash)' : ''}`);
      },
    ).finally(() => lane.pending.delete(record));
    return done;
  }

  const running = () => performance.now() - started < seconds * 1000;
  /** Keeps `concurrency` calls in flight on `lane` until the time is up or the lane is disposed. */
  const drive = (lane: Lane) =>
    Promise.all(Array.from({ length: concurrency }, async () => {
      while (running() && !lane.disposed) await call(lane);
    }));

  for (const lane of lanes) {
    await call(lane);
    lane.start = (await lane.session.stats()).memory;
  }
  const driving = lanes.map(drive);

  const kinds: ChaosFault[] = ['uncaught error', 'unhandled rejection', 'wedge', 'restart()', ...(backend === 'webgpu' ? ['device loss' as const] : [])];
  const disposeAt = 0.6 * seconds * 1000;
  /** The lane's stats, asked again when a crash took the worker that was answering. */
  const statsOf = async (lane: Lane): Promise<Awaited<ReturnType<Session['stats']>>> => {
    for (;;) {
      try {
        return await lane.session.stats();
      } catch (error) {
        if (!isTensorlaneError(error, 'WORKER_CRASHED')) throw error;
      }
    }
  };
  const endOf = async (lane: Lane) => {
    const stats = await statsOf(lane);
    lane.end = stats.memory;
    return stats;
  };
  const restarting: Promise<void>[] = [];
  let disposedStats: Awaited<ReturnType<Session['stats']>> | undefined;
  /** The kinds in rounds, each round in a seeded order: every kind strikes once every `kinds.length` faults. */
  let round: ChaosFault[] = [];
  const nextKind = (): ChaosFault => {
    if (round.length === 0) round = [...kinds].sort(() => faultRandom() - 0.5);
    return round.pop()!;
  };
  while (running()) {
    await new Promise((resolve) => setTimeout(resolve, faultEvery * 1000 * (0.5 + faultRandom())));
    if (!running()) break;
    const live = lanes.filter((lane) => !lane.disposed);
    if (!lanes[2]!.disposed && performance.now() - started >= disposeAt) {
      // One of several sessions goes away under load: its calls reject DISPOSED, the others carry on.
      const lane = lanes[2]!;
      disposedStats = await endOf(lane);
      lane.disposed = true;
      struck.get(lane)!.push(`dispose() at ${((performance.now() - started) / 1000).toFixed(1)} s`);
      faults['dispose()'] = (faults['dispose()'] ?? 0) + 1;
      await lane.session.dispose();
      continue;
    }
    const kind = nextKind();
    const lane = pickOf(live);
    faults[kind] = (faults[kind] ?? 0) + 1;
    struck.get(lane)!.push(`${kind} at ${((performance.now() - started) / 1000).toFixed(1)} s`);
    if (kind === 'restart()') {
      restarting.push(lane.session.restart().catch((error: unknown) => broke(`restart() rejected: ${String(error)}`)));
    } else if (kind === 'device loss') {
      const at = pickOf(LOSS_POINTS);
      lane.workers.inject('destroy-device', at ? { at } : {});
    } else if (kind === 'wedge') {
      lane.workers.inject('wedge', { ms: 1500 });
    } else {
      lane.workers.inject(kind === 'uncaught error' ? 'throw' : 'reject');
    }
  }
  // The drivers end once their last call settles (each awaits its calls, one after another): a call that never does is
  // counted, not waited for. Only the drivers are awaited, not every call: a 180 s run makes over a million calls, and a
  // Promise.all over every one kept the page's thread busy for over 150 s, so that the SETTLE_MS timer never fired.
  let unsettled = 0;
  const lost: string[] = [];
  const settled = Promise.all([...driving, ...restarting]).then(() => true);
  const stuck = !(await Promise.race([settled, new Promise<false>((resolve) => setTimeout(resolve, SETTLE_MS, false))]));
  const restarts: Record<string, number> = {};
  let pendingInStats = 0;
  for (const lane of lanes) {
    if (lane.disposed) {
      for (const [cause, n] of Object.entries(disposedStats?.restarts ?? {})) restarts[cause] = (restarts[cause] ?? 0) + n;
      if (stuck && lane.pending.size > 0) {
        unsettled += lane.pending.size;
        lost.push(`${lane.name}: ${lane.pending.size} calls never settled after dispose()`);
      }
      continue;
    }
    // stats() waits while a restart loads the model: how long it took says whether the calls waited for one.
    const asked = performance.now();
    const stats = await endOf(lane);
    const waited = (performance.now() - asked) / 1000;
    pendingInStats += stats.requests.pending;
    if (stuck && lane.pending.size > 0) {
      unsettled += lane.pending.size;
      const calls = [...lane.pending].map((call) => `${call.what} made at ${call.at.toFixed(1)} s`);
      lost.push(
        `${lane.name}: ${lane.pending.size} calls never settled (${calls.slice(0, 4).join('; ')}${calls.length > 4 ? '; …' : ''}); ` +
          `the page counts ${stats.requests.pending} calls pending; the worker in use then had run ${stats.runs} batches; ` +
          `stats() answered after ${waited.toFixed(1)} s (it waits for a restart to load the model); restarts ${JSON.stringify(stats.restarts)}; ` +
          `the session saw ${struck.get(lane)!.join(', ') || 'no fault'}`,
      );
    }
    for (const [cause, n] of Object.entries(stats.restarts)) restarts[cause] = (restarts[cause] ?? 0) + n;
    lane.disposed = true; // calls still unsettled (counted above) may reject DISPOSED now
    await lane.session.dispose();
  }
  return {
    backend, seconds, calls, resolved, wrong, rejections, settledTwice, unsettled, lost, unexpected, faults, crashes, inFlightAtCrashes, restarts,
    memory: { start: lanes.map((lane) => lane.start!), end: lanes.map((lane) => lane.end!) },
    pendingInStats,
  };
}
