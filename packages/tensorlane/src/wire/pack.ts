// Small inputs of many calls as they cross to the worker: copied into one buffer per input, call after call, with
// the calls' ids and dims in one array of numbers (PackedCalls in protocol.ts). Chromium's structured clone costs
// about 2 µs an object and 3 µs a transferred buffer: a message of 64 one-row calls as objects, each with its
// buffer, cost ~9 µs a call to send and read; packed, ~0.3 µs. Items that lie one after another in a buffer also
// stack without a copy (stack() in tensor/stack.ts). Large inputs are not packed: moving them costs nothing, copying does.
import { TensorlaneError } from '../errors.js';
import { numbers, type PackedCalls, type Submission } from './protocol.js';
import { viewOf } from '../tensor/dtypes.js';
import { isSharedBuffer } from '../tensor/intrinsics.js';
import { isPictureTensor } from '../tensor/pictures.js';
import type { DType, Feeds, Tensor } from '../types/tensor.js';

/**
 * An item of at most this many bytes, all inputs together, is packed; a larger one travels as it is, its buffers
 * transferred. Below it a copy costs less than a transfer (~3 µs, about 16 KiB of copying).
 */
export const PACK_LIMIT: number = 16 * 1024;

/** Whether `item` has exactly these inputs, in this order, of these types, no picture, and is small enough to pack. */
function fits(item: Feeds, names: readonly string[], types: readonly DType[]): boolean {
  let k = 0;
  let bytes = 0;
  for (const name in item) {
    const tensor = item[name]!;
    if (name !== names[k] || tensor.type !== types[k] || isPictureTensor(tensor)) return false;
    bytes += tensor.data.byteLength;
    k++;
  }
  return k === names.length && bytes <= PACK_LIMIT;
}

/** Whether every item of a call fits (see {@link fits}). */
function allFit(items: readonly Feeds[], names: readonly string[], types: readonly DType[]): boolean {
  for (const item of items) if (!fits(item, names, types)) return false;
  return true;
}

/**
 * The buffers of a call's one item as they are, when each input's data fills a buffer of its own (an ArrayBuffer, not
 * shared): a call alone in its message then travels without a copy, as it would unpacked.
 */
function wholeBuffers(item: Feeds, names: readonly string[]): ArrayBuffer[] | undefined {
  const buffers: ArrayBuffer[] = [];
  for (const name of names) {
    const { data } = item[name]!;
    const buffer = data.buffer as ArrayBuffer;
    if (data.byteOffset !== 0 || data.byteLength !== buffer.byteLength || isSharedBuffer(buffer) || buffers.includes(buffer)) return undefined;
    buffers.push(buffer);
  }
  return buffers;
}

/**
 * Packs the calls whose items are small and share the first packable item's inputs; returns them packed, and the
 * other calls as they are (so are calls that must run `alone`, which are rare: calls replayed after a fault).
 * @param buffer - a buffer of `bytes` bytes to pack into, every byte of which is written: a new one, or a spare.
 */
export function pack(calls: readonly Submission[], buffer: (bytes: number) => ArrayBuffer = (bytes) => new ArrayBuffer(bytes)): { packed: PackedCalls | undefined; rest: Submission[] } {
  const rest: Submission[] = [];
  const chosen: Submission[] = [];
  let names: string[] | undefined;
  let types: DType[] | undefined;
  for (const call of calls) {
    if (names === undefined && call.items.length > 0) {
      const first = call.items[0]!;
      names = Object.keys(first);
      types = names.map((name) => first[name]!.type);
    }
    if (!call.alone && names !== undefined && call.items.length > 0 && allFit(call.items, names, types!)) chosen.push(call);
    else rest.push(call);
  }
  if (chosen.length === 0) return { packed: undefined, rest };
  const whole = chosen.length === 1 && chosen[0]!.items.length === 1 ? wholeBuffers(chosen[0]!.items[0]!, names!) : undefined;
  const bytes = names!.map(() => 0);
  let length = 1 + chosen.length;
  for (const { items } of chosen) {
    length++;
    for (const item of items) {
      for (let k = 0; k < names!.length; k++) {
        const tensor = item[names![k]!]!;
        bytes[k]! += tensor.data.byteLength;
        length += 1 + tensor.dims.length;
      }
    }
  }
  const buffers = whole ?? bytes.map(buffer);
  /** Where the items are copied to; none when the call travels in its own buffers. */
  const targets = whole ? undefined : buffers.map((buffer) => new Uint8Array(buffer));
  const offsets = names!.map(() => 0);
  const layout = numbers(length);
  let at = 0;
  layout[at++] = chosen.length;
  for (const { id } of chosen) layout[at++] = id;
  for (const { items } of chosen) {
    layout[at++] = items.length;
    for (const item of items) {
      for (let k = 0; k < names!.length; k++) {
        const { data, dims } = item[names![k]!]!;
        targets?.[k]!.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), offsets[k]);
        offsets[k]! += data.byteLength;
        layout[at++] = dims.length;
        for (const d of dims) layout[at++] = d;
      }
    }
  }
  return { packed: { names: names!, types: types!, buffers, layout }, rest };
}

/** A packed message's calls read from its layout alone, when they stack: see {@link stackedCalls}. */
export interface StackedCalls {
  readonly ids: number[];
  /** Each call's rows: its one item's dim 0, in every input. */
  readonly rows: number[];
  /** Per input: its dims beyond dim 0, its values per row, its bytes per value. */
  readonly inputs: ReadonlyArray<{ readonly tail: number[]; readonly rowSize: number; readonly bytes: number }>;
}

/**
 * The calls of `packed` as numbers, when there are several, each has one item and all stack together (each input of
 * one rank and dims beyond dim 0, all of a call's inputs of its rows): worker/blocks.ts queues them without a view or
 * an object per call. Otherwise undefined, and unpack() reads them.
 */
export function stackedCalls(packed: PackedCalls): StackedCalls | undefined {
  const { names, types, buffers, layout } = packed;
  const count = layout[0]!;
  if (count < 2) return undefined; // a call alone: nothing to save
  const ids: number[] = [];
  for (let i = 1; i <= count; i++) ids.push(layout[i]!);
  const rows: number[] = [];
  const tails: number[][] = [];
  let at = 1 + count;
  for (let c = 0; c < count; c++) {
    if (layout[at++] !== 1) return undefined;
    for (let k = 0; k < names.length; k++) {
      const rank = layout[at++]!;
      if (!(rank >= 1)) return undefined;
      const first = layout[at]!;
      if (k === 0) rows.push(first);
      else if (first !== rows[c]) return undefined;
      const tail = tails[k] ?? (tails[k] = Array.from({ length: rank - 1 }, (_, d) => layout[at + 1 + d]!));
      if (tail.length !== rank - 1) return undefined;
      for (let d = 1; d < rank; d++) if (layout[at + d] !== tail[d - 1]) return undefined;
      at += rank;
    }
  }
  let total = 0;
  for (const r of rows) total += r;
  const inputs = names.map((_, k) => {
    const rowSize = tails[k]!.reduce((a, b) => a * b, 1);
    return { tail: tails[k]!, rowSize, bytes: viewOf(types[k]!, buffers[k]!, 0, 0).BYTES_PER_ELEMENT };
  });
  // A layout that does not fill its buffers is left to unpack(), which fails its calls with a clear error.
  if (at !== layout.length || inputs.some(({ rowSize, bytes }, k) => total * rowSize * bytes !== buffers[k]!.byteLength)) return undefined;
  return { ids, rows, inputs };
}

/**
 * The calls of a packed message, their tensors views over its buffers. A layout that does not fit its buffers
 * (which only a bug could send) fails every call it names with `INVALID_INPUT`, rather than leave them unanswered.
 */
export function unpack({ names, types, buffers, layout }: PackedCalls): Array<Submission & { error?: TensorlaneError }> {
  const count = layout[0]!;
  const ids: number[] = [];
  for (let i = 1; i <= count; i++) ids.push(layout[i]!);
  const calls: Submission[] = [];
  try {
    const offsets = names.map(() => 0);
    let at = 1 + count;
    for (const id of ids) {
      const items: Feeds[] = [];
      for (let i = layout[at++]!; i > 0; i--) {
        const feeds: Record<string, Tensor> = {};
        for (let k = 0; k < names.length; k++) {
          const dims = new Array<number>(layout[at++]!);
          let size = 1;
          for (let d = 0; d < dims.length; d++) size *= dims[d] = layout[at++]!;
          const data = viewOf(types[k]!, buffers[k]!, offsets[k]!, size);
          offsets[k]! += data.byteLength;
          feeds[names[k]!] = { type: types[k]!, data, dims };
        }
        items.push(feeds);
      }
      calls.push({ id, items });
    }
    return calls;
  } catch (cause) {
    const error = new TensorlaneError('INVALID_INPUT', `the worker could not read the packed inputs it was sent: ${String(cause)}`, { cause });
    return ids.map((id) => ({ id, items: [], error }));
  }
}
