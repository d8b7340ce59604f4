// The scheduler's queue: requests wait in groups of those that can be stacked together (same input names, dtypes
// and dims beyond dim 0), and the groups take turns. Every operation is O(1) per item, amortised.
import { stackKey } from '../tensor/stack.js';
import type { Feeds } from '../types/tensor.js';

/** What the queue needs of a request. */
export interface Queued {
  readonly feeds: Feeds;
  readonly rows: number;
  readonly arrived: number;
  /** In its group's queue, not yet taken into a run nor dropped. */
  queued: boolean;
  group?: unknown;
}

interface Group<T extends Queued> {
  readonly key: string;
  /** Its requests run one per run: the model is not stacked, or they cannot be stacked (see stackKey). */
  readonly alone: boolean;
  /** Queued items from `head` on, in arrival order; dropped ones stay until they reach the head. */
  readonly items: T[];
  head: number;
  /** Rows and count of the items still queued. */
  rows: number;
  count: number;
}

export interface QueueOptions {
  /** Stack compatible requests; when false, every request runs alone. */
  readonly stacked: boolean;
  readonly maxBatchSize: number;
  readonly maxQueueDelayMs: number;
}

export interface Queue<T extends Queued> {
  /** Queues `item`; `alone` puts it in a group of its own, to run in a run of its own. */
  add(item: T, alone: boolean): void;
  /** Drops a queued item. */
  remove(item: T): void;
  /**
   * The next batch due at `at` (its group full, or its oldest item waited `maxQueueDelayMs`): up to `maxBatchSize`
   * rows in arrival order, its group then going to the back of the turn order. When none is due, when the first
   * will be (`Infinity` for an empty queue).
   */
  next(at: number): { readonly batch: T[] } | { readonly wake: number };
  clear(): void;
}

/** Emptied groups kept for the next request of their kind, at most. */
const KEPT_GROUPS = 8;

export function createQueue<T extends Queued>({ stacked, maxBatchSize, maxQueueDelayMs }: QueueOptions): Queue<T> {
  const groups = new Map<string, Group<T>>();
  /** The groups with queued items, in turn order (a Set keeps insertion order): the first due one goes next. */
  const turns = new Set<Group<T>>();
  let loners = 0;

  /** The oldest item still queued in `group`, skipping (and letting go of) dropped ones. */
  function first(group: Group<T>): T {
    while (!group.items[group.head]!.queued) group.head++;
    return group.items[group.head]!;
  }

  function remove(item: T): void {
    const group = item.group as Group<T>;
    item.queued = false;
    group.rows -= item.rows;
    if (--group.count > 0) return;
    turns.delete(group);
    group.items.length = 0;
    group.head = 0;
    // An emptied group stays for the next request of its kind, which calls made one after another always are; a
    // group of requests that run alone never has one, and a few kept are enough.
    if (group.alone || groups.size > KEPT_GROUPS) groups.delete(group.key);
  }

  /** Takes the next batch off `group`, and sends the group to the back of the turn order. */
  function take(group: Group<T>): T[] {
    const batch: T[] = [];
    let rows = 0;
    while (group.count > 0) {
      const item = first(group);
      if (batch.length > 0 && (group.alone || rows + item.rows > maxBatchSize)) break;
      batch.push(item);
      rows += item.rows;
      remove(item);
    }
    if (group.count > 0) {
      // Let go of taken and dropped items once they are most of the array: amortised O(1) per item.
      if (group.head * 2 >= group.items.length) {
        group.items.splice(0, group.head);
        group.head = 0;
      }
      turns.delete(group);
      turns.add(group);
    }
    return batch;
  }

  function isDue(group: Group<T>, at: number): boolean {
    // A group whose requests run one by one gains nothing from waiting.
    return group.alone || group.rows >= maxBatchSize || at - first(group).arrived >= maxQueueDelayMs;
  }

  return {
    add(item, alone) {
      // Requests that cannot be stacked (see stackKey) get a group of their own.
      const stackable = stacked && !alone ? stackKey(item.feeds) : undefined;
      const key = stacked ? (stackable ?? `alone ${loners++}`) : '';
      let group = groups.get(key);
      if (group === undefined) {
        group = { key, alone: stackable === undefined, items: [], head: 0, rows: 0, count: 0 };
        groups.set(key, group);
      }
      if (group.count === 0) turns.add(group);
      group.items.push(item);
      group.rows += item.rows;
      group.count++;
      item.group = group;
    },
    remove,
    next(at) {
      let wake = Infinity;
      for (const group of turns) {
        if (isDue(group, at)) return { batch: take(group) };
        wake = Math.min(wake, first(group).arrived + maxQueueDelayMs);
      }
      return { wake };
    },
    clear() {
      groups.clear();
      turns.clear();
    },
  };
}
