// Canvas work of the pipeline: cutting a rotated text box out of an image, upright (tensorlane does the resizing and
// normalising, in its worker).
import { distance, type Quad } from './geometry.ts';

/** Any image the pipeline reads: a decoded file, a camera frame, a canvas. */
export type Picture = ImageBitmap | HTMLCanvasElement | OffscreenCanvas;

/** A 2D context meant for reading pixels back. */
export function context2d(canvas: OffscreenCanvas): OffscreenCanvasRenderingContext2D {
  const context = canvas.getContext('2d', { willReadFrequently: true });
  if (context === null) throw new Error('this browser gives no 2D canvas context');
  return context;
}

/** How far a box may reach past the image's edge: the unclipped boxes of text at the border do. */
const MARGIN = 48;

/**
 * A copy of `source` with a MARGIN-pixel border that repeats its edge pixels (OpenCV's BORDER_REPLICATE), so that
 * crops reaching outside the image continue its background instead of turning black.
 */
export function withBorder(source: Picture): OffscreenCanvas {
  const { width: w, height: h } = source;
  const canvas = new OffscreenCanvas(w + 2 * MARGIN, h + 2 * MARGIN);
  const context = context2d(canvas);
  const m = MARGIN;
  context.drawImage(source, m, m);
  // Edges: one-pixel strips stretched outwards; corners: one pixel stretched.
  context.drawImage(source, 0, 0, w, 1, m, 0, w, m);
  context.drawImage(source, 0, h - 1, w, 1, m, h + m, w, m);
  context.drawImage(source, 0, 0, 1, h, 0, m, m, h);
  context.drawImage(source, w - 1, 0, 1, h, w + m, m, m, h);
  context.drawImage(source, 0, 0, 1, 1, 0, 0, m, m);
  context.drawImage(source, w - 1, 0, 1, 1, w + m, 0, m, m);
  context.drawImage(source, 0, h - 1, 1, 1, 0, h + m, m, m);
  context.drawImage(source, w - 1, h - 1, 1, 1, w + m, h + m, m, m);
  return canvas;
}

/**
 * Cuts the box `quad` (in `source`'s pixels) out of `bordered` (made by withBorder) as an upright image, as
 * PaddleOCR's get_rotate_crop_image does; a box 1.5 times taller than wide is vertical text and is turned a quarter
 * turn anticlockwise.
 */
export function cropQuad(bordered: OffscreenCanvas, quad: Quad): OffscreenCanvas {
  const [tl, tr, br, bl] = quad;
  const width = Math.max(1, Math.round(Math.max(distance(tl, tr), distance(bl, br))));
  const height = Math.max(1, Math.round(Math.max(distance(tl, bl), distance(tr, br))));
  const crop = new OffscreenCanvas(width, height);
  const context = context2d(crop);
  // The affine map from crop pixels to source pixels, inverted: the canvas draws the source through it.
  const toSource = new DOMMatrix([
    (tr.x - tl.x) / width, (tr.y - tl.y) / width,
    (bl.x - tl.x) / height, (bl.y - tl.y) / height,
    tl.x + MARGIN, tl.y + MARGIN,
  ]);
  context.imageSmoothingQuality = 'high';
  context.setTransform(toSource.inverse());
  context.drawImage(bordered, 0, 0);
  return height / width >= 1.5 ? turned(crop, -Math.PI / 2) : crop;
}

/** `source` turned by `angle` (a multiple of a quarter turn; negative is anticlockwise). */
export function turned(source: OffscreenCanvas, angle: number): OffscreenCanvas {
  const quarter = Math.round(angle / (Math.PI / 2)) % 2 !== 0;
  const out = new OffscreenCanvas(quarter ? source.height : source.width, quarter ? source.width : source.height);
  const context = context2d(out);
  context.translate(out.width / 2, out.height / 2);
  context.rotate(angle);
  context.drawImage(source, -source.width / 2, -source.height / 2);
  return out;
}
