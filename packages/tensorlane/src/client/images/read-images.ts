// Pictures on the page: how a call's value for an image input is read (checked at once, nothing taken), and how its
// pictures are then taken: wrapped as frames that move to the worker (an ImageBitmap, a VideoFrame, or the RGBA bytes
// of an ImageData), with no pixel read into JavaScript. The worker converts them (worker/images/).
import { TensorlaneError, messageOf } from '../../errors.js';
import type { ImageAlign, ImageFit, ImageInput, ImageSource, ImageTransform } from '../../types/images.js';
import type { ImageSpec, PictureFeed, WirePicture } from '../../wire/protocol.js';
import { describe } from '../../tensor/dtypes.js';
import { fitTransform, pictureDims, type Size } from '../../tensor/image-fit.js';
import { noData, type Frame } from '../../tensor/pictures.js';
import { checkDims, readTensor, type InputReader } from '../../tensor/validate.js';
import type { Feeds, Tensor, TensorInfo } from '../../types/tensor.js';
import { IMAGE_INPUT, checkGeometry } from './check-images.js';

/** The kinds of picture, by their `Symbol.toStringTag` (which holds across realms, where `instanceof` does not). */
type Kind = 'ImageBitmap' | 'VideoFrame' | 'ImageData' | 'OffscreenCanvas' | 'Blob' | 'HTMLImageElement' | 'HTMLCanvasElement' | 'HTMLVideoElement';
const KINDS: ReadonlySet<string> = new Set<Kind>([
  'ImageBitmap', 'VideoFrame', 'ImageData', 'OffscreenCanvas', 'Blob', 'HTMLImageElement', 'HTMLCanvasElement', 'HTMLVideoElement',
]);

function kindOf(value: unknown): Kind | undefined {
  const tag = Object.prototype.toString.call(value).slice(8, -1);
  return tag === 'File' ? 'Blob' : KINDS.has(tag) ? (tag as Kind) : undefined;
}

/** A picture as read: what it is, where it goes, and how messages name it. Taken (made a frame) by takePictures. */
interface Pending {
  readonly source: ImageSource;
  readonly kind: Kind;
  readonly target: Size;
  readonly fit: ImageFit;
  readonly align: ImageAlign;
  readonly label: string;
}

/** An image input as read, not yet taken: a tensor of the dtype and dims the picture will make. */
interface PendingFeed extends Tensor {
  readonly pending: Pending;
}

function isPending(tensor: Tensor): tensor is PendingFeed {
  return (tensor as Partial<PendingFeed>).pending !== undefined;
}

function invalid(label: string, why: string, cause?: unknown): TensorlaneError {
  return new TensorlaneError('INVALID_INPUT', `${label} ${why}`, cause === undefined ? {} : { cause });
}

/** The size of a picture, read without reading its pixels (a Blob's is known once decoded). */
function sizeOf(source: ImageSource, kind: Kind): Size | undefined {
  switch (kind) {
    case 'VideoFrame': {
      const frame = source as VideoFrame;
      return { width: frame.displayWidth, height: frame.displayHeight };
    }
    case 'HTMLImageElement': {
      const image = source as HTMLImageElement;
      return { width: image.naturalWidth, height: image.naturalHeight };
    }
    case 'HTMLVideoElement': {
      const video = source as HTMLVideoElement;
      return { width: video.videoWidth, height: video.videoHeight };
    }
    case 'Blob':
      return undefined;
    default:
      return source as ImageBitmap;
  }
}

/** Why a picture cannot be taken, read without taking it; undefined when it can. */
function problemOf(source: ImageSource, kind: Kind): string | undefined {
  const size = sizeOf(source, kind);
  if (kind === 'VideoFrame' && (source as VideoFrame).format === null) return 'is a closed VideoFrame (closed, or moved to a worker already)';
  if (kind === 'ImageData' && (source as ImageData).data.length === 0) return 'is an ImageData whose pixels were moved (transferred) already';
  if (kind === 'HTMLImageElement' && !(source as HTMLImageElement).complete) return 'is an <img> still loading: await img.decode() first';
  if (kind === 'Blob' && (source as Blob).size === 0) return 'is an empty Blob (0 bytes)';
  if (size === undefined || (size.width > 0 && size.height > 0)) return undefined;
  const shown = `${size.width}x${size.height}`;
  switch (kind) {
    case 'ImageBitmap':
      return `is an ImageBitmap of ${shown}: it was closed, or moved (transferred) already`;
    case 'HTMLImageElement':
      return 'is an <img> with no picture (its source is missing or broken)';
    case 'HTMLVideoElement':
      return 'is a <video> with no frame yet: wait for its loadeddata event';
    default:
      return `is a picture of ${shown} pixels; it needs at least 1x1`;
  }
}

/** The readers of the image inputs of `specs`, by input name, for createFeedsReader. */
export function imageReaders(specs: readonly ImageSpec[]): Record<string, InputReader> {
  const readers: Record<string, InputReader> = {};
  for (const spec of specs) {
    readers[spec.name] = (value: unknown, info: TensorInfo, prefix: string): Tensor => {
      const label = `${prefix}input "${info.name}"`;
      const wrapped = typeof value === 'object' && value !== null && 'image' in value && kindOf(value) === undefined;
      if (!wrapped && typeof value === 'object' && value !== null && 'dims' in value) return readTensor(value, info, prefix);
      let source = value;
      let geometry: ReturnType<typeof checkGeometry> = {};
      if (wrapped) {
        const extra = Object.keys(value).find((key) => !(IMAGE_INPUT as readonly string[]).includes(key));
        if (extra !== undefined) throw invalid(label, `has no setting "${extra}"; a picture's settings are ${IMAGE_INPUT.map((k) => `"${k}"`).join(', ')}`);
        geometry = checkGeometry(value as ImageInput, (key) => `${label} ${key}`, (message) => new TensorlaneError('INVALID_INPUT', message));
        source = (value as ImageInput).image;
      }
      const kind = kindOf(source);
      if (kind === undefined) {
        throw invalid(label, `must be a picture (ImageBitmap, VideoFrame, ImageData, OffscreenCanvas, Blob, <img>, <canvas>, <video>), { image, … } or a tensor { type, data, dims }, got ${describe(source)}`);
      }
      const problem = problemOf(source as ImageSource, kind);
      if (problem !== undefined) throw invalid(label, problem);
      const width = geometry.width ?? spec.width;
      const height = geometry.height ?? spec.height;
      if (width === undefined || height === undefined) {
        throw invalid(label, `needs a size: the model's width and height are dynamic; pass { image, width, height }, or set images.${info.name}.width and .height`);
      }
      const target = { width, height };
      const dims = pictureDims(spec.layout, target);
      checkDims(dims, info, prefix);
      const pending: Pending = { source: source as ImageSource, kind, target, fit: geometry.fit ?? spec.fit, align: geometry.align ?? spec.align, label };
      const feed: PendingFeed = { type: spec.type, data: noData(spec.type), dims, pending };
      return feed;
    };
  }
  return readers;
}

/** Moves an ImageBitmap into one of our own (no copy), which fails at once for a bitmap tainted by another origin. */
function own(bitmap: ImageBitmap, label: string): ImageBitmap {
  try {
    return structuredClone(bitmap, { transfer: [bitmap] });
  } catch (error) {
    bitmap.close();
    throw invalid(
      label,
      'is tainted by a picture from another origin loaded without CORS, which the browser does not let scripts read: load it with crossorigin="anonymous" from a server that sends Access-Control-Allow-Origin',
      error,
    );
  }
}

/** The frame a picture moves as: the caller's own when it can move (unless `copy`), else a snapshot of it. */
function frameOf({ source, kind, label }: Pending, copy: boolean): Frame | Promise<Frame> {
  const snapshot = (from: ImageBitmapSource) =>
    createImageBitmap(from).then(
      (bitmap) => own(bitmap, label),
      (error: unknown) => {
        const why = kind === 'Blob' ? 'is a Blob that could not be decoded as an image' : 'could not be read';
        throw invalid(label, `${why} (${error instanceof Error ? `${error.name}: ` : ''}${messageOf(error)})`, error);
      },
    );
  switch (kind) {
    case 'ImageBitmap':
      return copy ? snapshot(source as ImageBitmap) : own(source as ImageBitmap, label);
    case 'VideoFrame':
      return copy ? (source as VideoFrame).clone() : (source as VideoFrame);
    case 'ImageData': {
      const { width, height, data } = source as ImageData;
      return { width, height, data: copy ? data.slice() : data };
    }
    case 'OffscreenCanvas':
      // Moving its picture leaves the canvas blank, as moving a buffer detaches it; a canvas with no context has none.
      if (!copy) {
        try {
          return own((source as OffscreenCanvas).transferToImageBitmap(), label);
        } catch (error) {
          if (error instanceof TensorlaneError) throw error;
        }
      }
      return snapshot(source as OffscreenCanvas);
    case 'HTMLVideoElement':
      if (typeof VideoFrame === 'function') {
        try {
          return new VideoFrame(source as HTMLVideoElement);
        } catch (error) {
          throw invalid(label, `could not be read (${messageOf(error)}); a cross-origin <video> needs crossorigin="anonymous" and CORS`, error);
        }
      }
      return snapshot(source as HTMLVideoElement);
    default:
      return snapshot(source as ImageBitmapSource);
  }
}

function frameSize(frame: Frame): Size {
  return 'displayWidth' in frame ? { width: frame.displayWidth, height: frame.displayHeight } : { width: frame.width, height: frame.height };
}

/** Items whose pictures are taken, and what was done to each item's pictures, by input name. */
export interface Taken {
  readonly items: Feeds[];
  readonly transforms: Array<Record<string, ImageTransform>>;
}

/**
 * Takes the pictures of `items` (as read by {@link imageReaders}): each becomes a frame to move, with its transform.
 * Synchronous unless a picture must be decoded or snapshotted (a Blob, a DOM element, `copy`). The call owns them from
 * here, the caller's own frames included (as it owns the buffers it moves): when one cannot be taken, every frame
 * taken is closed.
 * @throws TensorlaneError `INVALID_INPUT` naming the input and what was wrong (a Blob that is no image, a tainted picture).
 */
export function takePictures(items: readonly Feeds[], copy: boolean): Taken | Promise<Taken> {
  const places: Array<{ item: number; name: string; pending: Pending; frame: Frame | Promise<Frame> }> = [];
  try {
    items.forEach((feeds, item) => {
      for (const name in feeds) {
        const tensor = feeds[name]!;
        if (isPending(tensor)) places.push({ item, name, pending: tensor.pending, frame: frameOf(tensor.pending, copy) });
      }
    });
  } catch (error) {
    void release(places);
    throw error;
  }
  const build = (frames: readonly Frame[]): Taken => {
    const out = items.map((feeds) => ({ ...feeds }) as Record<string, Tensor>);
    const transforms = items.map(() => ({}) as Record<string, ImageTransform>);
    places.forEach(({ item, name, pending }, k) => {
      const frame = frames[k]!;
      const transform = fitTransform(frameSize(frame), pending.target, pending.fit, pending.align);
      const { type, data, dims } = items[item]![name]!;
      const picture: WirePicture = { frame, transform };
      const feed: PictureFeed = { type, data, dims, pictures: [picture] };
      out[item]![name] = feed;
      transforms[item]![name] = transform;
    });
    return { items: out, transforms };
  };
  if (!places.some((place) => place.frame instanceof Promise)) return build(places.map((place) => place.frame as Frame));
  return Promise.allSettled(places.map((place) => place.frame)).then((settled) => {
    const failed = settled.find((s) => s.status === 'rejected');
    if (failed === undefined) return build(settled.map((s) => (s as PromiseFulfilledResult<Frame>).value));
    void release(places);
    throw failed.reason;
  });
}

/** Closes the frames taken for a call that failed before they moved. */
async function release(places: ReadonlyArray<{ frame: Frame | Promise<Frame> }>): Promise<void> {
  for (const { frame } of places) {
    const taken = await Promise.resolve(frame).catch(() => undefined);
    if (taken !== undefined && 'close' in taken) taken.close();
  }
}
