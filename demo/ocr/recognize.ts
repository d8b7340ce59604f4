// Stage 3, text recognition (PP-OCRv4 rec, an SVTR-LCNet with a CTC head): one line image in, one character
// distribution per 8 px column out, decoded with the dictionary.
import type { Feeds, Outputs, Session } from 'tensorlane';
import type { Picture } from './canvas.ts';
import { ctcDecode, type Decoded } from './ctc.ts';
import { LINE_HEIGHT, lineInput } from './line-input.ts';

/** Line widths are padded up to a multiple of this, so that lines of similar length share a batch. */
export const RECOGNITION_WIDTH_STEP = 320;
/** Longer lines are squeezed to this width. */
export const RECOGNITION_MAX_WIDTH = 1280;
/** Lines read with less mean confidence are dropped (PaddleOCR's drop_score). */
export const DROP_SCORE = 0.5;

/** The padded width for a line: the next multiple of RECOGNITION_WIDTH_STEP, at most RECOGNITION_MAX_WIDTH. */
export function recognitionWidth(line: Picture): number {
  const natural = Math.ceil((LINE_HEIGHT * line.width) / line.height);
  return Math.min(RECOGNITION_MAX_WIDTH, Math.max(1, Math.ceil(natural / RECOGNITION_WIDTH_STEP)) * RECOGNITION_WIDTH_STEP);
}

/** The recognizer's feeds for one upright line image. */
export function recognitionFeeds(session: Session, line: Picture): Feeds {
  const width = recognitionWidth(line);
  const data = lineInput(line, width);
  return { [session.inputs[0]!.name]: { type: 'float32', data, dims: [1, 3, LINE_HEIGHT, width] } };
}

/** One line's text from the recognizer's outputs. */
export function readLine(session: Session, outputs: Outputs, dictionary: readonly string[]): Decoded {
  const probabilities = outputs[session.outputs[0]!.name]!;
  const [, steps, classes] = probabilities.dims as [number, number, number];
  return ctcDecode(probabilities.data as Float32Array, steps, classes, dictionary);
}
