// How the worker reads an image input of a call the page sent: pictures as the page wraps them (one per row, each a
// frame and its transform, all of one tensor size), or a tensor given as it is.
import { TensorlaneError } from '../../errors.js';
import type { ImageSpec, PictureFeed } from '../../wire/protocol.js';
import { pictureDims } from '../../tensor/image-fit.js';
import { isPictureTensor } from '../../tensor/pictures.js';
import { formatDims } from '../../tensor/shape.js';
import { checkDims, readTensor, type InputReader } from '../../tensor/validate.js';
import type { Tensor, TensorInfo } from '../../types/tensor.js';

function isFrame(frame: unknown): boolean {
  if (typeof ImageBitmap !== 'undefined' && frame instanceof ImageBitmap) return true;
  if (typeof VideoFrame !== 'undefined' && frame instanceof VideoFrame) return true;
  const raw = frame as { width?: unknown; height?: unknown; data?: unknown };
  return typeof raw === 'object' && raw !== null && raw.data instanceof Uint8ClampedArray && raw.data.length === 4 * Number(raw.width) * Number(raw.height);
}

/** The readers of the image inputs of `specs`, by input name, for createFeedsReader. */
export function pictureReaders(specs: readonly ImageSpec[]): Record<string, InputReader> {
  const readers: Record<string, InputReader> = {};
  for (const spec of specs) {
    readers[spec.name] = (value: unknown, info: TensorInfo, prefix: string): Tensor => {
      if (typeof value !== 'object' || value === null || !isPictureTensor(value as Tensor)) return readTensor(value, info, prefix);
      const { type, dims, pictures } = value as PictureFeed;
      const bad = (why: string) => new TensorlaneError('INVALID_INPUT', `${prefix}input "${info.name}": ${why}`);
      if (type !== spec.type) throw bad(`the page sent pictures for a ${type} tensor, but the model takes ${spec.type}`);
      if (!Array.isArray(dims) || pictures.length !== dims[0]) throw bad(`the page sent ${pictures.length} pictures for dims ${formatDims(dims ?? [])}`);
      for (const { frame, transform } of pictures) {
        if (!isFrame(frame)) throw bad('the page sent a picture that is no ImageBitmap, VideoFrame or RGBA bytes');
        if (formatDims(pictureDims(spec.layout, transform.target, dims[0]!)) !== formatDims(dims)) {
          throw bad(`the page sent a ${transform.target.width}x${transform.target.height} picture for dims ${formatDims(dims)}`);
        }
      }
      checkDims(dims, info, prefix);
      return value as Tensor;
    };
  }
  return readers;
}
