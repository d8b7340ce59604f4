// The reference every picture conversion is checked against, in Node and in Chromium: the README's rule written out
// plainly, one value at a time, in float64, sharing no code with the converters. Also seeded pictures and the
// tolerances the tests state.
import { seededRandom } from './models/zoo.ts';

export type Fit = 'stretch' | 'contain' | 'cover';
export type Align = 'center' | 'start';
export type PictureType = 'float32' | 'float16' | 'uint8';

/** How a picture becomes a tensor, every setting given. */
export interface Conversion {
  readonly width: number;
  readonly height: number;
  readonly fit: Fit;
  readonly align: Align;
  readonly layout: 'nchw' | 'nhwc';
  readonly channels: 'rgb' | 'bgr';
  readonly type: PictureType;
  /** Bilinear when absent. */
  readonly resize?: 'bilinear' | 'bicubic';
  /** Per tensor channel. */
  readonly scale: readonly number[];
  readonly mean: readonly number[];
  readonly std: readonly number[];
  /** Pixel values, r, g, b. */
  readonly fill: readonly number[];
}

/** RGBA pixels, row after row. */
export interface Pixels {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8ClampedArray;
}

/** A seeded, opaque RGBA picture. */
export function seededPixels(width: number, height: number, seed: number): Pixels {
  const next = seededRandom(seed);
  const data = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < data.length; i++) data[i] = i % 4 === 3 ? 255 : Math.floor(next() * 256);
  return { width, height, data };
}

/** `pixels` turned a quarter turn clockwise, as a JPEG with EXIF orientation 6 is shown. */
export function turnedClockwise({ width, height, data }: Pixels): Pixels {
  const out = new Uint8ClampedArray(data.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      // Source (x, y) lands at column height - 1 - y, row x of a height x width picture.
      const to = (x * height + (height - 1 - y)) * 4;
      for (let k = 0; k < 4; k++) out[to + k] = data[(y * width + x) * 4 + k]!;
    }
  }
  return { width: height, height: width, data: out };
}

/** Keys' cubic convolution kernel, a = -0.75 (OpenCV's INTER_CUBIC, PyTorch's bicubic). */
function keys(d: number): number {
  const x = Math.abs(d);
  if (x <= 1) return 1.25 * x ** 3 - 2.25 * x ** 2 + 1;
  if (x < 2) return -0.75 * x ** 3 + 3.75 * x ** 2 - 6 * x + 3;
  return 0;
}

/** The tensor values (before the dtype's rounding) the rule gives for `pixels`, in the conversion's layout. */
export function referenceValues(pixels: Pixels, c: Conversion): Float64Array {
  const { width: w, height: h } = pixels;
  const { width: W, height: H } = c;
  let sx = W / w;
  let sy = H / h;
  if (c.fit !== 'stretch') sx = sy = c.fit === 'contain' ? Math.min(sx, sy) : Math.max(sx, sy);
  const ox = c.fit === 'stretch' || c.align === 'start' ? 0 : (W - w * sx) / 2;
  const oy = c.fit === 'stretch' || c.align === 'start' ? 0 : (H - h * sy) / 2;
  const at = (x: number, y: number, k: number) => pixels.data[(Math.min(Math.max(y, 0), h - 1) * w + Math.min(Math.max(x, 0), w - 1)) * 4 + k]!;
  const out = new Float64Array(3 * W * H);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const u = (x + 0.5 - ox) / sx;
      const v = (y + 0.5 - oy) / sy;
      for (let ch = 0; ch < 3; ch++) {
        const k = c.channels === 'rgb' ? ch : 2 - ch;
        let p: number;
        if (u < 0 || u >= w || v < 0 || v >= h) p = c.fill[k]!;
        else if (c.resize === 'bicubic') {
          const x0 = Math.floor(u - 0.5);
          const y0 = Math.floor(v - 0.5);
          p = 0;
          for (let j = -1; j <= 2; j++) {
            for (let i = -1; i <= 2; i++) p += keys(u - 0.5 - (x0 + i)) * keys(v - 0.5 - (y0 + j)) * at(x0 + i, y0 + j, k);
          }
          p = Math.min(255, Math.max(0, p));
        } else {
          const x0 = Math.floor(u - 0.5);
          const y0 = Math.floor(v - 0.5);
          const fx = u - 0.5 - x0;
          const fy = v - 0.5 - y0;
          p = (1 - fy) * ((1 - fx) * at(x0, y0, k) + fx * at(x0 + 1, y0, k)) + fy * ((1 - fx) * at(x0, y0 + 1, k) + fx * at(x0 + 1, y0 + 1, k));
        }
        const value = (p * c.scale[ch]! - c.mean[ch]!) / c.std[ch]!;
        out[c.layout === 'nchw' ? (ch * H + y) * W + x : (y * W + x) * 3 + ch] = value;
      }
    }
  }
  return out;
}

/** A float16's value from its bits. */
export function fromHalf(bits: number): number {
  const exp = (bits >> 10) & 0x1f;
  const mant = bits & 0x3ff;
  const sign = bits & 0x8000 ? -1 : 1;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 31) return mant ? NaN : sign * Infinity;
  return sign * (1 + mant / 1024) * 2 ** (exp - 15);
}

/**
 * The tolerance each dtype is held to: float32 within 1e-4 (the GPU computes in float32; values are within a few
 * units of 0), float16 within its precision (2^-10 relative, plus 1e-3), uint8 within 1 (a value at x.5 may round
 * either way after float32 arithmetic).
 */
export function withinTolerance(type: PictureType, actual: number, expected: number): boolean {
  const value = type === 'uint8' ? Math.min(255, Math.max(0, Math.round(expected))) : expected;
  const tolerance = type === 'float32' ? 1e-4 : type === 'float16' ? 1e-3 + Math.abs(expected) * 2 ** -10 : 1;
  return Math.abs(actual - value) <= tolerance;
}

/**
 * The first values of `actual` off the reference, at most `limit` of them. float16 data is a Uint16Array of bits (as
 * tensorlane makes it) or a Float16Array (as onnxruntime-web returns it where the browser has one).
 */
export function offReference(type: PictureType, actual: ArrayLike<number>, expected: Float64Array, limit = 5): string[] {
  const off: string[] = [];
  if (actual.length !== expected.length) return [`${actual.length} values, expected ${expected.length}`];
  const bits = type === 'float16' && actual instanceof Uint16Array;
  for (let i = 0; i < expected.length && off.length < limit; i++) {
    const value = bits ? fromHalf(actual[i]!) : actual[i]!;
    if (!withinTolerance(type, value, expected[i]!)) off.push(`[${i}] ${value} vs ${expected[i]}`);
  }
  return off;
}
