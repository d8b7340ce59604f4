// Packed calls as blocks. The calls of a packed message (wire/pack.ts) lie one after another in its buffers, as the
// batch the model runs. When each has one item and their inputs stack (as stackKey says), runs of them go to the
// scheduler as one request each, a block: views over the message's rows, at most maxBatchSize of them. The worker
// then makes, queues, answers and collects a few objects a message instead of several a call; the calls' ids and rows
// stay numbers. A block's answer is cut into its calls' here; a block that fails or is handed back splits into its
// calls, and a failed one's calls run again alone, so that only a bad call fails. Once every block of a message has
// been answered, its buffers are spent: they go back to the page to pack into again (client/spares.ts).
import { viewOf } from '../tensor/dtypes.js';
import type { Feeds, Tensor } from '../types/tensor.js';
import { stackedCalls, type StackedCalls } from '../wire/pack.js';
import type { PackedCalls } from '../wire/protocol.js';
import type { ItemRows, Outcome, RunAnswer, Scheduler, Unanswered } from './scheduler.js';

/** The scheduler's ids for blocks: above every call id, which the page counts up from 1. */
const FIRST_BLOCK_ID = 2 ** 52;

/** A packed message whose calls stack, as its blocks share it. */
interface Rows extends StackedCalls {
  readonly packed: PackedCalls;
  /** Its blocks not yet answered; one whose calls were all cancelled never is (it may be running). */
  open: number;
  /** Something other than its blocks may still read its buffers: a call queued alone, a retry, a hand-back. */
  held: boolean;
}

interface Block {
  readonly id: number;
  readonly message: Rows;
  /** Its calls: `message`'s calls `from` to `to` (exclusive), its rows from `firstRow` on. */
  readonly from: number;
  readonly to: number;
  readonly firstRow: number;
  /** Calls cancelled while the block waited: they get nothing more. */
  readonly cancelled: Set<number>;
}

export interface Blocks {
  /**
   * Queues the calls of `packed` as blocks, or as calls where a block would hold one; false, queuing nothing, when
   * they do not all stack (then each call is queued as it is).
   */
  queue(packed: PackedCalls): boolean;
  /** Cancels call `id` if a block holds it; false if none does. */
  cancel(id: number): boolean;
  /**
   * The scheduler's answer and outcomes with each block's turned into its calls'; a failed block's calls queue again.
   * `spent`: the buffers of messages whose blocks have all been answered, which nothing here reads any more.
   */
  settled(answer: RunAnswer | undefined, outcomes: readonly Outcome[]): { answer: RunAnswer | undefined; outcomes: Outcome[]; spent: ArrayBuffer[] };
  /** The scheduler's unanswered calls with each block split into its calls. */
  surrender(unanswered: readonly Unanswered[]): Unanswered[];
}

/** Whether an output of `answer` lies in one of `buffers` (a model that answers with its input, as it is). */
function sharesBuffers(answer: RunAnswer | undefined, buffers: readonly ArrayBuffer[]): boolean {
  for (const name in answer?.outputs) if (buffers.includes(answer.outputs[name]!.data.buffer as ArrayBuffer)) return true;
  return false;
}

/** Rows `firstRow` to `firstRow + rows` of the message's inputs, as views. */
function feedsOf({ packed: { names, types, buffers }, inputs }: Rows, firstRow: number, rows: number): Feeds {
  const feeds: Record<string, Tensor> = {};
  names.forEach((name, k) => {
    const { tail, rowSize, bytes } = inputs[k]!;
    feeds[name] = { type: types[k]!, data: viewOf(types[k]!, buffers[k]!, firstRow * rowSize * bytes, rows * rowSize), dims: [rows, ...tail] };
  });
  return feeds;
}

/**
 * @param scheduler - where blocks, and calls a block would hold alone, queue.
 * @param maxBatchSize - a block's rows at most.
 */
export function createBlocks(scheduler: Pick<Scheduler, 'submit' | 'cancel'>, maxBatchSize: number): Blocks {
  const blocks = new Map<number, Block>();
  let nextId = FIRST_BLOCK_ID;

  /** Each call of `block` not cancelled, with its first row in the block. */
  function forEachCall(block: Block, each: (id: number, start: number, rows: number) => void): void {
    const { ids, rows } = block.message;
    let start = 0;
    for (let i = block.from; i < block.to; i++) {
      if (!block.cancelled.has(ids[i]!)) each(ids[i]!, start, rows[i]!);
      start += rows[i]!;
    }
  }

  /** The block's calls, each on its own, its items views of the block's rows. */
  function split(block: Block, alone: boolean): Unanswered[] {
    blocks.delete(block.id);
    block.message.held = true;
    const calls: Unanswered[] = [];
    forEachCall(block, (id, start, rows) => calls.push({ id, items: [feedsOf(block.message, block.firstRow + start, rows)], alone }));
    return calls;
  }

  /** The block failed: its calls run again, each alone, so that only a call that fails alone fails. */
  function retry(block: Block): void {
    for (const { id, items } of split(block, true)) scheduler.submit(id, items, true);
  }

  function add(message: Rows, from: number, to: number, firstRow: number, rows: number): void {
    if (to - from === 1) {
      message.held = true;
      return scheduler.submit(message.ids[from]!, [feedsOf(message, firstRow, rows)]);
    }
    message.open++;
    const block: Block = { id: nextId++, message, from, to, firstRow, cancelled: new Set() };
    blocks.set(block.id, block);
    scheduler.submit(block.id, [feedsOf(message, firstRow, rows)], false, to - from);
  }

  return {
    queue(packed) {
      const stacked = stackedCalls(packed);
      if (stacked === undefined) return false;
      const message: Rows = { ...stacked, packed, open: 0, held: false };
      const { rows } = message;
      let from = 0;
      let firstRow = 0;
      let taken = 0;
      for (let i = 0; i < rows.length; i++) {
        if (i > from && taken + rows[i]! > maxBatchSize) {
          add(message, from, i, firstRow, taken);
          from = i;
          firstRow += taken;
          taken = 0;
        }
        taken += rows[i]!;
      }
      if (rows.length > from) add(message, from, rows.length, firstRow, taken);
      return true;
    },

    cancel(id) {
      for (const block of blocks.values()) {
        const { ids } = block.message;
        let i = block.from;
        while (i < block.to && ids[i] !== id) i++;
        if (i === block.to) continue;
        block.cancelled.add(id);
        if (block.cancelled.size === block.to - block.from) {
          blocks.delete(block.id);
          scheduler.cancel(block.id);
        }
        return true;
      }
      return false;
    },

    settled(answer, outcomes) {
      const spent: ArrayBuffer[] = [];
      if (blocks.size === 0) return { answer, outcomes: outcomes as Outcome[], spent };
      const items: ItemRows[] = [];
      for (const item of answer?.items ?? []) {
        const block = blocks.get(item.id);
        if (block === undefined) {
          items.push(item);
          continue;
        }
        forEachCall(block, (id, start, n) => items.push({ id, index: 0, start: item.start + start, rows: n }));
      }
      const out: Outcome[] = [];
      for (const outcome of outcomes) {
        const block = blocks.get(outcome.id);
        if (block === undefined) {
          out.push(outcome);
          continue;
        }
        // A failed run, or outputs that do not follow the block's rows (checkBatched in the scheduler).
        if (outcome.error !== undefined && outcome.error.code !== 'DISPOSED') {
          retry(block);
          continue;
        }
        blocks.delete(block.id);
        const { error } = outcome;
        forEachCall(block, (id) => out.push(error ? { id, error } : { id }));
        const { message } = block;
        if (--message.open === 0 && !message.held && !error && !sharesBuffers(answer, message.packed.buffers)) spent.push(...message.packed.buffers);
      }
      return { answer: answer && items.length > 0 ? { outputs: answer.outputs, items } : undefined, outcomes: out, spent };
    },

    surrender(unanswered) {
      return unanswered.flatMap((call) => {
        const block = blocks.get(call.id);
        return block ? split(block, call.alone) : [call];
      });
    },
  };
}
