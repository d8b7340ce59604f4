// Stacking tensors along any axis, and cutting them apart again: how the steps of several streams share one run when
// their batch dim is not dim 0 (Silero VAD's state is [2, batch, 128]). `spans` says where each part's bytes lie, so
// that GPU buffers are copied by the same plan as arrays.
import type { Tensor, TensorData } from '../types/tensor.js';
import { sizeOf } from './shape.js';
import { contiguous } from './stack.js';

/**
 * How tensors of the same dims but along `axis` lie in their concatenation: `outer` blocks (the product of the dims
 * before `axis`), each holding every part's rows in turn, each row `inner` elements (the product of the dims after).
 */
export interface AxisPlan {
  readonly outer: number;
  readonly inner: number;
  /** Each part's rows along the axis. */
  readonly rows: readonly number[];
  /** Their sum. */
  readonly total: number;
}

/** The plan of tensors of `dims` (any size at `axis`) with `rows` rows each along `axis`. */
export function axisPlan(dims: readonly number[], axis: number, rows: readonly number[]): AxisPlan {
  return {
    outer: sizeOf(dims.slice(0, axis)),
    inner: sizeOf(dims.slice(axis + 1)),
    rows,
    total: rows.reduce((a, b) => a + b, 0),
  };
}

/**
 * Calls `copy(part, from, to, length)` for every contiguous run of elements, part `part`'s element `from` going to
 * the whole's element `to`: `outer` runs per part.
 */
export function forEachSpan(plan: AxisPlan, copy: (part: number, from: number, to: number, length: number) => void): void {
  const { outer, inner, rows, total } = plan;
  let before = 0;
  rows.forEach((n, part) => {
    const length = n * inner;
    for (let o = 0; o < outer; o++) copy(part, o * length, (o * total + before) * inner, length);
    before += n;
  });
}

/** `dims` with `size` at `axis`. */
export function withDim(dims: readonly number[], axis: number, size: number): number[] {
  const out = dims.slice();
  out[axis] = size;
  return out;
}

/**
 * Stacks `parts` (dims equal but at `axis`) along `axis`, into one new array; or, when the parts lie one after the
 * other in one buffer (as {@link splitAlong} cut them: the states of streams that shared the last run, in the same
 * order), as a view over them, copying nothing.
 */
export function concatAlong(parts: readonly Tensor[], axis: number): Tensor {
  const [first] = parts;
  const plan = axisPlan(first!.dims, axis, parts.map((t) => t.dims[axis]!));
  const dims = withDim(first!.dims, axis, plan.total);
  const size = plan.outer * plan.total * plan.inner;
  const view = plan.outer === 1 ? contiguous(parts.map((part) => part.data)) : undefined;
  if (view) return { type: first!.type, data: view, dims };
  const data = new (first!.data.constructor as new (length: number) => TensorData)(size);
  forEachSpan(plan, (part, from, to, length) => {
    (data as Float32Array).set((parts[part]!.data as Float32Array).subarray(from, from + length), to);
  });
  return { type: first!.type, data, dims };
}

/**
 * Cuts `whole` along `axis` into parts of `rows` rows each: views over its data when each part is contiguous (axis
 * 0, or only size-1 dims before it), else copies.
 */
export function splitAlong(whole: Tensor, axis: number, rows: readonly number[]): Tensor[] {
  const plan = axisPlan(whole.dims, axis, rows);
  if (plan.outer === 1) {
    let at = 0;
    return rows.map((n) => {
      const length = n * plan.inner;
      const data = whole.data.subarray(at, at + length) as TensorData;
      at += length;
      return { type: whole.type, data, dims: withDim(whole.dims, axis, n) };
    });
  }
  const parts = rows.map((n) => new (whole.data.constructor as new (length: number) => TensorData)(plan.outer * n * plan.inner));
  forEachSpan(plan, (part, from, to, length) => {
    (parts[part] as Float32Array).set((whole.data as Float32Array).subarray(to, to + length), from);
  });
  return parts.map((data, i) => ({ type: whole.type, data, dims: withDim(whole.dims, axis, rows[i]!) }));
}
