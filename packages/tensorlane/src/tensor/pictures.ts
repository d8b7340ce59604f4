// What the tensor code of both threads knows of a picture input (PictureFeed in wire/protocol.ts): a tensor whose
// data the worker makes when it runs, from one picture per row. It is queued, stacked and moved like any tensor,
// except that its pictures' frames move instead of its (empty) data, and that stacking joins their lists.
import type { DType, Feeds, Tensor, TensorData } from '../types/tensor.js';
import { zeros } from './dtypes.js';

/** A frame as it crosses: an `ImageBitmap`, a `VideoFrame`, or RGBA bytes (from `ImageData`). */
export type Frame = ImageBitmap | VideoFrame | { readonly width: number; readonly height: number; readonly data: Uint8ClampedArray };

/** A tensor made of pictures, one per row: its `data` is empty until the worker converts them. */
export interface PictureTensor extends Tensor {
  readonly pictures: readonly { readonly frame: Frame }[];
}

/** Whether `tensor` is made of pictures. */
export function isPictureTensor(tensor: Tensor): tensor is PictureTensor {
  return Array.isArray((tensor as Partial<PictureTensor>).pictures);
}

/** The empty data of a picture tensor of `type`: one per dtype, since nothing is ever written to it. */
export function noData(type: DType): TensorData {
  return zeros(type, 0);
}

/** What moves a frame across postMessage: the frame itself, or the buffer of its bytes. */
export function transferableOf(frame: Frame): Transferable {
  return 'close' in frame ? frame : (frame.data.buffer as ArrayBuffer);
}

/** Whether any input of `items` is a picture tensor. */
export function hasPictures(items: Iterable<Feeds>): boolean {
  for (const feeds of items) for (const name in feeds) if (isPictureTensor(feeds[name]!)) return true;
  return false;
}

/** Closes every frame of `items` still open on this side (one moved away is closed already; closing again does nothing). */
export function closePictures(items: Iterable<Feeds>): void {
  for (const feeds of items) {
    for (const name in feeds) {
      const tensor = feeds[name]!;
      if (isPictureTensor(tensor)) for (const { frame } of tensor.pictures) if ('close' in frame) frame.close();
    }
  }
}
