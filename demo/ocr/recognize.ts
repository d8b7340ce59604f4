// Stage 3, text recognition (PP-OCRv4 rec, an SVTR-LCNet with a CTC head): one line image in, one character
// distribution per 8 px column out, decoded with the dictionary.
import type { ImageFeeds, Outputs, Session } from 'tensorlane';
import type { Picture } from './canvas.ts';
import { ctcDecode, type Decoded } from './ctc.ts';
import { lineInput, naturalWidth } from './line-input.ts';
import { firstOutput } from './stage.ts';

/** Line widths are padded up to a multiple of this, so that lines of similar length share a batch. */
export const RECOGNITION_WIDTH_STEP = 320;
/** Longer lines are squeezed to this width. */
export const RECOGNITION_MAX_WIDTH = 1280;
/** Lines read with less mean confidence are dropped (PaddleOCR's drop_score). */
export const DROP_SCORE = 0.5;

/** The padded width for a line: the next multiple of RECOGNITION_WIDTH_STEP, at most RECOGNITION_MAX_WIDTH. */
export function recognitionWidth(line: Picture): number {
  const steps = Math.max(1, Math.ceil(naturalWidth(line) / RECOGNITION_WIDTH_STEP));
  return Math.min(RECOGNITION_MAX_WIDTH, steps * RECOGNITION_WIDTH_STEP);
}

/** The recognizer's feeds for one upright line image. */
export function recognitionFeeds(session: Session, line: Picture): ImageFeeds {
  return { [session.inputs[0]!.name]: lineInput(line, recognitionWidth(line)) };
}

/** One line's text from the recognizer's outputs. */
export function readLine(session: Session, outputs: Outputs, dictionary: readonly string[]): Decoded {
  const probabilities = firstOutput(session, outputs);
  const [, steps, classes] = probabilities.dims as [number, number, number];
  return ctcDecode(probabilities.data as Float32Array, steps, classes, dictionary);
}
