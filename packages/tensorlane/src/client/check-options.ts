// Option checking, on the page, before anything is sent: every option of createSession, predict and predictBatch,
// each rejected with INVALID_OPTIONS naming the option, the value and what was expected. The lists of option names
// derive from the option interfaces, so an option added there and not here fails to compile.
import { BACKENDS, BACKEND_MODES, ENGINES } from '../types/backends.js';
import { TensorlaneError } from '../errors.js';
import type { CalibrationOptions, ModelVariant, WebGpuEngine } from '../types/backends.js';
import type { ExternalDataFile, PredictOptions, SessionOptions, WarmupOptions } from '../types/options.js';
import {
  CALIBRATION_DEFAULTS, MAX_TIMER_MS, buffersOfSources, type CalibrationRequest, type ExternalDataRequest, type LoadRequest, type OrtSessionOptions,
  type VariantRequest, type WarmupRequest,
} from '../wire/protocol.js';
import { describe } from '../tensor/dtypes.js';
import { detachedFlag, isArrayBuffer, placeOf, typedArrayName } from '../tensor/intrinsics.js';
import { resolveUrl } from './url.js';
import { checkImages } from './images/check-images.js';
import {
  badOption, checkBoolean, checkFunction, checkIntegrity, checkKeys, checkNumber, checkObject, checkOneOf, checkSignal, keysOf,
} from './check-values.js';

const SESSION_OPTIONS = keysOf({
  model: true, backend: true, webgpuEngine: true, allowSoftwareAdapter: true, batching: true, maxBatchSize: true, maxQueueDelayMs: true,
  maxQueueSize: true, busyWaitMs: true, signal: true, wasmPaths: true, worker: true, onProgress: true, integrity: true, cache: true,
  externalData: true, warmup: true, freeDimensionOverrides: true, graphOptimizationLevel: true, enableGraphCapture: true,
  preferredOutputLocation: true, logSeverityLevel: true, restart: true, maxRestarts: true, calibration: true, numThreads: true,
  images: true,
} satisfies Record<keyof SessionOptions, true>);
const CALIBRATION_OPTIONS = keysOf({ budgetMs: true, runs: true, remember: true } satisfies Record<keyof CalibrationOptions, true>);
const MODEL_VARIANT = keysOf({ url: true, requires: true, integrity: true } satisfies Record<keyof ModelVariant, true>);
const PREDICT_OPTIONS = keysOf({ signal: true, timeoutMs: true, copy: true } satisfies Record<keyof PredictOptions, true>);
const WARMUP_OPTIONS = keysOf({ batchSizes: true, freeDimensions: true } satisfies Record<keyof WarmupOptions, true>);
const EXTERNAL_DATA_FILE = keysOf({ path: true, data: true, integrity: true } satisfies Record<keyof ExternalDataFile, true>);
const GRAPH_OPTIMIZATION_LEVELS = keysOf({
  disabled: true, basic: true, extended: true, layout: true, all: true,
} satisfies Record<NonNullable<SessionOptions['graphOptimizationLevel']>, true>);

const WEBGPU_ENGINE_OPTIONS = ['auto', ...ENGINES.filter((e): e is WebGpuEngine => e !== 'wasm')] as const;

function checkThreads(value: unknown): 'auto' | number {
  if (value === undefined || value === 'auto') return 'auto';
  if (Number.isSafeInteger(value) && (value as number) >= 1) return value as number;
  throw badOption(`option "numThreads" is ${describe(value)}; expected 'auto' or an integer >= 1`);
}

/**
 * Model bytes or a URL, as the worker takes them (the bytes' buffer moves with the request: buffersOfSources). What
 * the bytes are is read from their internal slots (tensor/intrinsics.ts), never from properties the caller can set.
 */
function checkSource(value: unknown, name: string): string | Uint8Array {
  if (typeof value === 'string' || value instanceof URL) return resolveUrl(value, name);
  // Empty bytes are the worker's to report (MODEL_INVALID); only a buffer the engine says is detached stops here.
  const detached = (buffer: ArrayBufferLike) => detachedFlag(buffer) === true;
  if (isArrayBuffer(value)) {
    if (detached(value)) throw badOption(`${name} is a detached ArrayBuffer (it was transferred already); pass the bytes again`);
    return new Uint8Array(value);
  }
  if (typedArrayName(value) === 'Uint8Array') {
    const { buffer, byteOffset, length } = placeOf(value as Uint8Array);
    if (detached(buffer)) throw badOption(`${name} is a detached buffer (it was transferred already); pass the bytes again`);
    return new Uint8Array(buffer, byteOffset, length);
  }
  throw badOption(`${name} is ${describe(value)}; expected a URL (string or URL), an ArrayBuffer or a Uint8Array`);
}

function checkSizes(value: unknown, name: string): Readonly<Record<string, number>> | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw badOption(`${name} is ${describe(value)}; expected an object of dim sizes, e.g. { batch: 1 }`);
  }
  for (const [dim, size] of Object.entries(value)) {
    if (!Number.isSafeInteger(size) || (size as number) < 1) {
      throw badOption(`${name} gives dim "${dim}" the size ${describe(size)}; expected a positive integer`);
    }
  }
  return value as Record<string, number>;
}

function checkWarmup(value: unknown): WarmupRequest | undefined {
  if (value === undefined || value === false) return undefined;
  if (value === true) return { batchSizes: [1] };
  checkKeys(checkObject(value, 'option "warmup"'), WARMUP_OPTIONS, 'option "warmup"');
  const { batchSizes = [1], freeDimensions } = value as WarmupOptions;
  if (!Array.isArray(batchSizes) || batchSizes.length === 0 || !batchSizes.every((b) => Number.isSafeInteger(b) && b >= 1)) {
    const shown = Array.isArray(batchSizes) && batchSizes.length <= 16 ? JSON.stringify(batchSizes) : describe(batchSizes);
    throw badOption(`option "warmup.batchSizes" is ${shown}; expected a non-empty array of positive integers`);
  }
  const sizes = checkSizes(freeDimensions, 'option "warmup.freeDimensions"');
  return { batchSizes: [...batchSizes], ...(sizes ? { freeDimensions: sizes } : {}) };
}

function checkCalibration(value: unknown): CalibrationRequest | undefined {
  if (value === undefined) return undefined;
  checkKeys(checkObject(value, 'option "calibration"'), CALIBRATION_OPTIONS, 'option "calibration"');
  const { budgetMs, runs, remember } = value as CalibrationOptions;
  return {
    budgetMs: checkNumber(budgetMs, 'option "calibration.budgetMs"', CALIBRATION_DEFAULTS.budgetMs),
    runs: checkNumber(runs, 'option "calibration.runs"', CALIBRATION_DEFAULTS.runs, { min: 1, integer: true }),
    remember: checkBoolean(remember, 'option "calibration.remember"', CALIBRATION_DEFAULTS.remember),
  };
}

/** The variants of a model given as a list: each URL resolved, and the external data resolved against each. */
function checkVariants(value: readonly unknown[], options: SessionOptions): VariantRequest[] {
  if (value.length === 0) throw badOption('model is an empty array; expected variants, e.g. [{ url, requires: [\'shader-f16\'] }, { url }]');
  if (options.integrity !== undefined) {
    throw badOption('option "integrity" names one model\'s digest, but model lists variants; give each variant its own: { url, integrity }');
  }
  return value.map((entry, i): VariantRequest => {
    const name = `model[${i}]`;
    checkKeys(checkObject(entry, name), MODEL_VARIANT, name);
    const { url, requires = [], integrity } = entry as ModelVariant;
    if (typeof url !== 'string' && !(url instanceof URL)) throw badOption(`${name}.url is ${describe(url)}; expected a URL (string or URL)`);
    const model = resolveUrl(url, `${name}.url`);
    if (!Array.isArray(requires) || !requires.every((f) => typeof f === 'string' && f !== '')) {
      throw badOption(`${name}.requires is ${describe(requires)}; expected an array of WebGPU feature names, e.g. ['shader-f16']`);
    }
    const checked = checkIntegrity(integrity, `${name}.integrity`);
    const externalData = checkExternalData(options.externalData, model);
    return { model, requires: [...requires], ...(checked ? { integrity: checked } : {}), ...(externalData ? { externalData } : {}) };
  });
}

function checkExternalData(value: unknown, model: string | Uint8Array): ExternalDataRequest[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) {
    throw badOption(`option "externalData" is ${describe(value)}; expected an array of file names or { path, data } objects`);
  }
  return value.map((entry: unknown, i): ExternalDataRequest => {
    const name = `option "externalData[${i}]"`;
    if (typeof entry === 'string') {
      if (typeof model !== 'string') {
        throw badOption(`${name} is the file name "${entry}", which resolves against the model URL, but the model is bytes; pass { path, data }`);
      }
      return { path: entry, data: resolveUrl(entry, name, model) };
    }
    checkKeys(checkObject(entry, name), EXTERNAL_DATA_FILE, name);
    const { path, data, integrity } = entry as ExternalDataFile;
    if (typeof path !== 'string' || path === '') throw badOption(`${name}.path is ${describe(path)}; expected the file name the model references`);
    const file = checkSource(data, `${name}.data`);
    const checked = checkIntegrity(integrity, `${name}.integrity`);
    return { path, data: file, ...(checked ? { integrity: checked } : {}) };
  });
}

/** The onnxruntime-web session options, checked. */
function checkOrtOptions(options: SessionOptions): OrtSessionOptions | undefined {
  const out: { -readonly [K in keyof OrtSessionOptions]: OrtSessionOptions[K] } = {};
  const overrides = checkSizes(options.freeDimensionOverrides, 'option "freeDimensionOverrides"');
  if (overrides) out.freeDimensionOverrides = overrides;
  const level = checkOneOf(options.graphOptimizationLevel, GRAPH_OPTIMIZATION_LEVELS, 'option "graphOptimizationLevel"');
  if (level) out.graphOptimizationLevel = level;
  if (checkBoolean(options.enableGraphCapture, 'option "enableGraphCapture"')) {
    // onnxruntime-web then rejects every run whose inputs and outputs are not GPU buffers bound across runs.
    throw badOption(
      'option "enableGraphCapture" is true, but graph capture needs every input and output bound to the same GPU buffers on every run, which tensorlane does not do yet; leave it off',
    );
  }
  const location = options.preferredOutputLocation;
  if (location !== undefined) {
    const locations = typeof location === 'object' && location !== null ? Object.values(location) : [location];
    for (const l of locations) checkOneOf(l, ['cpu', 'gpu-buffer'], 'option "preferredOutputLocation"');
    out.preferredOutputLocation = location;
  }
  const severity = checkOneOf(options.logSeverityLevel, [0, 1, 2, 3, 4] as const, 'option "logSeverityLevel"');
  if (severity !== undefined) out.logSeverityLevel = severity;
  return Object.keys(out).length > 0 ? out : undefined;
}

/** What `createSession` needs on the page, beside the request it sends. */
export interface PageOptions {
  readonly maxQueueSize: number;
  /** Restart after a fault (`'auto'`), at most `maxRestarts` times within 60 s. */
  readonly restart: boolean;
  readonly maxRestarts: number;
  readonly signal: AbortSignal | undefined;
  readonly worker: (() => Worker) | undefined;
  readonly onProgress: SessionOptions['onProgress'];
}

/**
 * `wasmPaths` with each URL resolved against the page, as the model URL is: the worker cannot resolve a relative URL
 * as the page means it (its base is its own script, or a `blob:` URL, against which nothing relative resolves).
 */
function checkWasmPaths(value: unknown): LoadRequest['wasmPaths'] {
  if (value === undefined || value === '') return undefined;
  if (typeof value === 'string') return resolveUrl(value, 'option "wasmPaths"');
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw badOption(`option "wasmPaths" is ${describe(value)}; expected a URL prefix string or an object of file URLs`);
  }
  const files: Record<string, string> = {};
  for (const [file, url] of Object.entries(value)) {
    const name = `option "wasmPaths.${file}"`;
    if (typeof url !== 'string') throw badOption(`${name} is ${describe(url)}; expected a URL string`);
    files[file] = resolveUrl(url, name);
  }
  return files;
}

/**
 * Checks `createSession`'s options and builds the load request, with the buffers it transfers.
 * @throws TensorlaneError `INVALID_OPTIONS` naming the option; `ENVIRONMENT_UNSUPPORTED` without `Worker` nor `worker`.
 */
export function checkSessionOptions(options: SessionOptions): { request: LoadRequest; transfer: ArrayBuffer[]; page: PageOptions } {
  checkKeys(checkObject(options, 'createSession()'), SESSION_OPTIONS, 'createSession()');
  if (options.model === undefined) throw badOption('createSession() needs a model: a URL, an ArrayBuffer or a Uint8Array');
  const page: PageOptions = {
    maxQueueSize: checkNumber(options.maxQueueSize, 'option "maxQueueSize"', Infinity, { min: 1, integer: true }),
    restart: (checkOneOf(options.restart, ['auto', 'off'] as const, 'option "restart"') ?? 'auto') === 'auto',
    maxRestarts: checkNumber(options.maxRestarts, 'option "maxRestarts"', 3, { min: 0, integer: true }),
    signal: checkSignal(options.signal, 'option "signal"'),
    worker: checkFunction(options.worker, 'option "worker"', 'a function that returns a Worker'),
    onProgress: checkFunction(options.onProgress, 'option "onProgress"', 'a function'),
  };
  // In Node or during SSR there is no `Worker`: say so before anything else fails for the same reason.
  if (page.worker === undefined && typeof Worker === 'undefined') {
    throw new TensorlaneError(
      'ENVIRONMENT_UNSUPPORTED',
      'Worker is not defined: tensorlane runs models in a Web Worker, so it needs a browser (or pass options.worker)',
    );
  }
  const integrity = checkIntegrity(options.integrity, 'option "integrity"');
  const warmup = checkWarmup(options.warmup);
  const sessionOptions = checkOrtOptions(options);
  const calibration = checkCalibration(options.calibration);
  const wasmPaths = checkWasmPaths(options.wasmPaths);
  const images = checkImages(options.images);
  let model: LoadRequest['model'];
  let externalData: ExternalDataRequest[] | undefined;
  if (Array.isArray(options.model)) model = checkVariants(options.model, options);
  else {
    model = checkSource(options.model, 'model');
    externalData = checkExternalData(options.externalData, model);
  }
  const transfer = buffersOfSources({ model, ...(externalData ? { externalData } : {}) });
  const request: LoadRequest = {
    model,
    backend: checkOneOf(options.backend, [...BACKEND_MODES, ...BACKENDS] as const, 'option "backend"') ?? 'auto',
    webgpuEngine: checkOneOf(options.webgpuEngine, WEBGPU_ENGINE_OPTIONS, 'option "webgpuEngine"') ?? 'auto',
    ...(calibration ? { calibration } : {}),
    allowSoftwareAdapter: checkBoolean(options.allowSoftwareAdapter, 'option "allowSoftwareAdapter"'),
    batching: checkOneOf(options.batching, ['auto', 'stack', 'off'] as const, 'option "batching"') ?? 'auto',
    maxBatchSize: checkNumber(options.maxBatchSize, 'option "maxBatchSize"', 64, { min: 1, integer: true }),
    maxQueueDelayMs: checkNumber(options.maxQueueDelayMs, 'option "maxQueueDelayMs"', 0),
    busyWaitMs: checkNumber(options.busyWaitMs, 'option "busyWaitMs"', 0),
    cache: checkBoolean(options.cache, 'option "cache"', true),
    numThreads: checkThreads(options.numThreads),
    ...(wasmPaths ? { wasmPaths } : {}),
    ...(integrity ? { integrity } : {}),
    ...(externalData ? { externalData } : {}),
    ...(warmup ? { warmup } : {}),
    ...(sessionOptions ? { sessionOptions } : {}),
    returnBytes: page.restart && transfer.length > 0,
    ...(images ? { images } : {}),
  };
  return { request, transfer, page };
}

const NO_OPTIONS = { copy: false } as const;

function isEmpty(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Object.getPrototypeOf(value) !== Object.prototype) return false;
  for (const key in value) if (Object.hasOwn(value, key)) return false;
  return true;
}

/**
 * Checks the options of `predict` or `predictBatch`, named `what` in messages.
 * @throws TensorlaneError `INVALID_OPTIONS` naming the option.
 */
export function checkPredictOptions(options: unknown, what: string): { signal?: AbortSignal; timeoutMs?: number; copy: boolean } {
  if (isEmpty(options)) return NO_OPTIONS; // the common case, checked per call
  checkKeys(checkObject(options, `${what}()`), PREDICT_OPTIONS, `${what}()`);
  const { signal, timeoutMs, copy } = options as PredictOptions;
  const checkedSignal = checkSignal(signal, `${what}() option "signal"`);
  const checkedTimeout = checkNumber(timeoutMs, `${what}() option "timeoutMs"`, Infinity);
  return {
    ...(checkedSignal ? { signal: checkedSignal } : {}),
    // A timeout past the longest timer is none.
    ...(checkedTimeout > MAX_TIMER_MS ? {} : { timeoutMs: checkedTimeout }),
    copy: checkBoolean(copy, `${what}() option "copy"`),
  };
}
