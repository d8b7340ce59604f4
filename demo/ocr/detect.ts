// Stage 1, text detection (PP-OCRv4 det, a DB net): the image in, a text probability map out, boxes from the map.
import type { Feeds, Outputs, Session } from 'tensorlane';
import { pixelsAt, type Picture } from './canvas.ts';
import { DETECTION_NORMALIZATION, toChw } from './chw.ts';
import { boxesFromMap, type MapBox } from './db-postprocess.ts';
import { scaleQuad } from './geometry.ts';
import { firstOutput, singleFeed } from './stage.ts';

/** Images whose longer side exceeds this are scaled down first (PaddleOCR's det_limit_side_len). */
export const DETECTION_MAX_SIDE = 960;

/** The size the detector sees: the longer side at most DETECTION_MAX_SIDE, both sides multiples of 32. */
export function detectionSize(width: number, height: number): { readonly width: number; readonly height: number } {
  const scale = Math.min(1, DETECTION_MAX_SIDE / Math.max(width, height));
  const round = (side: number) => Math.max(32, Math.round((side * scale) / 32) * 32);
  return { width: round(width), height: round(height) };
}

/** The detector's input for `picture`: the image at its detection size, normalized, as [1, 3, height, width]. */
export function detectionInput(picture: Picture): { readonly data: Float32Array; readonly dims: readonly number[] } {
  const { width, height } = detectionSize(picture.width, picture.height);
  return { data: toChw(pixelsAt(picture, width, height), DETECTION_NORMALIZATION), dims: [1, 3, height, width] };
}

/** The detector's feeds for `picture`. */
export function detectionFeeds(session: Session, picture: Picture): Feeds {
  const { data, dims } = detectionInput(picture);
  return singleFeed(session, data, dims);
}

/** The text boxes in the detector's output, in `picture`'s pixels. */
export function readBoxes(session: Session, outputs: Outputs, picture: Picture): MapBox[] {
  const map = firstOutput(session, outputs);
  const [, , height, width] = map.dims as [number, number, number, number];
  const sx = picture.width / width;
  const sy = picture.height / height;
  return boxesFromMap(map.data as Float32Array, width, height).map(({ corners, score }) => ({ corners: scaleQuad(corners, sx, sy), score }));
}
