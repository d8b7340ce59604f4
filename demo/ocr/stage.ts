// One pipeline stage through one tensorlane session: prepare the inputs, send every call at once (so the worker's
// scheduler can batch them), read the outputs; and what each part took, from the page's clock and session.stats().
import type { ImageFeeds, Outputs, Session, SessionStats, Tensor } from 'tensorlane';

/** The output of a model with one output, from `outputs` of one call. */
export function firstOutput(session: Session, outputs: Outputs): Tensor {
  return outputs[session.outputs[0]!.name]!;
}

/** What a stage took. `queueMs` and `runMs` come from the worker (session.stats() before and after). */
export interface StageTiming {
  /** Preparing the calls on the page (cropping lines; resizing and normalizing are the worker's). */
  readonly preMs: number;
  /** Mean time a call waited in the worker's queue before its run started. */
  readonly queueMs: number;
  /** Time inside onnxruntime-web's run, all runs of the stage together. */
  readonly runMs: number;
  /** From the first predict() to the last answer, on the page: transfer, queue and runs. */
  readonly predictMs: number;
  /** Post-processing on the page (boxes from the map, decoding). */
  readonly postMs: number;
  /** predict() calls made, and the runs the scheduler made of them. */
  readonly calls: number;
  readonly runs: number;
}

const total = (stats: SessionStats, key: 'queueWaitMs' | 'runMs') => stats[key].count * stats[key].mean;

/**
 * Runs one stage: `prepare` makes one call's feeds per call, all calls go out at once, and `read` gets every call's
 * outputs in order. Pictures are copied (snapshotted off the main thread), since the pipeline uses them again.
 * Stages of one session must not overlap, or their stats would mix.
 */
export async function runStage<T>(
  session: Session,
  prepare: () => ImageFeeds[],
  read: (outputs: Outputs[]) => T,
): Promise<{ readonly result: T; readonly timing: StageTiming }> {
  const before = await session.stats();
  const t0 = performance.now();
  const feeds = prepare();
  const t1 = performance.now();
  const outputs = await Promise.all(feeds.map((item) => session.predict(item, { copy: true })));
  const t2 = performance.now();
  const result = read(outputs);
  const t3 = performance.now();
  const after = await session.stats();
  const waited = after.queueWaitMs.count - before.queueWaitMs.count;
  return {
    result,
    timing: {
      preMs: t1 - t0,
      queueMs: waited === 0 ? 0 : (total(after, 'queueWaitMs') - total(before, 'queueWaitMs')) / waited,
      runMs: total(after, 'runMs') - total(before, 'runMs'),
      predictMs: t2 - t1,
      postMs: t3 - t2,
      calls: feeds.length,
      runs: after.runs - before.runs,
    },
  };
}
