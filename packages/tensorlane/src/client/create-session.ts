/// <reference lib="esnext.disposable" preserve="true" />
import { proxy, transfer } from 'comlink';
import { TensorlaneError } from '../errors.js';
import { isIntegrity } from '../integrity.js';
import type {
  AdapterInfo, Backend, BatchingInfo, BatchingMode, ExternalDataRequest, FallbackAttempt, Feeds, LoadProgress, LoadReply,
  LoadRequest, OrtSessionOptions, OutputLocation, Tensor, TensorInfo, WarmupInfo, WarmupRequest,
} from '../protocol.js';
import { describe, typedArrayName } from '../tensor/dtypes.js';
import { rowsOf } from '../tensor/stack.js';
import { buffersOf, readFeeds } from '../tensor/validate.js';
import { abortError, connect, type Connection, type WorkerLike } from './connection.js';

/** Options of {@link createSession}. */
export interface SessionOptions {
  /**
   * The ONNX model. A string or URL is fetched inside the worker; a relative one resolves against the page
   * (`document.baseURI`), as `fetch()` on the page would. An `ArrayBuffer` or `Uint8Array` is transferred to the
   * worker: the caller's buffer is detached afterwards.
   */
  model: string | URL | ArrayBuffer | Uint8Array;
  /**
   * Where to run: `'auto'` tries WebGPU, then WASM, recording each failed attempt in `session.fallback`;
   * `'webgpu'` or `'wasm'` use that backend or fail with `BACKEND_UNAVAILABLE`.
   * @defaultValue `'auto'`
   */
  backend?: 'auto' | Backend;
  /**
   * Let `'auto'` use a software WebGPU adapter (such as SwiftShader), which is usually far slower than WASM.
   * `backend: 'webgpu'` uses whatever adapter there is regardless.
   * @defaultValue `false`
   */
  allowSoftwareAdapter?: boolean;
  /**
   * How `predictBatch` runs items: `'auto'` stacks them along dim 0 when every input and output of the model has
   * the same symbolic first dim, else runs them one by one; `'stack'` always stacks; `'off'` never does.
   * @defaultValue `'auto'`
   */
  batching?: BatchingMode;
  /** Cancels loading: the worker is terminated and `createSession` rejects with `ABORTED`. */
  signal?: AbortSignal;
  /** Where onnxruntime-web fetches its `.wasm`/`.mjs` files (`ort.env.wasm.wasmPaths`), if not beside its bundle. */
  wasmPaths?: string | Readonly<Record<string, string>>;
  /**
   * Builds the worker, for setups that must (a CSP, a custom bundler). Its module must `import 'tensorlane/worker'`.
   * @defaultValue a module worker running tensorlane's own worker script
   */
  worker?: () => Worker;
  /**
   * Called as the model loads, at most about 20 times a second, with `{ phase, loaded, total? }`: phases
   * `'download'` and `'cache'` count bytes over all files (`total` from Content-Length, when sent), `'compile'`
   * (session creation) goes from 0 to 1 of 1, `'warmup'` counts batch sizes run. Every event is delivered before
   * `createSession` settles; the last of a phase always is.
   */
  onProgress?: (progress: LoadProgress) => void;
  /**
   * The SRI digest the model bytes must have, `'sha256-<base64>'` (as `openssl dgst -sha256 -binary model.onnx |
   * openssl base64 -A`). Checked with SubtleCrypto before the session is built, whether the bytes came from the
   * network, the cache or the caller; a mismatch rejects with `INTEGRITY_MISMATCH`.
   */
  integrity?: string;
  /**
   * Keep downloaded model files in the Cache API (cache `'tensorlane-models'`), keyed by URL with their digest,
   * and load them from there next time without any request. With `integrity`, only an entry with that digest is
   * used. If the cache cannot store a file (quota exceeded, no Cache API), the model still loads and
   * `session.warnings` says why. Applies to URLs only. See {@link listCachedModels}, {@link deleteCachedModels}.
   * @defaultValue `true`
   */
  cache?: boolean;
  /**
   * The model's external weights (`model.onnx` + `model.onnx.data`), passed to onnxruntime-web's `externalData`.
   * A string is a file name the model references, fetched relative to the model URL; `{ path, data }` names the
   * file as the model references it and gives a URL or the bytes (transferred), with an optional `integrity`.
   * URLs are fetched and cached as the model is, with the same progress.
   */
  externalData?: readonly (string | ExternalDataFile)[];
  /**
   * Run the model once per batch size on zeros after it loads, so that the first `predict` does not pay for shader
   * compilation. `true` means `{ batchSizes: [1] }`. A symbolic first dim takes the batch size; other symbolic
   * dims take their size from `freeDimensions`, then from `freeDimensionOverrides`. `session.warmup` reports it.
   * @defaultValue `false`
   */
  warmup?: boolean | WarmupOptions;
  /** Fixes symbolic dims to sizes (onnxruntime-web's `freeDimensionOverrides`), e.g. `{ batch: 1 }`. */
  freeDimensionOverrides?: Readonly<Record<string, number>>;
  /**
   * onnxruntime-web's graph optimization level.
   * @defaultValue `'all'`, onnxruntime-web's own
   */
  graphOptimizationLevel?: 'disabled' | 'basic' | 'extended' | 'layout' | 'all';
  /**
   * onnxruntime-web's WebGPU graph capture, for models with static shapes. Not supported yet: onnxruntime-web then
   * requires every input and output to be bound to GPU buffers across runs, so `true` rejects with
   * `INVALID_OPTIONS` rather than fail every run.
   * @defaultValue `false`
   */
  enableGraphCapture?: boolean;
  /**
   * Where onnxruntime-web leaves outputs on WebGPU: `'gpu-buffer'` (for all or some outputs, by name) keeps them on
   * the GPU until the worker reads them back to send them; outputs always reach the page as arrays. Ignored on WASM.
   * @defaultValue `'cpu'`
   */
  preferredOutputLocation?: OutputLocation | Readonly<Record<string, OutputLocation>>;
  /**
   * onnxruntime-web's log severity for this session: 0 verbose, 1 info, 2 warning, 3 error, 4 fatal.
   * @defaultValue `2`, onnxruntime-web's own
   */
  logSeverityLevel?: 0 | 1 | 2 | 3 | 4;
}

/** An external data file of {@link SessionOptions.externalData}. */
export interface ExternalDataFile {
  /** The file name as the model references it, e.g. `'model.onnx.data'`. */
  path: string;
  /** A URL (relative to the page) or the bytes (transferred). */
  data: string | URL | ArrayBuffer | Uint8Array;
  /** The SRI digest its bytes must have, as {@link SessionOptions.integrity}. */
  integrity?: string;
}

/** Options of {@link SessionOptions.warmup}. */
export interface WarmupOptions {
  /**
   * One warm-up run per batch size, in order.
   * @defaultValue `[1]`
   */
  batchSizes?: readonly number[];
  /** Sizes of symbolic dims other than the batch, for the warm-up inputs only, e.g. `{ sequence: 128 }`. */
  freeDimensions?: Readonly<Record<string, number>>;
}

/** Options of {@link Session.predict}. */
export interface PredictOptions {
  /** Aborts the call: it rejects with `ABORTED` at once, and never runs if it had not started. */
  signal?: AbortSignal;
  /**
   * Copy the inputs instead of transferring their buffers, so that the caller's arrays stay usable. Copies only the
   * bytes of each view.
   * @defaultValue `false`
   */
  copy?: boolean;
}

/** Options of {@link Session.predictBatch}. */
export interface PredictBatchOptions extends PredictOptions {
  /**
   * Rows per run when items are stacked. An item with more rows runs alone.
   * @defaultValue `64`
   */
  batchSize?: number;
}

/** The outputs of one prediction, by output name. */
export type Outputs = Record<string, Tensor>;

/** A model loaded in its own worker. Create with {@link createSession}. */
export interface Session {
  /** The backend that runs the model. */
  readonly backend: Backend;
  /** The backends tried and not used, with their reasons; empty when the first choice worked. */
  readonly fallback: readonly FallbackAttempt[];
  /** The WebGPU adapter in use, when `backend` is `'webgpu'`. */
  readonly adapter: AdapterInfo | undefined;
  /** The model's inputs: name, dtype, dims (symbolic dims as strings, unnamed ones as `'?'`). */
  readonly inputs: readonly TensorInfo[];
  /** The model's outputs, as `inputs`. */
  readonly outputs: readonly TensorInfo[];
  /** Whether `predictBatch` stacks items into one run per chunk, and why. */
  readonly batching: BatchingInfo;
  /** The warm-up that ran at load (batch sizes, total ms), or undefined without `warmup`. */
  readonly warmup: WarmupInfo | undefined;
  /** What went less well than asked without failing the load, e.g. `model "…" was not cached: …`. */
  readonly warnings: readonly string[];
  /**
   * Runs the model once. The inputs' buffers are transferred to the worker (detached here) unless `copy: true`;
   * the outputs' buffers are transferred back.
   * @param feeds - one tensor per model input.
   * @throws TensorlaneError `INVALID_INPUT`, `RUN_FAILED`, `ABORTED`, `DISPOSED`, `WORKER_CRASHED`.
   */
  predict(feeds: Feeds, options?: PredictOptions): Promise<Outputs>;
  /**
   * Runs the model on many items. Items are stacked along dim 0 in the worker (see `batching`), run in chunks of
   * `batchSize` rows, and split back per item, in order: each result is a `subarray` view over one buffer per
   * output per chunk. Rejects as a whole if any item is invalid or any run fails.
   * @param items - feeds with the same dims per input beyond dim 0; dim 0 is the item's row count, usually 1.
   * @throws TensorlaneError `INVALID_INPUT`, `INVALID_OPTIONS`, `RUN_FAILED`, `ABORTED`, `DISPOSED`, `WORKER_CRASHED`.
   */
  predictBatch(items: readonly Feeds[], options?: PredictBatchOptions): Promise<Outputs[]>;
  /** Releases the session and terminates the worker; calls in flight reject with `DISPOSED`. Idempotent. */
  dispose(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

const SESSION_OPTIONS = [
  'model', 'backend', 'allowSoftwareAdapter', 'batching', 'signal', 'wasmPaths', 'worker',
  'onProgress', 'integrity', 'cache', 'externalData', 'warmup',
  'freeDimensionOverrides', 'graphOptimizationLevel', 'enableGraphCapture', 'preferredOutputLocation', 'logSeverityLevel',
];
const PREDICT_OPTIONS = ['signal', 'copy'];
const BATCH_OPTIONS = [...PREDICT_OPTIONS, 'batchSize'];

function badOption(message: string): TensorlaneError {
  return new TensorlaneError('INVALID_OPTIONS', message);
}

function checkKeys(options: object, allowed: readonly string[], what: string): void {
  for (const key of Object.keys(options)) {
    if (!allowed.includes(key)) {
      throw badOption(`${what} has no option "${key}"; its options are ${allowed.map((k) => `"${k}"`).join(', ')}`);
    }
  }
}

function checkOneOf<T extends string>(value: unknown, allowed: readonly T[], name: string): T | undefined {
  if (value === undefined || allowed.includes(value as T)) return value as T | undefined;
  throw badOption(`${name} is ${describe(value)}; expected ${allowed.map((v) => `"${v}"`).join(' | ')}`);
}

function checkSignal(value: unknown, name: string): AbortSignal | undefined {
  if (value === undefined || value instanceof AbortSignal) return value;
  throw badOption(`${name} is ${describe(value)}; expected an AbortSignal`);
}

function checkBoolean(value: unknown, name: string): boolean {
  if (value === undefined || typeof value === 'boolean') return value ?? false;
  throw badOption(`${name} is ${describe(value)}; expected true or false`);
}

function checkObject(value: unknown, what: string): object {
  if (typeof value === 'object' && value !== null) return value;
  throw badOption(`${what} expects an options object, got ${describe(value)}`);
}

/** The model as the worker takes it, and the buffer to transfer with it. */
function modelForWorker(model: unknown): { model: string | Uint8Array; transfer: ArrayBuffer[] } {
  if (typeof model === 'string' || model instanceof URL) {
    const base = (globalThis as { document?: { baseURI?: string } }).document?.baseURI ?? globalThis.location?.href;
    try {
      return { model: new URL(model, base).href, transfer: [] };
    } catch {
      throw badOption(`model "${String(model)}" is not a valid URL${base ? ` relative to ${base}` : ' (no page to resolve it against; pass an absolute URL)'}`);
    }
  }
  // An empty model is the worker's to report (MODEL_INVALID); only a buffer the engine says is detached stops here.
  const detached = (buffer: ArrayBufferLike) => (buffer as { detached?: boolean }).detached === true;
  const view = model instanceof ArrayBuffer && !detached(model) ? new Uint8Array(model) : model;
  if (typedArrayName(view) === 'Uint8Array') {
    const { buffer } = view as Uint8Array;
    if (detached(buffer)) throw badOption('model is a detached buffer (it was transferred already); pass the bytes again');
    const shared = typeof SharedArrayBuffer !== 'undefined' && buffer instanceof SharedArrayBuffer;
    return { model: view as Uint8Array, transfer: shared ? [] : [buffer as ArrayBuffer] };
  }
  if (model instanceof ArrayBuffer) throw badOption('model is a detached ArrayBuffer (it was transferred already); pass the bytes again');
  throw badOption(`model is ${describe(model)}; expected a URL (string or URL), an ArrayBuffer or a Uint8Array`);
}

function checkIntegrity(value: unknown, name: string): string | undefined {
  if (value === undefined || isIntegrity(value)) return value;
  throw badOption(`${name} is ${describe(value)}; expected an SRI sha256 digest, 'sha256-' and 44 base64 characters`);
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
  checkKeys(checkObject(value, 'option "warmup"'), ['batchSizes', 'freeDimensions'], 'option "warmup"');
  const { batchSizes = [1], freeDimensions } = value as WarmupOptions;
  if (!Array.isArray(batchSizes) || batchSizes.length === 0 || !batchSizes.every((b) => Number.isSafeInteger(b) && b >= 1)) {
    const shown = Array.isArray(batchSizes) && batchSizes.length <= 16 ? JSON.stringify(batchSizes) : describe(batchSizes);
    throw badOption(`option "warmup.batchSizes" is ${shown}; expected a non-empty array of positive integers`);
  }
  const sizes = checkSizes(freeDimensions, 'option "warmup.freeDimensions"');
  return { batchSizes: [...batchSizes], ...(sizes ? { freeDimensions: sizes } : {}) };
}

function checkExternalData(value: unknown, model: string | Uint8Array, transferList: ArrayBuffer[]): ExternalDataRequest[] | undefined {
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
      return { path: entry, data: new URL(entry, model).href };
    }
    checkKeys(checkObject(entry, name), ['path', 'data', 'integrity'], name);
    const { path, data, integrity } = entry as ExternalDataFile;
    if (typeof path !== 'string' || path === '') throw badOption(`${name}.path is ${describe(path)}; expected the file name the model references`);
    const file = modelForWorker(data);
    transferList.push(...file.transfer);
    const checked = checkIntegrity(integrity, `${name}.integrity`);
    return { path, data: file.model, ...(checked ? { integrity: checked } : {}) };
  });
}

/** The onnxruntime-web session options, checked. */
function ortOptions(options: SessionOptions): OrtSessionOptions | undefined {
  const out: { -readonly [K in keyof OrtSessionOptions]: OrtSessionOptions[K] } = {};
  const overrides = checkSizes(options.freeDimensionOverrides, 'option "freeDimensionOverrides"');
  if (overrides) out.freeDimensionOverrides = overrides;
  const level = checkOneOf(options.graphOptimizationLevel, ['disabled', 'basic', 'extended', 'layout', 'all'], 'option "graphOptimizationLevel"');
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
  const severity = options.logSeverityLevel;
  if (severity !== undefined) {
    if (![0, 1, 2, 3, 4].includes(severity)) throw badOption(`option "logSeverityLevel" is ${describe(severity)}; expected 0 | 1 | 2 | 3 | 4`);
    out.logSeverityLevel = severity;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/** Calls the user's callback; an exception in it is reported, not allowed to break loading. */
function progressSink(onProgress: (progress: LoadProgress) => void): (progress: LoadProgress) => void {
  return (progress) => {
    try {
      onProgress(progress);
    } catch (error) {
      setTimeout(() => {
        throw error;
      });
    }
  };
}

function defaultWorker(): Worker {
  if (typeof Worker === 'undefined') {
    throw new TensorlaneError(
      'BACKEND_UNAVAILABLE',
      'Worker is not defined: tensorlane runs models in a Web Worker, so it needs a browser (or pass options.worker)',
    );
  }
  return new Worker(new URL('../worker/entry.js', import.meta.url), { type: 'module', name: 'tensorlane' });
}

/** Copies each tensor's viewed bytes into a buffer of its own, so the caller's buffers are left alone. */
function copied(feeds: Record<string, Tensor>): Record<string, Tensor> {
  const out: Record<string, Tensor> = {};
  for (const [name, t] of Object.entries(feeds)) out[name] = { ...t, data: t.data.slice() as Tensor['data'] };
  return out;
}

class SessionImpl implements Session {
  readonly backend: Backend;
  readonly fallback: readonly FallbackAttempt[];
  readonly adapter: AdapterInfo | undefined;
  readonly inputs: readonly TensorInfo[];
  readonly outputs: readonly TensorInfo[];
  readonly batching: BatchingInfo;
  readonly warmup: WarmupInfo | undefined;
  readonly warnings: readonly string[];
  readonly #connection: Connection;
  #nextId = 1;

  constructor(connection: Connection, reply: LoadReply) {
    this.#connection = connection;
    this.backend = reply.backend;
    this.fallback = reply.fallback;
    this.adapter = reply.adapter;
    this.inputs = reply.inputs;
    this.outputs = reply.outputs;
    this.batching = reply.batching;
    this.warmup = reply.warmup;
    this.warnings = reply.warnings;
  }

  #checkOpen(): void {
    if (this.#connection.closed) throw this.#connection.closed;
  }

  async predict(feeds: Feeds, options: PredictOptions = {}): Promise<Outputs> {
    checkKeys(checkObject(options, 'predict()'), PREDICT_OPTIONS, 'predict()');
    const signal = checkSignal(options.signal, 'predict() option "signal"');
    const copy = checkBoolean(options.copy, 'predict() option "copy"');
    this.#checkOpen();
    if (signal?.aborted) throw abortError(signal, 'predict');
    const checked = readFeeds(feeds, this.inputs);
    const wire = copy ? copied(checked) : checked;
    const id = this.#nextId++;
    return this.#connection.call((api) => api.predict(id, transfer(wire, buffersOf([wire]))), {
      signal,
      what: 'predict',
      onAbort: () => void this.#connection.api.cancel(id),
    });
  }

  async predictBatch(items: readonly Feeds[], options: PredictBatchOptions = {}): Promise<Outputs[]> {
    checkKeys(checkObject(options, 'predictBatch()'), BATCH_OPTIONS, 'predictBatch()');
    const signal = checkSignal(options.signal, 'predictBatch() option "signal"');
    const copy = checkBoolean(options.copy, 'predictBatch() option "copy"');
    const batchSize = options.batchSize ?? 64;
    if (!Number.isSafeInteger(batchSize) || batchSize < 1) {
      throw badOption(`predictBatch() option "batchSize" is ${describe(batchSize)}; expected a positive integer`);
    }
    this.#checkOpen();
    if (signal?.aborted) throw abortError(signal, 'predictBatch');
    if (!Array.isArray(items)) {
      throw new TensorlaneError('INVALID_INPUT', `predictBatch() items is ${describe(items)}; expected an array of feeds`);
    }
    if (items.length === 0) return [];
    const checked = items.map((item: unknown, i) => readFeeds(item, this.inputs, `item ${i}: `));
    if (this.batching.stacked) rowsOf(checked); // reject mismatched items before any buffer leaves the page
    const wire = copy ? checked.map(copied) : checked;
    const id = this.#nextId++;
    return this.#connection.call((api) => api.predictBatch(id, transfer(wire, buffersOf(wire)), batchSize), {
      signal,
      what: 'predictBatch',
      onAbort: () => void this.#connection.api.cancel(id),
    });
  }

  dispose(): Promise<void> {
    return this.#connection.close(new TensorlaneError('DISPOSED', 'the session was disposed'), { release: true });
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.dispose();
  }
}

/**
 * Loads an ONNX model in a dedicated worker and returns a session to run it.
 * @param options - the model and where to run it; see {@link SessionOptions}.
 * @throws TensorlaneError `INVALID_OPTIONS`, `MODEL_FETCH_FAILED`, `INTEGRITY_MISMATCH`, `MODEL_INVALID`,
 * `BACKEND_UNAVAILABLE`, `RUN_FAILED` (a warm-up run), `ABORTED`, `WORKER_CRASHED`.
 * @example
 * ```ts
 * import { createSession } from 'tensorlane';
 *
 * const session = await createSession({
 *   model: '/models/mlp.onnx',
 *   onProgress: ({ phase, loaded, total }) => console.log(phase, loaded, total),
 *   warmup: { batchSizes: [1, 8] },
 * });
 * console.log(session.backend, session.fallback); // 'webgpu' [] or 'wasm' [{ backend: 'webgpu', reason: '…' }]
 * const x = new Float32Array(2 * 256);
 * const { y } = await session.predict({ x: { type: 'float32', data: x, dims: [2, 256] } });
 * // x.buffer is now detached: it moved to the worker. y.data is a Float32Array of 2 * 10.
 * await session.dispose();
 * ```
 */
export async function createSession(options: SessionOptions): Promise<Session> {
  checkKeys(checkObject(options, 'createSession()'), SESSION_OPTIONS, 'createSession()');
  if (options.model === undefined) throw badOption('createSession() needs a model: a URL, an ArrayBuffer or a Uint8Array');
  const backend = checkOneOf(options.backend, ['auto', 'webgpu', 'wasm'], 'option "backend"') ?? 'auto';
  const batching = checkOneOf(options.batching, ['auto', 'stack', 'off'], 'option "batching"') ?? 'auto';
  const allowSoftwareAdapter = checkBoolean(options.allowSoftwareAdapter, 'option "allowSoftwareAdapter"');
  const signal = checkSignal(options.signal, 'option "signal"');
  const { wasmPaths, worker } = options;
  if (wasmPaths !== undefined && typeof wasmPaths !== 'string' && (typeof wasmPaths !== 'object' || wasmPaths === null)) {
    throw badOption(`option "wasmPaths" is ${describe(wasmPaths)}; expected a URL prefix string or an object of file URLs`);
  }
  if (worker !== undefined && typeof worker !== 'function') {
    throw badOption(`option "worker" is ${describe(worker)}; expected a function that returns a Worker`);
  }
  const { onProgress } = options;
  if (onProgress !== undefined && typeof onProgress !== 'function') {
    throw badOption(`option "onProgress" is ${describe(onProgress)}; expected a function`);
  }
  const integrity = checkIntegrity(options.integrity, 'option "integrity"');
  const cache = options.cache === undefined ? true : checkBoolean(options.cache, 'option "cache"');
  const warmup = checkWarmup(options.warmup);
  const sessionOptions = ortOptions(options);
  if (signal?.aborted) throw abortError(signal, 'createSession');
  const { model, transfer: transferList } = modelForWorker(options.model);
  const externalData = checkExternalData(options.externalData, model, transferList);
  const request: LoadRequest = {
    model, backend, allowSoftwareAdapter, batching, cache, ...(wasmPaths ? { wasmPaths } : {}), ...(integrity ? { integrity } : {}),
    ...(externalData ? { externalData } : {}), ...(warmup ? { warmup } : {}), ...(sessionOptions ? { sessionOptions } : {}),
  };
  const sink = onProgress === undefined ? undefined : proxy(progressSink(onProgress));

  const connection = connect((worker ?? defaultWorker)() as WorkerLike);
  try {
    const reply = await connection.call((api) => api.load(transfer(request, transferList), sink), { signal, what: 'createSession' });
    return new SessionImpl(connection, reply);
  } catch (error) {
    void connection.close(error as TensorlaneError);
    throw error;
  }
}
