// Stage 2, text direction (PP-OCR mobile v2.0 cls): is each line upright or upside down? Lines the model finds upside
// down (with PaddleOCR's confidence threshold) are turned before recognition.
import type { ImageFeeds, Outputs, Session } from 'tensorlane';
import { lineInput } from './line-input.ts';
import type { Picture } from './canvas.ts';
import { firstOutput } from './stage.ts';

/** The classifier's input width. */
export const DIRECTION_WIDTH = 192;
/** A line is turned only when the model is at least this sure it is upside down (PaddleOCR's cls_thresh). */
export const TURN_THRESHOLD = 0.9;

/** What the classifier said about one line. */
export interface Direction {
  readonly upsideDown: boolean;
  /** P(upside down), the model's second output. */
  readonly p180: number;
}

/** The classifier's feeds for one line image. */
export function directionFeeds(session: Session, line: Picture): ImageFeeds {
  return { [session.inputs[0]!.name]: lineInput(line, DIRECTION_WIDTH) };
}

/** One line's direction from the classifier's outputs. */
export function readDirection(session: Session, outputs: Outputs): Direction {
  const p = firstOutput(session, outputs).data as Float32Array;
  const p180 = p[1]!;
  return { upsideDown: p180 > p[0]! && p180 >= TURN_THRESHOLD, p180 };
}
