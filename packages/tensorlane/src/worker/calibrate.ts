// Measuring for `backend: 'fastest'`, in domain terms: contenders that can each run the model at a batch size, a plan
// (batch sizes, timed runs, time budget), and a decision with its reason. No onnxruntime-web here; choose-fastest.ts
// builds the sessions and hands their runs in.
import { ENGINE_BACKEND, engineLabel, type Backend, type Engine } from '../types/backends.js';
import { messageOf } from '../errors.js';
import { MAX_TIMER_MS, type CalibrationRequest } from '../wire/protocol.js';
import type { BackendTimings, EngineTimings } from '../types/backends.js';

/** An engine to measure: runs the model once at `batchSizes[index]` of the plan. */
export interface Contender {
  readonly engine: Engine;
  run(index: number): Promise<void>;
}

export interface CalibrationPlan extends Pick<CalibrationRequest, 'budgetMs' | 'runs'> {
  readonly batchSizes: readonly number[];
}

export interface Calibration {
  /**
   * The fastest contender measured at every batch size; when none was, the first that neither failed nor outlasted
   * the budget; else undefined.
   */
  readonly chosen: Engine | undefined;
  /** Why, in one line: the medians side by side, then what happened to the contenders not measured. */
  readonly reason: string;
  /** Median ms per run, by engine measured and batch size. */
  readonly timings: EngineTimings;
  /** By backend: each backend's fastest engine's medians. */
  readonly backendTimings: BackendTimings;
  /** Contenders whose run failed, with the error: none of them was run again. */
  readonly failed: ReadonlyMap<Engine, unknown>;
  /** The run still going when the budget ran out, by contender: await it before using or releasing its session. */
  readonly pending: ReadonlyMap<Engine, Promise<unknown>>;
  /** Runs started, and ms from the first to the decision. */
  readonly runs: number;
  readonly ms: number;
}

/** The time the calibrator measures with, injectable so that tests drive it; the browser's by default. */
export interface Clock {
  /** The current time, in ms. */
  now(): number;
  /** Calls `fire` after `ms`; returns how to cancel it. */
  timeout(fire: () => void, ms: number): () => void;
}

const realClock: Clock = {
  now: () => performance.now(),
  timeout(fire, ms) {
    // setTimeout fires at once for delays past MAX_TIMER_MS (budgetMs: Infinity).
    const timer = setTimeout(fire, Math.min(ms, MAX_TIMER_MS));
    return () => clearTimeout(timer);
  },
};

const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[(xs.length - 1) >> 1]!;
const formatMs = (ms: number) => (ms < 10 ? ms.toFixed(2) : ms.toFixed(1));

/** Resolves `'late'` if `work` has not settled within `ms`; never rejects (a failure comes back as `{ error }`). */
function within(work: Promise<void>, ms: number, clock: Clock): Promise<'done' | 'late' | { error: unknown }> {
  let cancel: () => void = () => undefined;
  const late = new Promise<'late'>((resolve) => (cancel = clock.timeout(() => resolve('late'), ms)));
  return Promise.race([work.then(() => 'done' as const, (error: unknown) => ({ error })), late]).finally(() => cancel());
}

/**
 * Times the contenders side by side: one untimed round (shader compilation, memory planning), then up to
 * `plan.runs` timed rounds, each running every contender once per batch size, alternating who goes first. A
 * contender whose run fails is never run again. Measuring stops when `plan.budgetMs` is spent, even mid-run: that
 * run is left going (`pending`). The winner has the lowest sum over batch sizes of its median run time; a tie goes
 * to the contender listed first. When none has a timed run at every batch size, a contender whose run outlasted the
 * budget loses to one that did not fail.
 * @param onRun - told after each run how many have run out of how many planned.
 * @param clock - what it measures with; the browser's by default.
 */
export async function calibrate(
  contenders: readonly Contender[],
  plan: CalibrationPlan,
  onRun: (done: number, total: number) => void = () => undefined,
  clock: Clock = realClock,
): Promise<Calibration> {
  const start = clock.now();
  const deadline = start + plan.budgetMs;
  const samples = new Map(contenders.map((c) => [c.engine, plan.batchSizes.map((): number[] => [])]));
  const failed = new Map<Engine, unknown>();
  const failedAt = new Map<Engine, number>();
  const pending = new Map<Engine, Promise<unknown>>();
  const total = contenders.length * plan.batchSizes.length * (plan.runs + 1);
  let runs = 0;
  measuring: for (let round = 0; round <= plan.runs; round++) {
    const order = round % 2 === 0 ? contenders : [...contenders].reverse();
    for (const [index] of plan.batchSizes.entries()) {
      for (const { engine, run } of order) {
        if (failed.has(engine)) continue;
        const left = deadline - clock.now();
        if (left <= 0) break measuring;
        const t0 = clock.now();
        const running = run(index);
        const outcome = await within(running, left, clock);
        onRun(++runs, total);
        if (outcome === 'late') {
          pending.set(engine, running.catch(() => undefined));
          break measuring;
        }
        if (outcome !== 'done') {
          failed.set(engine, outcome.error);
          failedAt.set(engine, plan.batchSizes[index]!);
        } else if (round > 0) samples.get(engine)![index]!.push(clock.now() - t0);
      }
    }
  }

  const timings: { [E in Engine]?: Record<number, number> } = {};
  const scores = new Map<Engine, number>();
  for (const { engine } of contenders) {
    const runsAt = samples.get(engine)!;
    if (failed.has(engine) || runsAt.some((s) => s.length === 0)) continue;
    const medians = runsAt.map(median);
    timings[engine] = Object.fromEntries(plan.batchSizes.map((b, i) => [b, medians[i]!]));
    scores.set(engine, medians.reduce((a, b) => a + b, 0));
  }
  let chosen: Engine | undefined;
  for (const [engine, score] of scores) if (chosen === undefined || score < scores.get(chosen)!) chosen = engine;
  // Each backend's timings are its fastest engine's.
  const backendTimings: { [B in Backend]?: Record<number, number> } = {};
  for (const [engine] of [...scores].sort((a, b) => a[1] - b[1])) backendTimings[ENGINE_BACKEND[engine]] ??= timings[engine]!;
  // Nothing measured: a contender whose one run outlasted the whole budget is known to be slow; one that did not
  // fail and is not still running is not.
  const unmeasured = chosen === undefined && pending.size > 0 ? contenders.find((c) => !failed.has(c.engine) && !pending.has(c.engine)) : undefined;
  chosen ??= unmeasured?.engine;

  const why: string[] = [];
  if (unmeasured !== undefined) why.push(`${engineLabel(unmeasured.engine)}: kept without measuring`);
  if (chosen !== undefined && unmeasured === undefined) {
    const n = Math.min(...[...scores.keys()].flatMap((b) => samples.get(b)!.map((s) => s.length)));
    const others = [...scores.keys()].filter((b) => b !== chosen);
    // 'wasm: 0.21 ms vs webgpu/jsep 1.90 ms a run at batch 1, 1.10 ms vs 2.40 ms at batch 8 (medians of 7)'
    const at = (other: Engine | undefined) =>
      plan.batchSizes
        .map((b, i) => {
          const mine = `${formatMs(timings[chosen!]![b]!)} ms`;
          if (other === undefined) return `${mine} ${i === 0 ? 'a run ' : ''}at batch ${b}`;
          return `${mine} vs ${i === 0 ? `${engineLabel(other)} ` : ''}${formatMs(timings[other]![b]!)} ms ${i === 0 ? 'a run ' : ''}at batch ${b}`;
        })
        .join(', ');
    const medians = `median${plan.batchSizes.length > 1 ? 's' : ''} of ${n}`;
    why.push(
      others.length > 0
        ? `${engineLabel(chosen)}: ${others.map(at).join('; ')} (${medians})`
        : `${engineLabel(chosen)}: ${at(undefined)} (${medians}), the only engine measured`,
    );
  }
  for (const { engine } of contenders) {
    if (scores.has(engine) || engine === unmeasured?.engine) continue;
    const label = engineLabel(engine);
    why.push(
      failed.has(engine)
        ? `${label}: its run at batch ${failedAt.get(engine)} failed: ${messageOf(failed.get(engine))}`
        : pending.has(engine)
          ? `${label}: its run was still going when the ${plan.budgetMs} ms calibration budget ran out`
          : `${label}: not measured within the ${plan.budgetMs} ms calibration budget`,
    );
  }
  return { chosen, reason: why.join('; '), timings, backendTimings, failed, pending, runs, ms: clock.now() - start };
}
