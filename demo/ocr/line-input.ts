// A text line image as the direction classifier and the recognizer take it: 48 px high, width from the aspect ratio,
// right-padded to a fixed width, so that lines of similar width stack into one batch. tensorlane resizes, normalises
// and lays it out in the worker (PaddleOCR's models take BGR, (value / 255 - 0.5) / 0.5, channel by channel).
import type { ImageInput, ImageInputOptions } from 'tensorlane';
import type { Picture } from './canvas.ts';

/** Both line models' input height. */
export const LINE_HEIGHT = 48;

/**
 * How both line models take a line picture: BGR, [0, 255] to [-1, 1], placed at the top left and padded with mid grey
 * (127.5, which is 0 once normalised), as PaddleOCR pads lines.
 */
export const LINE_IMAGE: ImageInputOptions = { channels: 'bgr', mean: 0.5, std: 0.5, fill: 127.5, align: 'start', resize: 'bicubic' };

/** The width of `line` scaled to LINE_HEIGHT, before any padding or squeezing. */
export function naturalWidth(line: Picture): number {
  return Math.ceil((LINE_HEIGHT * line.width) / line.height);
}

/** A line as a [1, 3, 48, paddedWidth] input: resized to height 48 and padded, or squeezed if wider than paddedWidth. */
export function lineInput(line: Picture, paddedWidth: number): ImageInput {
  return { image: line, width: paddedWidth, height: LINE_HEIGHT, fit: naturalWidth(line) > paddedWidth ? 'stretch' : 'contain' };
}
