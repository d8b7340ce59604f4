// The scheduler's decisions, with a stand-in model (y = 2x, failing on NaN) whose runs finish when the test says.
// test/session.test.ts and e2e/batching.spec.ts check the same behaviour on onnxruntime-web.
import { describe, expect, it } from 'vitest';
import { TensorlaneError } from '../errors.js';
import type { Feeds } from '../types/tensor.js';
import { SessionBroken } from './broken.js';
import { rowSlicer } from '../tensor/stack.js';
import { createScheduler, type Outcome, type SchedulerOptions } from './scheduler.js';

/** An item's outputs, cut out of its run's as the page cuts them. */
interface ItemOutputs {
  readonly id: number;
  readonly index: number;
  readonly outputs: Feeds;
}

const feeds = (rows: number, value = 1, width = 2): Feeds => ({
  x: { type: 'float32', data: new Float32Array(rows * width).fill(value), dims: [rows, width] },
});

/** A scheduler over a stand-in model; `runs` records each run's rows, `release()` finishes the oldest run. */
function setup(options: Partial<SchedulerOptions> = {}) {
  const runs: number[] = [];
  const waiting: Array<() => void> = [];
  /** What each onSettled call gave. */
  const posted: Array<{ parts: readonly ItemOutputs[]; done: readonly Outcome[] }> = [];
  let clock = 0;
  const scheduler = createScheduler({
    stacked: true,
    maxBatchSize: 8,
    maxQueueDelayMs: 0,
    now: () => clock,
    onSettled: (answer, done) => {
      const parts = (answer?.items ?? []).map(({ id, index, start, rows }) => ({
        id,
        index,
        outputs: rows < 0 ? answer!.outputs : rowSlicer(answer!.outputs)(start, rows),
      }));
      posted.push({ parts, done });
    },
    run: async (input) => {
      const x = input['x']!;
      runs.push(x.dims[0]!);
      await new Promise<void>((resolve) => waiting.push(resolve));
      if ((x.data as Float32Array).some(Number.isNaN)) throw new TensorlaneError('RUN_FAILED', 'NaN in x');
      return { y: { type: 'float32', data: (x.data as Float32Array).map((v) => v * 2), dims: x.dims } };
    },
    ...options,
  });
  const tick = () => new Promise((resolve) => setTimeout(resolve, 0));
  return {
    scheduler,
    runs,
    posted,
    /** Ids settled, in order, with their error code if any. */
    done: () => posted.flatMap((r) => r.done.map((d) => (d.error ? `${d.id}:${d.error.code}` : `${d.id}`))),
    async release(): Promise<void> {
      await tick();
      waiting.shift()?.();
      await tick();
    },
    advance(ms: number) {
      clock += ms;
    },
    tick,
  };
}

describe('createScheduler', () => {
  it('should run a request at once when the session is free, and batch what queues meanwhile', async () => {
    const t = setup();
    t.scheduler.submit(1, [feeds(1)]);
    await t.tick();
    expect(t.runs).toEqual([1]);
    for (let id = 2; id <= 6; id++) t.scheduler.submit(id, [feeds(2)]);
    await t.release();
    expect(t.runs).toEqual([1, 8]); // 4 requests of 2 rows fill maxBatchSize 8; the 5th waits
    await t.release();
    await t.release();
    expect(t.runs).toEqual([1, 8, 2]);
    expect(t.done()).toEqual(['1', '2', '3', '4', '5', '6']);
  });

  it('should hand each request exactly its own rows, as views over the run\'s output', async () => {
    const t = setup();
    t.scheduler.submit(1, [feeds(1, 1)]);
    t.scheduler.submit(2, [feeds(3, 5)]);
    await t.release();
    const [message] = t.posted;
    expect(message!.parts.map((p) => [p.id, p.outputs['y']!.dims, Array.from(p.outputs['y']!.data as Float32Array)])).toEqual([
      [1, [1, 2], [2, 2]],
      [2, [3, 2], [10, 10, 10, 10, 10, 10]],
    ]);
    expect(message!.parts[0]!.outputs['y']!.data.buffer).toBe(message!.parts[1]!.outputs['y']!.data.buffer);
  });

  it('should keep requests of other shapes in their own group, taking turns', async () => {
    const t = setup({ maxBatchSize: 2 });
    t.scheduler.submit(1, [feeds(1, 1, 2)]); // runs at once
    await t.tick();
    for (const [id, width] of [[2, 2], [3, 2], [4, 3], [5, 2], [6, 2], [7, 3]] as const) t.scheduler.submit(id, [feeds(1, 1, width)]);
    for (let i = 0; i < 5; i++) await t.release();
    // width 2: 2,3 | width 3: 4,7 | width 2: 5,6 — no group waits behind another for more than one run.
    expect(t.done()).toEqual(['1', '2', '3', '4', '7', '5', '6']);
  });

  it('should run a request larger than maxBatchSize alone', async () => {
    const t = setup({ maxBatchSize: 4 });
    t.scheduler.submit(1, [feeds(9)]);
    await t.release();
    expect(t.runs).toEqual([9]);
    expect(t.done()).toEqual(['1']);
  });

  it('should wait up to maxQueueDelayMs for a fuller batch, and no longer', async () => {
    const t = setup({ maxQueueDelayMs: 5 });
    t.scheduler.submit(1, [feeds(2)]);
    await t.tick();
    expect(t.runs).toEqual([]);
    t.scheduler.submit(2, [feeds(6)]); // fills the batch: runs without waiting
    await t.tick();
    expect(t.runs).toEqual([8]);
    await t.release();
    t.scheduler.submit(3, [feeds(1)]);
    await t.tick();
    expect(t.runs).toEqual([8]);
    t.advance(5);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(t.runs).toEqual([8, 1]);
  });

  it('should run only one request per run when not stacking', async () => {
    const t = setup({ stacked: false });
    for (let id = 1; id <= 3; id++) t.scheduler.submit(id, [feeds(1)]);
    for (let i = 0; i < 3; i++) await t.release();
    expect(t.runs).toEqual([1, 1, 1]);
    expect(t.done()).toEqual(['1', '2', '3']);
  });

  it('should retry a failed batch one by one, so that only the culprit is rejected', async () => {
    const t = setup();
    t.scheduler.submit(1, [feeds(1)]);
    await t.tick();
    t.scheduler.submit(2, [feeds(1)]);
    t.scheduler.submit(3, [feeds(1, Number.NaN)]);
    t.scheduler.submit(4, [feeds(2)]);
    for (let i = 0; i < 5; i++) await t.release();
    expect(t.runs).toEqual([1, 4, 1, 1, 2]);
    expect(t.done()).toEqual(['1', '2', '3:RUN_FAILED', '4']);
  });

  it('should never run a call cancelled while queued, and drop the outputs of one cancelled while running', async () => {
    const t = setup();
    t.scheduler.submit(1, [feeds(1)]);
    t.scheduler.submit(2, [feeds(1)]);
    await t.tick();
    t.scheduler.submit(3, [feeds(4)]);
    t.scheduler.cancel(2); // running
    t.scheduler.cancel(3); // queued
    await t.release();
    await t.release();
    expect(t.runs).toEqual([2]);
    expect(t.done()).toEqual(['1']);
    expect(t.posted.flatMap((r) => r.parts.map((p) => p.id))).toEqual([1]);
  });

  it('should drop cancelled calls from every group and run the rest in arrival order', async () => {
    const t = setup({ maxBatchSize: 64 });
    t.scheduler.submit(1, [feeds(1)]); // runs at once
    await t.tick();
    // Three groups (widths 2, 3, 4), ten calls each; every other call is cancelled while queued.
    for (let id = 2; id < 32; id++) t.scheduler.submit(id, [feeds(1, id, 2 + (id % 3))]);
    for (let id = 2; id < 32; id += 2) t.scheduler.cancel(id);
    for (let i = 0; i < 4; i++) await t.release();
    expect(t.runs).toEqual([1, 5, 5, 5]);
    const odd = (width: number) => Array.from({ length: 30 }, (_, i) => i + 2).filter((id) => id % 2 === 1 && 2 + (id % 3) === width);
    // Groups take turns in the order they were made: width 4 (by call 2), 2 (call 3), 3 (call 4).
    expect(t.done()).toEqual(['1', ...[...odd(4), ...odd(2), ...odd(3)].map(String)]);
    expect(t.posted.flatMap((r) => r.parts.map((p) => (p.outputs['y']!.data as Float32Array)[0]))).toEqual(
      [1, ...odd(4), ...odd(2), ...odd(3)].map((id) => 2 * id),
    );
  });

  it('should answer a call of many items once all have run, and reject it as a whole if one fails', async () => {
    const t = setup({ maxBatchSize: 2 });
    t.scheduler.submit(1, [feeds(1), feeds(1), feeds(1)]);
    t.scheduler.submit(2, [feeds(1, Number.NaN), feeds(1), feeds(1)]);
    for (let i = 0; i < 6; i++) await t.release();
    expect(t.done()).toEqual(['1', '2:RUN_FAILED']);
    expect(t.posted.flatMap((r) => r.parts.filter((p) => p.id === 1).map((p) => p.index)).sort()).toEqual([0, 1, 2]);
  });

  it('should reject every call on dispose, and count runs, rows and waits', async () => {
    const t = setup();
    t.scheduler.submit(1, [feeds(3)]);
    await t.tick();
    t.advance(4);
    await t.release();
    t.scheduler.submit(2, [feeds(1)]);
    t.scheduler.dispose(new TensorlaneError('DISPOSED', 'the session was disposed'));
    expect(t.done()).toEqual(['1', '2:DISPOSED']);
    const stats = t.scheduler.stats();
    expect(stats).toMatchObject({ runs: 1, rowsRun: 3 });
    expect(stats.runMs).toMatchObject({ count: 1, max: 4 });
    expect(stats.queueWaitMs.count).toBe(1);
  });

  it('should hand back every unanswered call whole, queued or running, and answer nothing more after surrender', async () => {
    const t = setup({ maxBatchSize: 2 });
    t.scheduler.submit(1, [feeds(1)]);
    await t.tick();
    t.scheduler.submit(2, [feeds(1), feeds(1, 3)]);
    t.scheduler.submit(3, [feeds(2)]);
    const returned = t.scheduler.surrender();
    expect(returned.map(({ id, items, alone }) => ({ id, rows: items.map((f) => f['x']!.dims[0]), alone }))).toEqual([
      { id: 1, rows: [1], alone: false }, // running
      { id: 2, rows: [1, 1], alone: false },
      { id: 3, rows: [2], alone: false },
    ]);
    await t.release(); // the run of call 1 ends: its outputs are not given
    expect(t.posted).toEqual([]);
    t.scheduler.submit(4, [feeds(1)]);
    expect(t.done()).toEqual(['4:DISPOSED']);
  });

  it('should stop running when a run breaks the session, reject a blamed request that ran alone, and mark a shared run alone', async () => {
    const broken = (blame: boolean) =>
      new SessionBroken({ cause: blame ? 'session-failed' : 'device-lost', message: 'gone' }, blame, 'the run broke the session');
    for (const [blame, rows, expected] of [
      [true, [1], { done: ['1:RUN_FAILED'], returned: [] }],
      [true, [1, 1], { done: [], returned: [{ id: 1, alone: true }, { id: 2, alone: true }] }],
      [false, [1], { done: [], returned: [{ id: 1, alone: false }] }],
    ] as const) {
      let runs = 0;
      const t = setup({ run: async () => (runs++, Promise.reject(broken(blame))) });
      rows.forEach((r, i) => t.scheduler.submit(i + 1, [feeds(r)]));
      t.scheduler.submit(9, [feeds(1, 1, 3)]); // another group (width 3), queued
      await t.tick();
      await t.tick();
      expect(runs).toBe(1);
      expect(t.done()).toEqual(expected.done);
      expect(t.scheduler.surrender().map(({ id, alone }) => ({ id, alone }))).toEqual([...expected.returned, { id: 9, alone: false }]);
    }
  });

  it('should run the items of a call marked alone one per run', async () => {
    const t = setup();
    t.scheduler.submit(1, [feeds(1), feeds(1)], true);
    t.scheduler.submit(2, [feeds(1)]);
    await t.release();
    await t.release();
    await t.release();
    expect(t.runs).toEqual([1, 1, 1]);
  });

  it('should not fail a call as a failed run, and reject the run instead, when posting its answer throws', async () => {
    const settled: Outcome[][] = [];
    let post = (): void => {
      post = () => undefined;
      throw new Error('DataCloneError: the answer could not be cloned');
    };
    const t = setup({ onSettled: (answer, done) => (settled.push([...done]), answer && post()) });
    t.scheduler.submit(1, [feeds(1)]);
    await t.tick();
    // The run's promise, which the worker leaves unhandled: the host reports it as a crash, and the page hears it.
    const crashed = expect(t.scheduler.idle()).rejects.toThrow('DataCloneError: the answer could not be cloned');
    await t.release();
    await crashed;
    expect(settled).toEqual([[{ id: 1 }]]);
    t.scheduler.submit(2, [feeds(1)]);
    await t.release();
    expect(settled).toEqual([[{ id: 1 }], [{ id: 2 }]]);
  });
});

