import { TensorlaneError, toWireError } from '../errors.js';
import type { Feeds, Part, Results, SchedulerStats, WireError } from '../protocol.js';
import { rowsOf, stack, stackKey, unstack } from '../tensor/stack.js';
import { createHistogram } from './histogram.js';

/** Options of {@link createScheduler}. */
export interface SchedulerOptions {
  /** Stack compatible requests into one run; when false, every request runs alone. */
  readonly stacked: boolean;
  /** Rows per run at most; a larger request runs alone. */
  readonly maxBatchSize: number;
  /** How long the oldest request of a group may wait for the group to fill up to `maxBatchSize`. */
  readonly maxQueueDelayMs: number;
  /** Runs the model once; rejects if the model fails. */
  run(feeds: Feeds): Promise<Feeds>;
  /** Sends answers to the page. Called after each run, with every output of that run. */
  post(results: Results): void;
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
  /** Queues the items of call `id`; it is answered, through `post`, once all of them have run. */
  submit(id: number, items: readonly Feeds[]): void;
  /** Forgets call `id`: its queued items never run, and outputs of its running items are not sent. */
  cancel(id: number): void;
  /** Rejects every call with `error`, and takes no more work. */
  dispose(error: TensorlaneError): void;
  stats(): SchedulerStats;
}

interface Call {
  readonly id: number;
  /** Items not yet answered. */
  remaining: number;
  /** Answered, failed or cancelled: nothing more is sent for it. */
  over: boolean;
}

interface Item {
  readonly call: Call;
  readonly index: number;
  readonly feeds: Feeds;
  readonly rows: number;
  readonly arrived: number;
}

interface Group {
  readonly key: string;
  /** Its requests run one per run: the model is not stacked, or they cannot be stacked (see stackKey). */
  readonly alone: boolean;
  readonly items: Item[];
  rows: number;
}

/** setTimeout's longest delay; a longer one would fire at once. */
const MAX_TIMER_MS = 2_147_483_647;

const message = (parts: Part[], done: Results['done']): Results => ({ tensorlane: 'results', parts, done });

export function createScheduler(options: SchedulerOptions): Scheduler {
  const { stacked, maxBatchSize, maxQueueDelayMs, run, post } = options;
  const now = options.now ?? (() => performance.now());
  const calls = new Map<number, Call>();
  const groups = new Map<string, Group>();
  /** The groups with queued items, in turn order: the front one goes next if it is due. */
  let turns: Group[] = [];
  let busy = false;
  let pumpQueued = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let disposed = false;
  let loners = 0;
  const stats = { runs: 0, rowsRun: 0, queueWait: createHistogram(), run: createHistogram() };

  function enqueue(item: Item): void {
    // Requests that cannot be stacked (see stackKey) get a group of their own.
    const stackable = stacked ? stackKey(item.feeds) : undefined;
    const key = stacked ? (stackable ?? `alone ${loners++}`) : '';
    let group = groups.get(key);
    if (group === undefined) {
      group = { key, alone: stackable === undefined, items: [], rows: 0 };
      groups.set(key, group);
      turns.push(group);
    }
    group.items.push(item);
    group.rows += item.rows;
  }

  /** Takes the next batch off `group`, and sends the group to the back of the turn order. */
  function take(group: Group): Item[] {
    let count = 0;
    let rows = 0;
    for (const item of group.items) {
      if (count > 0 && (group.alone || rows + item.rows > maxBatchSize)) break;
      count++;
      rows += item.rows;
    }
    const batch = group.items.splice(0, count);
    group.rows -= rows;
    turns = turns.filter((g) => g !== group);
    if (group.items.length > 0) turns.push(group);
    else groups.delete(group.key);
    return batch;
  }

  function isDue(group: Group, at: number): boolean {
    // A group whose requests run one by one gains nothing from waiting.
    return group.alone || group.rows >= maxBatchSize || at - group.items[0]!.arrived >= maxQueueDelayMs;
  }

  /** Starts the next due batch if the session is free; otherwise wakes up when the first group falls due. */
  function pump(): void {
    pumpQueued = false;
    if (busy || disposed) return;
    clearTimeout(timer);
    timer = undefined;
    const at = now();
    let wake = Infinity;
    for (const group of turns) {
      if (isDue(group, at)) {
        void runBatch(take(group));
        return;
      }
      wake = Math.min(wake, group.items[0]!.arrived + maxQueueDelayMs);
    }
    if (wake < Infinity) timer = setTimeout(pump, Math.min(wake - at, MAX_TIMER_MS));
  }

  /** Pumps once the current task's submissions are all queued, so that a burst arriving together fills one batch. */
  function schedulePump(): void {
    if (pumpQueued) return;
    pumpQueued = true;
    queueMicrotask(pump);
  }

  async function timedRun(feeds: Feeds, rows: number): Promise<Feeds> {
    const started = now();
    stats.runs++;
    stats.rowsRun += rows;
    try {
      return await run(feeds);
    } finally {
      stats.run.record(now() - started);
    }
  }

  function deliver(answers: ReadonlyArray<readonly [Item, Feeds]>): void {
    const parts: Part[] = [];
    const done: Array<{ id: number }> = [];
    for (const [{ call, index }, outputs] of answers) {
      if (call.over) continue;
      parts.push({ id: call.id, index, outputs });
      if (--call.remaining === 0) {
        finish(call);
        done.push({ id: call.id });
      }
    }
    if (parts.length > 0) post(message(parts, done));
  }

  function fail(call: Call, error: WireError): void {
    if (call.over) return;
    finish(call);
    post(message([], [{ id: call.id, error }]));
  }

  /** Marks `call` over and drops its items still queued. */
  function finish(call: Call): void {
    call.over = true;
    calls.delete(call.id);
    if (call.remaining === 0) return;
    for (const group of [...turns]) {
      const kept = group.items.filter((item) => item.call !== call);
      if (kept.length === group.items.length) continue;
      group.items.splice(0, group.items.length, ...kept);
      group.rows = kept.reduce((n, item) => n + item.rows, 0);
      if (kept.length === 0) {
        groups.delete(group.key);
        turns = turns.filter((g) => g !== group);
      }
    }
  }

  async function runBatch(batch: Item[]): Promise<void> {
    busy = true;
    try {
      const started = now();
      for (const item of batch) stats.queueWait.record(started - item.arrived);
      const live = batch.filter((item) => !item.call.over);
      if (live.length === 0) return;
      const rows = live.map((item) => item.rows);
      try {
        const outputs = await timedRun(live.length === 1 ? live[0]!.feeds : stack(live.map((item) => item.feeds)), rows.reduce((a, b) => a + b));
        const split = live.length === 1 ? [outputs] : unstack(outputs, rows);
        deliver(live.map((item, i) => [item, split[i]!] as const));
      } catch (error) {
        if (live.length === 1) return fail(live[0]!.call, toWireError(error, 'RUN_FAILED'));
        // One request may have made the whole batch fail: run each alone, so that only that one is rejected.
        for (const item of live) {
          if (item.call.over) continue;
          try {
            deliver([[item, await timedRun(item.feeds, item.rows)]]);
          } catch (alone) {
            fail(item.call, toWireError(alone, 'RUN_FAILED'));
          }
        }
      }
    } finally {
      busy = false;
      pump();
    }
  }

  return {
    submit(id: number, items: readonly Feeds[]): void {
      if (disposed) return post(message([], [{ id, error: toWireError(new TensorlaneError('DISPOSED', 'the session was disposed'), 'DISPOSED') }]));
      if (items.length === 0) return post(message([], [{ id }]));
      const call: Call = { id, remaining: items.length, over: false };
      calls.set(id, call);
      const arrived = now();
      items.forEach((feeds, index) => enqueue({ call, index, feeds, rows: rowsOf(feeds), arrived }));
      schedulePump();
    },

    cancel(id: number): void {
      const call = calls.get(id);
      if (call !== undefined) finish(call);
    },

    dispose(error: TensorlaneError): void {
      if (disposed) return;
      disposed = true;
      clearTimeout(timer);
      const wire = toWireError(error, error.code);
      const done = [...calls.values()].map((call) => ({ id: call.id, error: wire }));
      for (const call of [...calls.values()]) finish(call);
      if (done.length > 0) post(message([], done));
    },

    stats(): SchedulerStats {
      return { runs: stats.runs, rowsRun: stats.rowsRun, queueWaitMs: stats.queueWait.summary(), runMs: stats.run.summary() };
    },
  };
}
