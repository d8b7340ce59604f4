// The images the demo classifies: the line typed on the page, upright and upside down, plus a short word (narrower
// than the model's 192 px, so its input is padded) both ways.
import { drawModelInput, drawTextLine, toModelInput } from './text-image.ts';

/** The model's labels, in the order of its output: P(upright), P(upside down). */
export const LABELS = ['0°', '180°'] as const;
export type Label = (typeof LABELS)[number];

export interface Sample {
  /** Stable id, used in data-testid attributes. */
  readonly id: string;
  readonly title: string;
  /** The text to draw, given the text typed on the page. */
  readonly text: (typed: string) => string;
  readonly rotated: boolean;
  readonly expected: Label;
}

export const SHORT_WORD = 'Hello';

export const SAMPLES: readonly Sample[] = [
  { id: 'upright', title: 'Your text, upright', text: (typed) => typed, rotated: false, expected: '0°' },
  { id: 'rotated', title: 'Your text, rotated 180°', text: (typed) => typed, rotated: true, expected: '180°' },
  { id: 'short-upright', title: `"${SHORT_WORD}", upright`, text: () => SHORT_WORD, rotated: false, expected: '0°' },
  { id: 'short-rotated', title: `"${SHORT_WORD}", rotated 180°`, text: () => SHORT_WORD, rotated: true, expected: '180°' },
];

/** A sample's two canvases: the line as drawn, and the model input drawn back from its tensor. */
export interface SampleCanvases {
  readonly drawn: HTMLCanvasElement;
  readonly input: HTMLCanvasElement;
}

/** Redraws every sample for `typed`. */
export function drawSamples(typed: string, canvases: readonly SampleCanvases[]): void {
  SAMPLES.forEach((sample, i) => {
    const { drawn, input } = canvases[i]!;
    drawTextLine(drawn, sample.text(typed), sample.rotated);
    drawModelInput(input, toModelInput(drawn));
  });
}

/** Fresh model inputs, one Float32Array per sample (fresh each time: predicting transfers, and so detaches, them). */
export function modelInputs(canvases: readonly SampleCanvases[]): Float32Array[] {
  return canvases.map(({ drawn }) => toModelInput(drawn));
}
