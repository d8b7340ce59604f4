import { TensorlaneError } from '../errors.js';
import { formatDims, sizeOf } from './shape.js';
import { isPictureTensor, type PictureTensor } from './pictures.js';
import type { Feeds, Tensor, TensorData } from '../types/tensor.js';

/**
 * What a request must share with others to be stacked with them: input names, dtypes and dims beyond dim 0, and
 * which inputs are pictures.
 * `undefined` when it cannot be stacked at all: an input is a scalar, or the inputs disagree on dim 0.
 */
export function stackKey(feeds: Feeds): string | undefined {
  let rows: number | undefined;
  let key = '';
  for (const name in feeds) {
    const { type, dims } = feeds[name]!;
    if (dims.length === 0 || (rows !== undefined && dims[0] !== rows)) return undefined;
    rows = dims[0];
    // Pictures stack with pictures only: they are converted, not copied.
    key += `${JSON.stringify(name)}:${type}[${dims.slice(1).join(',')}]${isPictureTensor(feeds[name]!) ? 'picture' : ''};`;
  }
  return key;
}

type View = new (buffer: ArrayBufferLike, byteOffset: number, length: number) => TensorData;

/**
 * The parts as one view, when each starts where the one before ends in the same buffer (items packed one after
 * another on the wire, the states of streams cut from one run): then stacking them copies nothing.
 */
export function contiguous(parts: readonly TensorData[]): TensorData | undefined {
  const [first] = parts;
  let end = first!.byteOffset + first!.byteLength;
  for (let i = 1; i < parts.length; i++) {
    const part = parts[i]!;
    if (part.buffer !== first!.buffer || part.byteOffset !== end || part.constructor !== first!.constructor) return undefined;
    end += part.byteLength;
  }
  return new (first!.constructor as View)(first!.buffer, first!.byteOffset, (end - first!.byteOffset) / first!.BYTES_PER_ELEMENT);
}

/**
 * Stacks items along dim 0: one view when their data already lies one after another in one buffer, else one new
 * buffer per input (a single item is passed through as it is). Picture inputs join their pictures' lists instead.
 */
export function stack(items: readonly Feeds[]): Feeds {
  const [first] = items;
  if (first === undefined) throw new RangeError('stack() needs at least one item');
  if (items.length === 1) return first;
  const out: Record<string, Tensor> = {};
  for (const name in first) {
    const head = first[name]!;
    const rows = items.reduce((n, item) => n + item[name]!.dims[0]!, 0);
    const dims = [rows, ...head.dims.slice(1)];
    if (isPictureTensor(head)) {
      const pictures = items.flatMap((item) => (item[name] as PictureTensor).pictures);
      const stacked: PictureTensor = { type: head.type, data: head.data, dims, pictures };
      out[name] = stacked;
      continue;
    }
    const parts = items.map((item) => item[name]!.data);
    let data = contiguous(parts);
    if (data === undefined) {
      const total = parts.reduce((n, p) => n + p.length, 0);
      data = new (head.data.constructor as new (length: number) => TensorData)(total);
      let offset = 0;
      for (const part of parts) {
        (data as Float32Array).set(part as Float32Array, offset);
        offset += part.length;
      }
    }
    out[name] = { type: head.type, data, dims };
  }
  return out;
}

/**
 * Checks that every output of a stacked run follows the batch: dim 0 is the `total` of the rows fed in.
 * @throws TensorlaneError `RUN_FAILED` naming the output that does not.
 */
export function checkBatched(outputs: Feeds, total: number): void {
  for (const name in outputs) {
    const { dims } = outputs[name]!;
    if (dims[0] !== total) {
      throw new TensorlaneError(
        'RUN_FAILED',
        `output "${name}" has dims ${formatDims(dims)} for a batch of ${total} rows; the model does not batch along dim 0 (use batching: 'off')`,
      );
    }
  }
}

/**
 * Cuts rows out of a run's outputs: `(start, rows)` gives rows `start` to `start + rows` of each output, as
 * `subarray` views over the outputs' buffers. What each output's rows look like is worked out once per run.
 */
export function rowSlicer(outputs: Feeds): (start: number, rows: number) => Feeds {
  const shapes = Object.keys(outputs).map((name) => {
    const { type, data, dims } = outputs[name]!;
    const rest = dims.slice(1);
    return { name, type, data, rest, rowSize: sizeOf(rest) };
  });
  return (start, rows) => {
    const out: Record<string, Tensor> = {};
    for (const { name, type, data, rest, rowSize } of shapes) {
      const dims = [rows];
      for (const d of rest) dims.push(d);
      out[name] = { type, data: data.subarray(start * rowSize, (start + rows) * rowSize) as TensorData, dims };
    }
    return out;
  };
}
