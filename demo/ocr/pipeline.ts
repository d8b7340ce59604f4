// The OCR pipeline: detection, then direction and recognition of every box found, each stage on its own tensorlane
// session (its own worker). The lines of an image go to the line models as concurrent calls, so the scheduler
// batches them.
import type { Session } from 'tensorlane';
import { cropQuad, turned, withBorder, type Picture } from './canvas.ts';
import type { Quad } from './geometry.ts';
import { detectionFeeds, readBoxes } from './detect.ts';
import { directionFeeds, readDirection } from './direction.ts';
import { DROP_SCORE, readLine, recognitionFeeds } from './recognize.ts';
import { runStage, type StageTiming } from './stage.ts';

/** The three sessions of the pipeline. */
export interface OcrSessions {
  readonly detection: Session;
  readonly direction: Session;
  readonly recognition: Session;
}

/** A stage of the pipeline, named as its session. */
export type StageName = keyof OcrSessions;

/** One line of text read. */
export interface OcrLine {
  readonly corners: Quad;
  /** The detector's mean probability over the box's text pixels. */
  readonly boxScore: number;
  /** The upright line image the recognizer read. */
  readonly image: OffscreenCanvas;
  readonly upsideDown: boolean;
  readonly p180: number;
  readonly text: string;
  readonly confidence: number;
}

/** What readText found in an image, and where the time went. */
export interface OcrResult {
  /** Lines read with confidence, in reading order. */
  readonly lines: readonly OcrLine[];
  /** Boxes found whose text was dropped (low confidence or empty). */
  readonly dropped: number;
  readonly stages: Readonly<Record<StageName, StageTiming>>;
  /** The whole pipeline, on the page's clock. */
  readonly totalMs: number;
}

/** Reads the text in `picture`. `dictionary` is the recognizer's characters (ppocr_keys_v1.txt). */
export async function readText(picture: Picture, sessions: OcrSessions, dictionary: readonly string[]): Promise<OcrResult> {
  const start = performance.now();
  const { detection, direction, recognition } = sessions;

  const detected = await runStage(
    detection,
    () => [detectionFeeds(detection, picture)],
    ([outputs]) => readBoxes(detection, outputs!),
  );
  const boxes = detected.result;

  let crops: OffscreenCanvas[] = [];
  const turnedBack = await runStage(
    direction,
    () => {
      const bordered = withBorder(picture);
      crops = boxes.map((box) => cropQuad(bordered, box.corners));
      return crops.map((crop) => directionFeeds(direction, crop));
    },
    (outputs) => outputs.map((output) => readDirection(direction, output)),
  );
  const directions = turnedBack.result;

  let upright: OffscreenCanvas[] = [];
  const recognised = await runStage(
    recognition,
    () => {
      upright = crops.map((crop, i) => (directions[i]!.upsideDown ? turned(crop, Math.PI) : crop));
      return upright.map((line) => recognitionFeeds(recognition, line));
    },
    (outputs) => outputs.map((output) => readLine(recognition, output, dictionary)),
  );

  const lines: OcrLine[] = [];
  boxes.forEach((box, i) => {
    const { text, confidence } = recognised.result[i]!;
    if (confidence < DROP_SCORE || text.trim() === '') return;
    lines.push({
      corners: box.corners, boxScore: box.score, image: upright[i]!, ...directions[i]!, text, confidence,
    });
  });
  return {
    lines,
    dropped: boxes.length - lines.length,
    stages: { detection: detected.timing, direction: turnedBack.timing, recognition: recognised.timing },
    totalMs: performance.now() - start,
  };
}
