// Where a picture's pixels go in its tensor (both threads): the transform of a fit, the rule each converter samples
// by, mapping tensor points back to the source, and the transforms an answer carries.
import type { ImageAlign, ImageFit, ImageTransform } from '../types/images.js';
import type { Outputs } from '../types/tensor.js';

/** A width and a height, in pixels. */
export interface Size {
  readonly width: number;
  readonly height: number;
}

/**
 * The transform that fits a `source`-sized picture into a `target`-sized tensor. Each converter samples by the same
 * rule: tensor pixel (X, Y), at its centre, comes from source point `((X + 0.5 - offset.x) / scale.x, (Y + 0.5 -
 * offset.y) / scale.y)`, interpolated between pixel centres, bilinearly or bicubically (edge pixels repeat beyond the
 * border, as OpenCV's INTER_LINEAR and INTER_CUBIC); a point outside the source is padding (`fill`).
 */
export function fitTransform(source: Size, target: Size, fit: ImageFit, align: ImageAlign): ImageTransform {
  const sx = target.width / source.width;
  const sy = target.height / source.height;
  if (fit === 'stretch') return { source: size(source), target: size(target), scale: { x: sx, y: sy }, offset: { x: 0, y: 0 } };
  const s = fit === 'contain' ? Math.min(sx, sy) : Math.max(sx, sy);
  const at = (room: number, content: number) => (align === 'center' ? (room - content) / 2 : 0);
  return {
    source: size(source),
    target: size(target),
    scale: { x: s, y: s },
    offset: { x: at(target.width, source.width * s), y: at(target.height, source.height * s) },
  };
}

const size = ({ width, height }: Size): Size => ({ width, height });

/**
 * Maps points of a tensor (e.g. a detector's boxes, keypoints, mask corners) back to the picture it was made from.
 * @param transform - what was done to the picture: from {@link imageTransforms}, or a stream's result.
 * @param points - x, y pairs in tensor pixels, e.g. a box as `[x0, y0, x1, y1]`.
 * @returns the same pairs in source pixels (not clamped to the source: a point in a letterbox's padding maps outside it).
 * @example
 * ```ts
 * import { imageTransforms, toSource } from 'tensorlane';
 *
 * const outputs = await session.predict({ image: photo }); // a 640x480 photo, letterboxed into 320x320
 * const [x0, y0, x1, y1] = toSource(imageTransforms(outputs)['image']!, [0, 40, 320, 280]); // [0, 0, 640, 480]
 * ```
 */
export function toSource(transform: ImageTransform, points: ArrayLike<number>): number[] {
  const { scale, offset } = transform;
  const out = new Array<number>(points.length);
  for (let i = 0; i < points.length; i++) {
    out[i] = i % 2 === 0 ? (points[i]! - offset.x) / scale.x : (points[i]! - offset.y) / scale.y;
  }
  return out;
}

/** Where outputs keep the transforms of their call's pictures: a symbol every copy of the package shares. */
const TRANSFORMS = Symbol.for('tensorlane.imageTransforms');

/** Gives `outputs` the transforms of the pictures they were made from, by input name (not enumerable). */
export function attachTransforms(outputs: Outputs, transforms: Readonly<Record<string, ImageTransform>>): void {
  Object.defineProperty(outputs, TRANSFORMS, { value: transforms });
}

/**
 * What was done to each picture of the call that gave `outputs`, by input name: empty when the call had no picture.
 * @param outputs - what `predict` returned, or an item of `predictBatch`'s answer.
 * @example
 * ```ts
 * import { imageTransforms, toSource } from 'tensorlane';
 *
 * const outputs = await session.predict({ image: video });
 * const { image } = imageTransforms(outputs); // { source: { width: 1280, height: 720 }, target: …, scale, offset }
 * const box = toSource(image!, [x0, y0, x1, y1]);
 * ```
 */
export function imageTransforms(outputs: Outputs): Readonly<Record<string, ImageTransform>> {
  return (outputs as { [TRANSFORMS]?: Readonly<Record<string, ImageTransform>> })[TRANSFORMS] ?? {};
}

/** The dims of the tensor of `rows` pictures of `size`, channels where `layout` puts them. */
export function pictureDims(layout: 'nchw' | 'nhwc', size: Size, rows = 1): number[] {
  return layout === 'nchw' ? [rows, 3, size.height, size.width] : [rows, size.height, size.width, 3];
}
