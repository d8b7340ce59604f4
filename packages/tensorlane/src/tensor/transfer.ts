// Moving tensors across the worker boundary: which buffers a message transfers, and how the page hands its inputs
// over (moved, or copied on request). Transfers never copy; `copied` is the one deliberate copy, for `copy: true`.
import { TensorlaneError, messageOf } from '../errors.js';
import type { Feeds, Tensor } from '../types/tensor.js';
import { honestView, isSharedBuffer, placeOf, transferBuffer, typedArrayName, viewOfClass } from './intrinsics.js';
import { isPictureTensor, transferableOf } from './pictures.js';

/**
 * The distinct transferable buffers behind `feeds` (SharedArrayBuffers are shared, not transferred), and the frames of
 * their pictures.
 */
export function buffersOf(feeds: Iterable<Feeds>): Transferable[] {
  const buffers = new Set<Transferable>();
  for (const feed of feeds) {
    for (const tensor of Object.values(feed)) {
      if (isPictureTensor(tensor)) {
        for (const { frame } of tensor.pictures) buffers.add(transferableOf(frame));
        continue;
      }
      const { buffer } = placeOf(tensor.data);
      if (!isSharedBuffer(buffer)) buffers.add(buffer as ArrayBuffer);
    }
  }
  return [...buffers];
}

/**
 * Copies each tensor's viewed bytes into a buffer of its own, so the caller's buffers are left alone. Pictures are
 * passed as they are: the page made them its own when it read them.
 */
export function copied(feeds: Feeds): Feeds {
  const out: Record<string, Tensor> = {};
  for (const [name, t] of Object.entries(feeds)) {
    out[name] = isPictureTensor(t) ? t : { ...t, data: honestView(t.data, typedArrayName(t.data)!).slice() as Tensor['data'] };
  }
  return out;
}

/**
 * Moves each tensor's buffer into a new `ArrayBuffer` with `ArrayBuffer.prototype.transfer` (no copy), detaching the
 * caller's now, as sending would; pictures move when they are sent. A buffer that cannot be transferred (a view of WebAssembly memory, a mapped GPU
 * buffer) fails here, this call alone: in postMessage it would fail every call sent in the same message, and
 * Chromium detaches the buffers listed before it.
 * @throws TensorlaneError `INVALID_INPUT` naming the input.
 */
export function moved(items: readonly Feeds[]): Feeds[] {
  // Where each view sits is read before any buffer is detached (a detached view reads as empty); a buffer several
  // views share moves once.
  let count = 0;
  const places = items.map((feeds) => {
    const out: Record<string, { t: Tensor; tag: string; buffer: ArrayBufferLike; byteOffset: number; length: number }> = {};
    for (const name in feeds) {
      const t = feeds[name]!;
      out[name] = { t, tag: typedArrayName(t.data)!, ...placeOf(t.data) };
      count++;
    }
    return out;
  });
  // The common call, one item of one tensor, needs no record of what moved.
  const done = count > 1 ? new Map<ArrayBufferLike, ArrayBuffer>() : undefined;
  return places.map((tensors, i) => {
    const out: Record<string, Tensor> = {};
    for (const name in tensors) {
      const { t, tag, buffer, byteOffset, length } = tensors[name]!;
      if (isSharedBuffer(buffer) || isPictureTensor(t)) {
        out[name] = t;
        continue;
      }
      let target = done?.get(buffer);
      if (target === undefined) {
        try {
          target = transferBuffer(buffer as ArrayBuffer);
        } catch (error) {
          throw new TensorlaneError(
            'INVALID_INPUT',
            `${items.length > 1 ? `item ${i}: ` : ''}input "${name}" data cannot be transferred to the worker (${messageOf(error)}), as with a view of WebAssembly memory; pass { copy: true } to send a copy`,
            { cause: error },
          );
        }
        done?.set(buffer, target);
      }
      out[name] = { type: t.type, data: viewOfClass(tag, target, byteOffset, length), dims: t.dims };
    }
    return out;
  });
}
