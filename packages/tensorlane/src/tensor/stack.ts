import { TensorlaneError } from '../errors.js';
import { formatDims, sizeOf } from './shape.js';
import type { Feeds, Tensor, TensorData } from './types.js';

/**
 * What a request must share with others to be stacked with them: input names, dtypes and dims beyond dim 0.
 * `undefined` when it cannot be stacked at all: an input is a scalar, or the inputs disagree on dim 0.
 */
export function stackKey(feeds: Feeds): string | undefined {
  let rows: number | undefined;
  let key = '';
  for (const [name, { type, dims }] of Object.entries(feeds)) {
    if (dims.length === 0 || (rows !== undefined && dims[0] !== rows)) return undefined;
    rows = dims[0];
    key += `${JSON.stringify(name)}:${type}[${dims.slice(1).join(',')}];`;
  }
  return key;
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
