// The checks of the options about pictures, on the page: createSession's `images`, the settings a call gives a
// picture (ImageInput), and a stream's. Each rejects with INVALID_OPTIONS naming the option, or INVALID_INPUT for a
// call's picture settings, as every other check does.
import { TensorlaneError } from '../../errors.js';
import type { ImageAlign, ImageFit, ImageInput, ImageInputOptions } from '../../types/images.js';
import type { ImageInputRequest, Triple } from '../../wire/protocol.js';
import { describe } from '../../tensor/dtypes.js';
import { badOption, checkKeys, checkObject, checkOneOf, keysOf } from '../check-values.js';

const IMAGE_INPUT_OPTIONS = keysOf({
  width: true, height: true, fit: true, align: true, resize: true, fill: true, channels: true, scale: true, mean: true, std: true,
  layout: true,
} satisfies Record<keyof ImageInputOptions, true>);
export const IMAGE_INPUT: readonly (keyof ImageInput)[] = keysOf({ image: true, width: true, height: true, fit: true, align: true } satisfies Record<keyof ImageInput, true>);

export const FITS: readonly ImageFit[] = keysOf({ stretch: true, contain: true, cover: true } satisfies Record<ImageFit, true>);
export const ALIGNS: readonly ImageAlign[] = keysOf({ center: true, start: true } satisfies Record<ImageAlign, true>);

/** The settings of a picture that may change per call or per stream: its tensor's size and how it fits. */
export interface Geometry {
  readonly width?: number;
  readonly height?: number;
  readonly fit?: ImageFit;
  readonly align?: ImageAlign;
}

/** A size in pixels: a positive integer, or undefined. */
function checkSide(value: unknown, name: string, error: (message: string) => TensorlaneError): number | undefined {
  if (value === undefined || (Number.isSafeInteger(value) && (value as number) >= 1)) return value as number | undefined;
  throw error(`${name} is ${describe(value)}; expected a positive integer (pixels)`);
}

/**
 * Reads `width`, `height`, `fit` and `align` of `value`.
 * @param name - how messages name a setting, e.g. `option "images.x.fit"`.
 * @param error - how a bad value fails: INVALID_OPTIONS for options, INVALID_INPUT for a call's picture.
 */
export function checkGeometry(value: Geometry, name: (key: keyof Geometry) => string, error: (message: string) => TensorlaneError = badOption): Geometry {
  const width = checkSide(value.width, name('width'), error);
  const height = checkSide(value.height, name('height'), error);
  const one = <T>(v: unknown, allowed: readonly T[], key: keyof Geometry): T | undefined => {
    if (v === undefined || allowed.includes(v as T)) return v as T | undefined;
    throw error(`${name(key)} is ${describe(v)}; expected ${allowed.map((a) => JSON.stringify(a)).join(' | ')}`);
  };
  const fit = one(value.fit, FITS, 'fit');
  const align = one(value.align, ALIGNS, 'align');
  return { ...(width ? { width } : {}), ...(height ? { height } : {}), ...(fit ? { fit } : {}), ...(align ? { align } : {}) };
}

/** One value per channel: a finite number for all three, or three of them; `fallback` when undefined. */
function checkTriple(value: unknown, name: string, fallback: number | undefined, { nonZero = false } = {}): Triple | undefined {
  if (value === undefined) return fallback === undefined ? undefined : [fallback, fallback, fallback];
  const ok = (v: unknown) => typeof v === 'number' && Number.isFinite(v) && !(nonZero && v === 0);
  if (ok(value)) return [value as number, value as number, value as number];
  if (Array.isArray(value) && value.length === 3 && value.every(ok)) return [value[0], value[1], value[2]];
  const shown = Array.isArray(value) ? `[${value.map((v) => describe(v)).join(',')}]` : describe(value);
  throw badOption(`${name} is ${shown}; expected a ${nonZero ? 'non-zero ' : ''}finite number, or three (one per channel)`);
}

/**
 * Checks `createSession`'s `images`: input names to {@link ImageInputOptions}. Whether each names an input of the
 * model, and fits its dims and dtype, the worker checks once the model is loaded.
 */
export function checkImages(value: unknown): Record<string, ImageInputRequest> | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw badOption(`option "images" is ${describe(value)}; expected an object of input name to picture options, e.g. { image: { width: 224, height: 224 } }`);
  }
  const out: Record<string, ImageInputRequest> = {};
  for (const [name, options] of Object.entries(value)) {
    const what = `option "images.${name}"`;
    const option = (key: string) => `option "images.${name}.${key}"`;
    checkKeys(checkObject(options, what), IMAGE_INPUT_OPTIONS, what);
    const o = options as ImageInputOptions;
    const { width, height, fit = 'stretch', align = 'center' } = checkGeometry(o, option);
    const scale = checkTriple(o.scale, option('scale'), undefined);
    const layout = checkOneOf(o.layout, ['nchw', 'nhwc'] as const, option('layout'));
    out[name] = {
      ...(width ? { width } : {}),
      ...(height ? { height } : {}),
      ...(layout ? { layout } : {}),
      fit,
      align,
      resize: checkOneOf(o.resize, ['bilinear', 'bicubic'] as const, option('resize')) ?? 'bilinear',
      fill: checkTriple(o.fill, option('fill'), 0)!,
      channels: checkOneOf(o.channels, ['rgb', 'bgr'] as const, option('channels')) ?? 'rgb',
      ...(scale ? { scale } : {}),
      mean: checkTriple(o.mean, option('mean'), 0)!,
      std: checkTriple(o.std, option('std'), 1, { nonZero: true })!,
    };
  }
  return out;
}
