import { TensorlaneError, toTensorlaneError } from '../errors.js';
import type { SchedulerStats } from '../types/session.js';
import { rowsOf } from '../tensor/shape.js';
import { checkBatched, stack } from '../tensor/stack.js';
import type { Feeds } from '../types/tensor.js';
import { MAX_TIMER_MS } from '../wire/protocol.js';
import { SessionBroken } from './broken.js';
import { createHistogram } from './histogram.js';
import { createQueue, type Queued } from './queue.js';

/** An item a run answered: its rows of the run's outputs. */
export interface ItemRows {
  /** The call the item belongs to. */
  readonly id: number;
  /** The item's place in its call. */
  readonly index: number;
  /** Its first row in the run's outputs. */
  readonly start: number;
  /** Its row count; `-1` when it ran alone, and the outputs are all its own, as they are. */
  readonly rows: number;
}

/** What one run answered: its outputs, whole, and the items whose rows they hold. */
export interface RunAnswer {
  readonly outputs: Feeds;
  readonly items: readonly ItemRows[];
}

/** A call that is over: answered (all its items' outputs were given) or failed with `error`. */
export interface Outcome {
  readonly id: number;
  readonly error?: TensorlaneError;
}

/** A call not answered, as the scheduler hands it back: all its items, and whether they must run alone. */
export interface Unanswered {
  readonly id: number;
  readonly items: readonly Feeds[];
  /** Its items shared a run that broke the session (see {@link SessionBroken}): each must run alone next time. */
  readonly alone: boolean;
}

/** Options of {@link createScheduler}. */
export interface SchedulerOptions {
  /** Stack compatible requests into one run; when false, every request runs alone. */
  readonly stacked: boolean;
  /** Rows per run at most; a larger request runs alone. */
  readonly maxBatchSize: number;
  /** How long the oldest request of a group may wait for the group to fill up to `maxBatchSize`. */
  readonly maxQueueDelayMs: number;
  /**
   * Runs the model once; rejects if the model fails. A {@link SessionBroken} rejection stops the scheduler: no run
   * starts after it, and the calls not answered wait for {@link Scheduler.surrender}.
   */
  run(feeds: Feeds): Promise<Feeds>;
  /**
   * Called after each run with what it answered (undefined when it answered no item that is still wanted), and with
   * the calls that are over: those answered by it, or failed. Every item of a call comes before that call's
   * outcome; a cancelled call gets nothing more.
   */
  onSettled(answer: RunAnswer | undefined, outcomes: readonly Outcome[]): void;
  /** The clock, in ms. */
  now?: () => number;
}

/**
 * The worker's queue in front of the one session: dynamic batching. While a run is in flight, requests accumulate
 * in groups of requests that can be stacked (same input names, dtypes and dims beyond dim 0). When the session is
 * free, the next due group (full, or its oldest request has waited `maxQueueDelayMs`) gives up to `maxBatchSize`
 * rows, in arrival order; they are stacked once, run, and each request gets its own rows back as views over the
 * run's outputs. Groups take turns, so none waits behind another for more than one run. A failed run is retried
 * request by request, so that only the request that makes the model fail is rejected.
 */
export interface Scheduler {
  /**
   * Queues the items of call `id`; it is settled, through `onSettled`, once all of them have run.
   * @param alone - run each item in a run of its own.
   * @param requests - the page's calls it stands for (a block of packed calls, worker/blocks.ts), as the stats count.
   */
  submit(id: number, items: readonly Feeds[], alone?: boolean, requests?: number): void;
  /** Forgets call `id`: its queued items never run, and outputs of its running items are not given. */
  cancel(id: number): void;
  /** Fails every call with `error`, and takes no more work. */
  dispose(error: TensorlaneError): void;
  /**
   * Hands back every call not answered, queued or running, whole, and takes no more work: outputs of runs still
   * going are not given. The page sends them to another worker.
   */
  surrender(): Unanswered[];
  /** Resolves once no run is in flight: after `dispose`, the session may then be released. */
  idle(): Promise<void>;
  stats(): SchedulerStats;
}

interface Call {
  readonly id: number;
  readonly items: Item[];
  /** Its items run one per run. */
  alone: boolean;
  /** The page's calls it stands for: 1, or more for a block. */
  readonly requests: number;
  /** Items not yet answered. */
  remaining: number;
  /** Answered, failed or cancelled: nothing more is given for it. */
  over: boolean;
}

interface Item extends Queued {
  readonly call: Call;
  readonly index: number;
}

export function createScheduler(options: SchedulerOptions): Scheduler {
  const { stacked, maxBatchSize, maxQueueDelayMs, run, onSettled } = options;
  const now = options.now ?? (() => performance.now());
  const calls = new Map<number, Call>();
  const queue = createQueue<Item>({ stacked, maxBatchSize, maxQueueDelayMs });
  /** The batch being run, if any. */
  let running: Promise<void> | undefined;
  let pumpQueued = false;
  /** Settled: `.then` on it queues a microtask, as `queueMicrotask` does, without a call out of V8 (Chromium). */
  const settled = Promise.resolve();
  let timer: ReturnType<typeof setTimeout> | undefined;
  /** `halted` after a run broke the session: calls still queue, for `surrender`; `closed` takes none. */
  let mode: 'serving' | 'halted' | 'closed' = 'serving';
  const stats = { runs: 0, rowsRun: 0, queueWait: createHistogram(), run: createHistogram() };

  /** Starts the next due batch if the session is free; otherwise wakes up when the first group falls due. */
  function pump(): void {
    pumpQueued = false;
    if (running || mode !== 'serving') return;
    if (timer !== undefined) {
      clearTimeout(timer);
      timer = undefined;
    }
    const at = now();
    const next = queue.next(at);
    if ('batch' in next) running = runBatch(next.batch);
    else if (next.wake < Infinity) timer = setTimeout(pump, Math.min(next.wake - at, MAX_TIMER_MS));
  }

  /** Pumps once the current task's submissions are all queued, so that a burst arriving together fills one batch. */
  function schedulePump(): void {
    if (pumpQueued) return;
    pumpQueued = true;
    void settled.then(pump);
  }

  /** The run's own promise, timed on the side: a wrapper would cost every run another wait. */
  function timedRun(feeds: Feeds, rows: number): Promise<Feeds> {
    const started = now();
    stats.runs++;
    stats.rowsRun += rows;
    const outputs = run(feeds);
    const record = () => stats.run.record(now() - started);
    outputs.then(record, record);
    return outputs;
  }

  /** Gives each item still wanted its rows of `outputs`: all of them when it ran alone. */
  function deliver(batch: readonly Item[], outputs: Feeds): void {
    const items: ItemRows[] = [];
    const outcomes: Outcome[] = [];
    let start = 0;
    for (const { call, index, rows } of batch) {
      if (!call.over) {
        items.push({ id: call.id, index, start, rows: batch.length === 1 ? -1 : rows });
        if (--call.remaining === 0) {
          finish(call);
          outcomes.push({ id: call.id });
        }
      }
      start += rows;
    }
    if (items.length > 0) onSettled({ outputs, items }, outcomes);
  }

  function fail(call: Call, error: TensorlaneError): void {
    if (call.over) return;
    finish(call);
    onSettled(undefined, [{ id: call.id, error }]);
  }

  /** Marks `call` over and drops its items still queued: O(items of the call). */
  function finish(call: Call): void {
    call.over = true;
    calls.delete(call.id);
    for (const item of call.items) if (item.queued) queue.remove(item);
  }

  /**
   * A run broke the session: start no more. A request it blames is rejected when it ran alone; requests that shared
   * the run will each run alone next time, to find the one.
   */
  function halt(batch: readonly Item[], error: SessionBroken): void {
    if (mode === 'serving') mode = 'halted';
    if (!error.blame) return;
    if (batch.length === 1) fail(batch[0]!.call, error);
    else for (const item of batch) item.call.alone = true;
  }

  /**
   * Runs `batch` and gives its items their outputs. Only the run is tried: a throw from `deliver` (the answer could
   * not be encoded or posted) is no failed run, and its calls are over by then; it rejects this promise, which nothing
   * awaits but `idle`, and the host reports the unhandled rejection as a crash, so the page fails those calls.
   */
  async function runBatch(batch: Item[]): Promise<void> {
    try {
      const started = now();
      for (const item of batch) stats.queueWait.record(started - item.arrived, item.call.requests);
      let rows = 0;
      for (const item of batch) rows += item.rows;
      let outputs: Feeds;
      try {
        outputs = await timedRun(batch.length === 1 ? batch[0]!.feeds : stack(batch.map((item) => item.feeds)), rows);
        // Rows of several requests are cut apart on the page: a block (one request for several calls) is too.
        if (batch.length > 1 || batch[0]!.call.requests > 1) checkBatched(outputs, rows);
      } catch (error) {
        if (error instanceof SessionBroken) return halt(batch, error);
        if (batch.length === 1) return fail(batch[0]!.call, toTensorlaneError(error, 'RUN_FAILED'));
        return await runAlone(batch);
      }
      deliver(batch, outputs);
    } finally {
      running = undefined;
      pump();
    }
  }

  /** After a failed batch: one request may have made it fail, so each runs alone, and only that one is rejected. */
  async function runAlone(batch: readonly Item[]): Promise<void> {
    for (const item of batch) {
      if (item.call.over) continue;
      if (mode !== 'serving') return;
      let outputs: Feeds;
      try {
        outputs = await timedRun(item.feeds, item.rows);
      } catch (error) {
        if (error instanceof SessionBroken) return halt([item], error);
        fail(item.call, toTensorlaneError(error, 'RUN_FAILED'));
        continue;
      }
      deliver([item], outputs);
    }
  }

  /** Takes no more work, and lets go of every call not answered: returns them. */
  function close(): Call[] {
    if (mode === 'closed') return [];
    mode = 'closed';
    clearTimeout(timer);
    const open = [...calls.values()];
    for (const call of open) call.over = true;
    calls.clear();
    queue.clear();
    return open;
  }

  return {
    submit(id: number, items: readonly Feeds[], alone = false, requests = 1): void {
      if (mode === 'closed') return onSettled(undefined, [{ id, error: new TensorlaneError('DISPOSED', 'the session was disposed') }]);
      if (items.length === 0) return onSettled(undefined, [{ id }]);
      const call: Call = { id, items: [], alone, requests, remaining: items.length, over: false };
      calls.set(id, call);
      const arrived = now();
      for (let index = 0; index < items.length; index++) {
        const feeds = items[index]!;
        const item: Item = { call, index, feeds, rows: rowsOf(feeds), arrived, queued: true };
        call.items.push(item);
        queue.add(item, alone);
      }
      schedulePump();
    },

    cancel(id: number): void {
      const call = calls.get(id);
      if (call !== undefined) finish(call);
    },

    dispose(error: TensorlaneError): void {
      const outcomes = close().map((call) => ({ id: call.id, error }));
      if (outcomes.length > 0) onSettled(undefined, outcomes);
    },

    surrender(): Unanswered[] {
      return close().map((call) => ({ id: call.id, items: call.items.map((item) => item.feeds), alone: call.alone }));
    },

    idle: () => running ?? Promise.resolve(),

    stats(): SchedulerStats {
      return { runs: stats.runs, rowsRun: stats.rowsRun, queueWaitMs: stats.queueWait.summary(), runMs: stats.run.summary() };
    },
  };
}
