// Stage 1, text detection (PP-OCRv4 det, a DB net): the image in, a text probability map out, boxes from the map.
import { imageTransforms, toSource, type ImageFeeds, type ImageInputOptions, type ImageTransform, type Outputs, type Session } from 'tensorlane';
import type { Picture } from './canvas.ts';
import { boxesFromMap, type MapBox } from './db-postprocess.ts';
import type { Point, Quad } from './geometry.ts';
import { firstOutput } from './stage.ts';

/** Images whose longer side exceeds this are scaled down first (PaddleOCR's det_limit_side_len). */
export const DETECTION_MAX_SIDE = 960;

/**
 * How the detector takes a picture: BGR (the models were trained on OpenCV's images), normalised with ImageNet's
 * statistics, which PaddleOCR applies to B, G, R in that order; stretched to the size of each call.
 */
export const DETECTION_IMAGE: ImageInputOptions = { channels: 'bgr', mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] };

/** The size the detector sees: the longer side at most DETECTION_MAX_SIDE, both sides multiples of 32. */
export function detectionSize(width: number, height: number): { readonly width: number; readonly height: number } {
  const scale = Math.min(1, DETECTION_MAX_SIDE / Math.max(width, height));
  const round = (side: number) => Math.max(32, Math.round((side * scale) / 32) * 32);
  return { width: round(width), height: round(height) };
}

/** The detector's feeds for `picture`: the picture at its detection size (tensorlane converts it in the worker). */
export function detectionFeeds(session: Session, picture: Picture): ImageFeeds {
  return { [session.inputs[0]!.name]: { image: picture, ...detectionSize(picture.width, picture.height) } };
}

/** The text boxes in a probability map of the detector's, in the pixels of the picture `transform` was applied to. */
export function boxesIn(map: Outputs[string], transform: ImageTransform): MapBox[] {
  const [, , height, width] = map.dims as [number, number, number, number];
  return boxesFromMap(map.data as Float32Array, width, height).map(({ corners, score }) => {
    const xy = toSource(transform, corners.flatMap((p) => [p.x, p.y]));
    const point = (i: number): Point => ({ x: xy[2 * i]!, y: xy[2 * i + 1]! });
    return { corners: [point(0), point(1), point(2), point(3)] as Quad, score };
  });
}

/** The text boxes in the detector's outputs for one picture, in that picture's pixels. */
export function readBoxes(session: Session, outputs: Outputs): MapBox[] {
  return boxesIn(firstOutput(session, outputs), imageTransforms(outputs)[session.inputs[0]!.name]!);
}
