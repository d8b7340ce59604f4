// Pixels to model input: PaddleOCR's models take BGR channels (they were trained on OpenCV's images), each scaled as
// (value / 255 - mean) / std, laid out channel by channel (CHW).

/** Per-channel mean and standard deviation, in BGR order, on values scaled to [0, 1]. */
export interface Normalization {
  readonly mean: readonly [number, number, number];
  readonly std: readonly [number, number, number];
}

/** The detector's: ImageNet statistics, applied (as PaddleOCR does) to B, G, R in that order. */
export const DETECTION_NORMALIZATION: Normalization = { mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] };

/** The direction classifier's and the recognizer's: [0, 255] to [-1, 1]. */
export const LINE_NORMALIZATION: Normalization = { mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5] };

/** RGBA pixels, as `ImageData` holds them. */
export interface Pixels {
  readonly data: Uint8ClampedArray;
  readonly width: number;
  readonly height: number;
}

/**
 * A float32 CHW tensor's data ([3, height, paddedWidth]) from RGBA pixels: BGR, normalized, each row right-padded
 * with 0 (a mid grey once normalized around 0.5) up to `paddedWidth`.
 */
export function toChw(pixels: Pixels, normalization: Normalization, paddedWidth = pixels.width): Float32Array {
  const { data, width, height } = pixels;
  if (paddedWidth < width) throw new Error(`paddedWidth ${paddedWidth} is narrower than the image (${width} px)`);
  const plane = height * paddedWidth;
  const out = new Float32Array(3 * plane);
  for (let channel = 0; channel < 3; channel++) {
    const rgba = 2 - channel; // B, G, R
    const scale = 1 / (255 * normalization.std[channel]!);
    const shift = normalization.mean[channel]! / normalization.std[channel]!;
    const base = channel * plane;
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        out[base + y * paddedWidth + x] = data[(y * width + x) * 4 + rgba]! * scale - shift;
      }
    }
  }
  return out;
}
