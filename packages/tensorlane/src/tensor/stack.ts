import { TensorlaneError } from '../errors.js';
import type { Feeds, Tensor, TensorData } from '../protocol.js';
import { formatDims } from './metadata.js';
import { sizeOf } from './validate.js';

/**
 * The rows (dim 0) of each item, after checking that the items can be stacked: every input has rank >= 1, all
 * inputs of an item agree on dim 0, and every item matches item 0 beyond dim 0.
 * @throws TensorlaneError `INVALID_INPUT` naming the item and input.
 */
export function rowsOf(items: readonly Feeds[]): number[] {
  const first = items[0];
  if (first === undefined) return [];
  return items.map((item, index) => {
    let rows: number | undefined;
    let rowsFrom = '';
    for (const [name, tensor] of Object.entries(item)) {
      const head = tensor.dims[0];
      if (head === undefined) {
        throw new TensorlaneError('INVALID_INPUT', `item ${index}: input "${name}" is a scalar; stacking needs rank >= 1`);
      }
      if (rows === undefined) [rows, rowsFrom] = [head, name];
      else if (head !== rows) {
        throw new TensorlaneError(
          'INVALID_INPUT',
          `item ${index}: input "${name}" has ${head} rows but input "${rowsFrom}" has ${rows}; each item needs one row count`,
        );
      }
      const reference = first[name]!;
      const same = tensor.dims.length === reference.dims.length && tensor.dims.every((d, axis) => axis === 0 || d === reference.dims[axis]);
      if (!same) {
        throw new TensorlaneError(
          'INVALID_INPUT',
          `item ${index}: input "${name}" has dims ${formatDims(tensor.dims)} but item 0 has ${formatDims(reference.dims)}; items must match beyond dim 0`,
        );
      }
    }
    return rows ?? 0;
  });
}

/**
 * Splits item indices into consecutive chunks of at most `batchSize` rows; an item larger than `batchSize` gets a
 * chunk of its own. Returns `[start, end)` index pairs.
 */
export function chunkByRows(rows: readonly number[], batchSize: number): Array<[number, number]> {
  const chunks: Array<[number, number]> = [];
  let start = 0;
  let filled = 0;
  rows.forEach((r, i) => {
    if (i > start && filled + r > batchSize) {
      chunks.push([start, i]);
      [start, filled] = [i, 0];
    }
    filled += r;
  });
  if (rows.length > start) chunks.push([start, rows.length]);
  return chunks;
}

/** Stacks items along dim 0 into one new buffer per input (a single item is passed through without a copy). */
export function stack(items: readonly Feeds[]): Feeds {
  const [first] = items;
  if (first === undefined) throw new RangeError('stack() needs at least one item');
  if (items.length === 1) return first;
  const out: Record<string, Tensor> = {};
  for (const [name, head] of Object.entries(first)) {
    const parts = items.map((item) => item[name]!.data);
    const total = parts.reduce((n, p) => n + p.length, 0);
    const Ctor = head.data.constructor as new (length: number) => TensorData;
    const data = new Ctor(total);
    let offset = 0;
    for (const part of parts) {
      (data as Float32Array).set(part as Float32Array, offset);
      offset += part.length;
    }
    const rows = items.reduce((n, item) => n + item[name]!.dims[0]!, 0);
    out[name] = { type: head.type, data, dims: [rows, ...head.dims.slice(1)] };
  }
  return out;
}

/**
 * Splits the outputs of a stacked run back per item, as `subarray` views over each output's one buffer.
 * @throws TensorlaneError `RUN_FAILED` when an output's dim 0 is not the total of the rows fed in.
 */
export function unstack(outputs: Feeds, rows: readonly number[]): Feeds[] {
  const total = rows.reduce((a, b) => a + b, 0);
  const items: Array<Record<string, Tensor>> = rows.map(() => ({}));
  for (const [name, tensor] of Object.entries(outputs)) {
    if (tensor.dims[0] !== total) {
      throw new TensorlaneError(
        'RUN_FAILED',
        `output "${name}" has dims ${formatDims(tensor.dims)} for a batch of ${total} rows; the model does not batch along dim 0 (use batching: 'off')`,
      );
    }
    const rowSize = sizeOf(tensor.dims.slice(1));
    let offset = 0;
    rows.forEach((r, i) => {
      const data = tensor.data.subarray(offset * rowSize, (offset + r) * rowSize) as TensorData;
      items[i]![name] = { type: tensor.type, data, dims: [r, ...tensor.dims.slice(1)] };
      offset += r;
    });
  }
  return items;
}
