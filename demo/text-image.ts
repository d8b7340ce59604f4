// Text line images and the model's preprocessing (PaddleOCR's text-direction classifier, ch_ppocr_mobile_v2.0_cls):
// each image becomes one float32 tensor [1, 3, 48, 192], RGB scaled to [-1, 1], CHW, right-padded with 0.

/** The model's input height and maximum width, in pixels. */
export const INPUT_HEIGHT = 48;
export const INPUT_WIDTH = 192;
/** The dims of one image's tensor. */
export const INPUT_DIMS = [1, 3, INPUT_HEIGHT, INPUT_WIDTH] as const;

const FONT = '500 32px "DejaVu Sans", "Liberation Sans", Arial, sans-serif';
const MARGIN = 4;

function context2d(canvas: HTMLCanvasElement): CanvasRenderingContext2D {
  const context = canvas.getContext('2d', { willReadFrequently: true });
  if (context === null) throw new Error('this browser gives no 2D canvas context');
  return context;
}

/**
 * Draws `text` black on white on a canvas 48 px high and as wide as the text, as an OCR text detector would crop
 * it; `rotated` turns the whole line 180° (upside down).
 */
export function drawTextLine(canvas: HTMLCanvasElement, text: string, rotated: boolean): void {
  const context = context2d(canvas);
  context.font = FONT;
  const metrics = context.measureText(text);
  canvas.width = Math.max(1, Math.ceil(metrics.width) + 2 * MARGIN);
  canvas.height = INPUT_HEIGHT; // resizing resets the context's state
  context.fillStyle = '#fff';
  context.fillRect(0, 0, canvas.width, canvas.height);
  if (rotated) {
    context.translate(canvas.width, canvas.height);
    context.rotate(Math.PI);
  }
  context.font = FONT;
  context.fillStyle = '#000';
  // Centre the ink, not the em box: the glyphs fill the height the way a tight detector crop does.
  const ascent = metrics.actualBoundingBoxAscent;
  const descent = metrics.actualBoundingBoxDescent;
  context.fillText(text, MARGIN, (INPUT_HEIGHT + ascent - descent) / 2);
}

/** The width a line image gets once resized to height 48 keeping its aspect ratio, capped at 192. */
export function resizedWidth(source: HTMLCanvasElement): number {
  return Math.min(INPUT_WIDTH, Math.ceil((INPUT_HEIGHT * source.width) / source.height));
}

/**
 * The model input for one line image: resized to height 48 keeping the aspect ratio (squeezed if wider than 192),
 * each RGB channel scaled as (pixel / 255 - 0.5) / 0.5, laid out channel by channel (CHW), and right-padded with
 * zeros up to width 192.
 */
export function toModelInput(source: HTMLCanvasElement): Float32Array {
  const width = resizedWidth(source);
  const scratch = document.createElement('canvas');
  scratch.width = width;
  scratch.height = INPUT_HEIGHT;
  const context = context2d(scratch);
  context.imageSmoothingEnabled = true;
  context.imageSmoothingQuality = 'high';
  context.drawImage(source, 0, 0, width, INPUT_HEIGHT);
  const rgba = context.getImageData(0, 0, width, INPUT_HEIGHT).data;

  const plane = INPUT_HEIGHT * INPUT_WIDTH;
  const out = new Float32Array(3 * plane); // zeros: the padding
  for (let y = 0; y < INPUT_HEIGHT; y++) {
    for (let x = 0; x < width; x++) {
      const from = (y * width + x) * 4;
      const to = y * INPUT_WIDTH + x;
      for (let channel = 0; channel < 3; channel++) {
        out[channel * plane + to] = (rgba[from + channel]! / 255 - 0.5) / 0.5;
      }
    }
  }
  return out;
}

/** Draws a model input back as an image (192 x 48), undoing the scaling: the zero padding shows as mid grey. */
export function drawModelInput(canvas: HTMLCanvasElement, input: Float32Array): void {
  canvas.width = INPUT_WIDTH;
  canvas.height = INPUT_HEIGHT;
  const context = context2d(canvas);
  const image = context.createImageData(INPUT_WIDTH, INPUT_HEIGHT);
  const plane = INPUT_HEIGHT * INPUT_WIDTH;
  for (let i = 0; i < plane; i++) {
    for (let channel = 0; channel < 3; channel++) {
      image.data[i * 4 + channel] = Math.round((input[channel * plane + i]! * 0.5 + 0.5) * 255);
    }
    image.data[i * 4 + 3] = 255;
  }
  context.putImageData(image, 0, 0);
}
