// Blocks of packed calls over the real scheduler and a stand-in model (y = 2x, failing on NaN; `fixed` answers one
// row whatever it is fed), as the host wires them: each call's rows, failures, cancels, hand-backs.
// test/session.test.ts and e2e/batching.spec.ts check the same calls on onnxruntime-web.
import { describe, expect, it } from 'vitest';
import { TensorlaneError } from '../errors.js';
import { rowSlicer } from '../tensor/stack.js';
import type { Feeds } from '../types/tensor.js';
import { pack } from '../wire/pack.js';
import { createBlocks, type Blocks } from './blocks.js';
import { createScheduler, type Outcome } from './scheduler.js';

const call = (id: number, value: number, rows = 1, width = 2) => ({
  id,
  items: [{ x: { type: 'float32' as const, data: new Float32Array(rows * width).fill(value), dims: [rows, width] } }],
});

function setup({ maxBatchSize = 8, fixed = false } = {}) {
  const runs: number[] = [];
  const waiting: Array<() => void> = [];
  /** Each call's answer (its y values) or error code, by id, in the order given. */
  const answers = new Map<number, number[] | string>();
  const parts = new Map<number, number[]>();
  /** Buffers given back, by byte length. */
  const spent: number[] = [];
  let blocks: Blocks | undefined;
  const scheduler = createScheduler({
    stacked: true,
    maxBatchSize,
    maxQueueDelayMs: 0,
    onSettled: (answer0, outcomes0) => {
      const { answer, outcomes, spent: buffers } = blocks!.settled(answer0, outcomes0);
      spent.push(...buffers.map((buffer) => buffer.byteLength));
      for (const { id, start, rows } of answer?.items ?? []) {
        const y = rows < 0 ? answer!.outputs['y']! : rowSlicer(answer!.outputs)(start, rows)['y']!;
        parts.set(id, Array.from(y.data as Float32Array));
      }
      for (const { id, error } of outcomes as Outcome[]) answers.set(id, error ? error.code : parts.get(id)!);
    },
    run: async (input: Feeds) => {
      const x = input['x']!;
      runs.push(x.dims[0]!);
      await new Promise<void>((resolve) => waiting.push(resolve));
      const data = x.data as Float32Array;
      if (data.some(Number.isNaN)) throw new TensorlaneError('RUN_FAILED', 'NaN in x');
      if (fixed) return { y: { type: 'float32', data: data.slice(0, 2), dims: [1, 2] } };
      return { y: { type: 'float32', data: data.map((v) => v * 2), dims: x.dims } };
    },
  });
  blocks = createBlocks(scheduler, maxBatchSize);
  const tick = () => new Promise((resolve) => setTimeout(resolve, 0));
  return {
    scheduler,
    blocks,
    runs,
    tick,
    answers,
    spent,
    /** Queues `calls` as one packed message. */
    queue: (calls: ReturnType<typeof call>[]) => blocks!.queue(pack(calls).packed!),
    async releaseAll(): Promise<void> {
      for (let i = 0; i < 50 && (waiting.length > 0 || i < 2); i++) {
        await tick();
        waiting.shift()?.();
        await tick();
      }
    },
  };
}

describe('createBlocks', () => {
  it('should run a packed message of one-row calls as one run, and give each call its own row', async () => {
    const t = setup();
    expect(t.queue([call(1, 1), call(2, 2), call(3, 3)])).toBe(true);
    await t.releaseAll();
    expect(t.runs).toEqual([3]);
    expect([...t.answers]).toEqual([[1, [2, 2]], [2, [4, 4]], [3, [6, 6]]]);
    expect(t.scheduler.stats().queueWaitMs.count).toBe(3); // the calls, not the block
    expect(t.spent).toEqual([24]); // the message's one buffer, once its block has been answered
  });

  it('should cut a message into blocks of at most maxBatchSize rows, a call that would be alone going as it is', async () => {
    const t = setup({ maxBatchSize: 4 });
    t.queue([call(1, 1, 2), call(2, 2, 2), call(3, 3, 3), call(4, 4, 1), call(5, 5, 5)]);
    await t.releaseAll();
    // 2+2 | 3+1 | 5 (larger than maxBatchSize: alone)
    expect(t.runs).toEqual([4, 4, 5]);
    expect(t.answers.get(3)).toEqual([6, 6, 6, 6, 6, 6]);
    expect(t.answers.get(5)).toEqual(Array(10).fill(10));
    expect(t.spent).toEqual([]); // call 5 was queued on its own, a view of the message's buffer
  });

  it('should give the buffers of a message back once all its blocks have been answered', async () => {
    const t = setup({ maxBatchSize: 2 });
    t.queue([call(1, 1), call(2, 2), call(3, 3), call(4, 4)]);
    await t.releaseAll();
    expect(t.runs).toEqual([2, 2]);
    expect(t.spent).toEqual([32]);
  });

  it('should fail only the bad call of a failed block, running its calls again alone', async () => {
    const t = setup();
    t.queue([call(1, 1), call(2, NaN), call(3, 3)]);
    await t.releaseAll();
    expect(t.runs).toEqual([3, 1, 1, 1]);
    expect([...t.answers]).toEqual([[1, [2, 2]], [2, 'RUN_FAILED'], [3, [6, 6]]]);
    expect(t.spent).toEqual([]);
  });

  it('should run the calls of a block alone when its outputs do not follow its rows', async () => {
    const t = setup({ fixed: true });
    t.queue([call(1, 1), call(2, 2)]);
    await t.releaseAll();
    expect(t.runs).toEqual([2, 1, 1]);
    expect([...t.answers]).toEqual([[1, [1, 1]], [2, [2, 2]]]);
  });

  it('should give a cancelled call of a block nothing, and never run a block whose calls are all cancelled', async () => {
    const t = setup();
    t.scheduler.submit(100, [call(100, 0).items[0]!]); // holds the session, so that the blocks wait
    await t.tick();
    t.queue([call(1, 1), call(2, 2)]);
    t.queue([call(3, 3), call(4, 4)]);
    for (const id of [2, 3, 4]) expect(t.blocks.cancel(id)).toBe(true);
    expect(t.blocks.cancel(99)).toBe(false);
    await t.releaseAll();
    expect(t.runs).toEqual([1, 2]);
    expect([...t.answers.keys()]).toEqual([100, 1]);
  });

  it('should hand back a block as its calls, each with its own rows', async () => {
    const t = setup();
    t.scheduler.submit(100, [call(100, 0).items[0]!]);
    t.queue([call(1, 1), call(2, 2, 2)]);
    t.blocks.cancel(1);
    const back = t.blocks.surrender(t.scheduler.surrender());
    expect(back.map(({ id, items, alone }) => [id, items[0]!['x']!.dims, Array.from(items[0]!['x']!.data as Float32Array), alone])).toEqual([
      [100, [1, 2], [0, 0], false],
      [2, [2, 2], [2, 2, 2, 2], false],
    ]);
  });

  it('should fail every call of a block on dispose', async () => {
    const t = setup();
    t.scheduler.submit(100, [call(100, 0).items[0]!]);
    t.queue([call(1, 1), call(2, 2)]);
    t.scheduler.dispose(new TensorlaneError('DISPOSED', 'the session was disposed'));
    expect([...t.answers]).toEqual([[100, 'DISPOSED'], [1, 'DISPOSED'], [2, 'DISPOSED']]);
  });

  it('should leave calls that do not stack together to be queued one by one', () => {
    const t = setup();
    expect(t.queue([call(1, 1, 1, 2), call(2, 2, 1, 3)])).toBe(false);
    expect(t.queue([{ id: 3, items: [call(3, 1).items[0]!, call(3, 1).items[0]!] }, call(4, 1)])).toBe(false);
    expect(t.runs).toEqual([]);
  });
});
