// Shape arithmetic and how dims read in messages.
import type { Dim, Feeds } from '../types/tensor.js';

/** Number of elements of a tensor with these dims. */
export function sizeOf(dims: readonly number[]): number {
  let n = 1;
  for (let i = 0; i < dims.length; i++) n *= dims[i]!;
  return n;
}

/** The rows of one request: dim 0 of its first input, or 1 when that input is a scalar. */
export function rowsOf(feeds: Feeds): number {
  for (const name in feeds) return feeds[name]!.dims[0] ?? 1;
  return 1;
}

/** `[batch,256]`: dims as they read in messages. */
export function formatDims(dims: readonly Dim[]): string {
  return `[${dims.join(',')}]`;
}
