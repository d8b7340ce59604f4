// Pictures to tensor data on the CPU, in the worker (the WASM backend's path): each frame's RGBA pixels (drawn once
// on an OffscreenCanvas, or the bytes of an ImageData), then one pass that resizes, normalises and lays out every
// value, by the rule of fitTransform (tensor/image-fit.ts).
import type { ImageSpec, Triple, WirePicture } from '../../wire/protocol.js';
import type { Frame } from '../../tensor/pictures.js';
import { sizeOf } from '../../tensor/shape.js';
import type { TensorData } from '../../types/tensor.js';

/** RGBA pixels, row after row. */
export interface Rgba {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8ClampedArray | Uint8Array;
}

/** `value = pixel * mul + add` per tensor channel: the spec's `(pixel * scale - mean) / std`, in one multiply-add. */
export function affineOf({ scale, mean, std }: Pick<ImageSpec, 'scale' | 'mean' | 'std'>): { mul: Triple; add: Triple } {
  const per = (f: (c: number) => number): Triple => [f(0), f(1), f(2)];
  return { mul: per((c) => scale[c]! / std[c]!), add: per((c) => -mean[c]! / std[c]!) };
}

/** Rounds to the nearest integer, halves to even, as WGSL's round() does on the GPU path. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** The IEEE half-precision bits of `value` (rounded to nearest, ties to even), via its float32 bits in `scratch`. */
function halfBits(value: number, scratch: { f: Float32Array; u: Uint32Array }): number {
  scratch.f[0] = value;
  const x = scratch.u[0]!;
  const sign = (x >>> 16) & 0x8000;
  const exp = ((x >>> 23) & 0xff) - 127 + 15;
  let mant = x & 0x7fffff;
  if (exp === 128 + 15) return sign | 0x7c00 | (mant ? 0x200 : 0); // Infinity, NaN
  if (exp >= 31) return sign | 0x7c00;
  if (exp <= 0) {
    if (exp < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - exp;
    const half = 1 << (shift - 1);
    const rest = mant & ((1 << shift) - 1);
    let h = mant >>> shift;
    if (rest > half || (rest === half && (h & 1) === 1)) h++;
    return sign | h;
  }
  let h = (exp << 10) | (mant >>> 13);
  const rest = mant & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && (h & 1) === 1)) h++;
  return sign | h;
}

/** Keys' cubic convolution kernel with a = -0.75, as OpenCV's INTER_CUBIC and PyTorch's bicubic use. */
export function cubicWeight(d: number): number {
  const x = Math.abs(d);
  const a = -0.75;
  if (x <= 1) return ((a + 2) * x - (a + 3)) * x * x + 1;
  if (x < 2) return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a;
  return 0;
}

/**
 * Where each tensor column (or row) reads from: `taps` source indices and weights each (2 bilinear, 4 bicubic),
 * edge pixels repeated beyond the border; `inside` is 0 for padding.
 */
function axis(count: number, offset: number, scale: number, sourceSize: number, taps: 2 | 4): { at: Int32Array; w: Float64Array; inside: Uint8Array } {
  const at = new Int32Array(count * taps);
  const w = new Float64Array(count * taps);
  const inside = new Uint8Array(count);
  const last = sourceSize - 1;
  for (let i = 0; i < count; i++) {
    const u = (i + 0.5 - offset) / scale;
    if (!(u >= 0 && u < sourceSize)) continue;
    inside[i] = 1;
    const point = u - 0.5;
    const i0 = Math.floor(point);
    const t = point - i0;
    for (let k = 0; k < taps; k++) {
      const step = taps === 2 ? k : k - 1;
      at[i * taps + k] = Math.min(Math.max(i0 + step, 0), last);
      w[i * taps + k] = taps === 2 ? (k === 0 ? 1 - t : t) : cubicWeight(t - step);
    }
  }
  return { at, w, inside };
}

/**
 * Writes one picture's values into `out` (the data of a tensor of `spec`'s dtype and layout), as row `row`.
 * @param pixels - the picture's RGBA pixels, at the size its transform names as source.
 */
export function writePicture(pixels: Rgba, picture: Pick<WirePicture, 'transform'>, spec: ImageSpec, out: TensorData, row: number): void {
  const { target, scale, offset } = picture.transform;
  const { width: W, height: H } = target;
  const taps = spec.resize === 'bicubic' ? 4 : 2;
  const xs = axis(W, offset.x, scale.x, pixels.width, taps);
  const ys = axis(H, offset.y, scale.y, pixels.height, taps);
  const { mul, add } = affineOf(spec);
  const source = spec.channels === 'rgb' ? [0, 1, 2] : [2, 1, 0];
  const plane = W * H;
  const base = row * 3 * plane;
  const data = pixels.data;
  const stride = pixels.width * 4;
  const f = new Float32Array(1);
  const scratch = { f, u: new Uint32Array(f.buffer) };
  const store =
    spec.type === 'float32'
      ? (i: number, v: number) => void ((out as Float32Array)[i] = v)
      : spec.type === 'float16'
        ? (i: number, v: number) => void ((out as Uint16Array)[i] = halfBits(v, scratch))
        : (i: number, v: number) => void ((out as Uint8Array)[i] = Math.min(255, Math.max(0, roundHalfEven(v))));
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const inside = ys.inside[y] === 1 && xs.inside[x] === 1;
      const pixel = y * W + x;
      for (let c = 0; c < 3; c++) {
        const s = source[c]!;
        let p = spec.fill[s]!;
        if (inside) {
          p = 0;
          for (let j = 0; j < taps; j++) {
            const rowAt = ys.at[y * taps + j]! * stride + s;
            let across = 0;
            for (let i = 0; i < taps; i++) across += data[rowAt + xs.at[x * taps + i]! * 4]! * xs.w[x * taps + i]!;
            p += across * ys.w[y * taps + j]!;
          }
          // Bicubic overshoots at edges: kept within a pixel's range, as OpenCV does for 8-bit pictures.
          if (taps === 4) p = Math.min(255, Math.max(0, p));
        }
        store(spec.layout === 'nchw' ? base + c * plane + pixel : base + pixel * 3 + c, p * mul[c]! + add[c]!);
      }
    }
  }
}

/** Draws frames on one OffscreenCanvas to read their pixels; ImageData's bytes are read as they are. */
export function createPixelReader(): (frame: Frame) => Rgba {
  let context: OffscreenCanvasRenderingContext2D | undefined;
  return (frame) => {
    if (!('close' in frame)) return frame;
    const width = 'displayWidth' in frame ? frame.displayWidth : frame.width;
    const height = 'displayHeight' in frame ? frame.displayHeight : frame.height;
    if (context === undefined) {
      const made = new OffscreenCanvas(width, height).getContext('2d', { willReadFrequently: true });
      if (made === null) throw new Error('this worker gives no 2D OffscreenCanvas context, which reading pictures on the CPU needs');
      context = made;
    }
    const canvas = context.canvas;
    if (canvas.width !== width || canvas.height !== height) {
      canvas.width = width;
      canvas.height = height;
    } else context.clearRect(0, 0, width, height);
    context.drawImage(frame, 0, 0, width, height);
    return context.getImageData(0, 0, width, height);
  };
}

/** The data of a tensor of `dims` and `spec`'s dtype, from its pictures (one per row). */
export function convertOnCpu(pictures: readonly WirePicture[], spec: ImageSpec, dims: readonly number[], read: (frame: Frame) => Rgba): TensorData {
  const size = sizeOf(dims);
  const out = spec.type === 'float32' ? new Float32Array(size) : spec.type === 'float16' ? new Uint16Array(size) : new Uint8Array(size);
  pictures.forEach((picture, row) => writePicture(read(picture.frame), picture, spec, out, row));
  return out;
}
