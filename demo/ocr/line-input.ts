// A text line image as the direction classifier and the recognizer take it: 48 px high, width from the aspect ratio,
// right-padded to a fixed width, so that lines of similar width stack into one batch.
import { pixelsAt, type Picture } from './canvas.ts';
import { LINE_NORMALIZATION, toChw } from './chw.ts';

/** Both line models' input height. */
export const LINE_HEIGHT = 48;

/** The width of `line` scaled to LINE_HEIGHT, before any padding or squeezing. */
export function naturalWidth(line: Picture): number {
  return Math.ceil((LINE_HEIGHT * line.width) / line.height);
}

/** The data of a [1, 3, 48, paddedWidth] tensor: the line resized to height 48 (squeezed if wider than paddedWidth). */
export function lineInput(line: Picture, paddedWidth: number): Float32Array {
  const width = Math.max(1, Math.min(paddedWidth, naturalWidth(line)));
  return toChw(pixelsAt(line, width, LINE_HEIGHT), LINE_NORMALIZATION, paddedWidth);
}
