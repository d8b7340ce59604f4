/// <reference lib="esnext.disposable" preserve="true" />
import { proxy, transfer } from 'comlink';
import { TensorlaneError, isTensorlaneError, messageOf, type ErrorCode } from '../errors.js';
import { isIntegrity } from '../integrity.js';
import type {
  AdapterInfo, Backend, BatchingInfo, BatchingMode, ExternalDataRequest, FallbackAttempt, Feeds, LoadProgress, LoadReply,
  LoadRequest, OrtSessionOptions, OutputLocation, SchedulerStats, Tensor, TensorInfo, WarmupInfo, WarmupRequest,
} from '../protocol.js';
import { describe, typedArrayName } from '../tensor/dtypes.js';
import { rowsOf } from '../tensor/stack.js';
import { readFeeds } from '../tensor/validate.js';
import { abortError, connect, type Connection, type WorkerLike } from './connection.js';

/**
 * Options of {@link createSession}.
 * @example
 * ```ts
 * import { createSession, type SessionOptions } from 'tensorlane';
 *
 * const options: SessionOptions = { model: '/models/net.onnx', backend: 'auto', signal: AbortSignal.timeout(30_000) };
 * const session = await createSession(options);
 * ```
 */
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
   * Whether queued requests are stacked along dim 0 into one run: `'auto'` stacks when every input and output of
   * the model has the same symbolic first dim; `'stack'` always stacks; `'off'` never does (every request still
   * goes through the queue, one per run). `session.batching` says what was decided, and why.
   * @defaultValue `'auto'`
   */
  batching?: BatchingMode;
  /**
   * Rows (dim 0) per run at most, when requests are stacked. A request with more rows runs alone. As Triton's
   * `max_batch_size` or Ray Serve's `max_batch_size`.
   * @defaultValue `64`
   */
  maxBatchSize?: number;
  /**
   * How long the oldest queued request may wait for a fuller batch, in ms. At 0 a run starts as soon as the session
   * is free, with whatever has queued meanwhile: no added latency at low load, full batches at high load. As
   * Triton's `max_queue_delay_microseconds` or Ray Serve's `batch_wait_timeout_s`.
   * @defaultValue `0`
   */
  maxQueueDelayMs?: number;
  /**
   * Rows submitted and not yet answered (queued or running) at most. A `predict` that would go past it rejects at
   * once with `QUEUE_FULL`, before its inputs are transferred, so the caller still has them to retry.
   * @defaultValue `Infinity`
   */
  maxQueueSize?: number;
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
   * dims take their size from `freeDimensions`, then from `freeDimensionOverrides`. `session.stats()` reports it (`warmup`).
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

/**
 * An external data file of {@link SessionOptions.externalData}.
 * @example
 * ```ts
 * import { createSession, type ExternalDataFile } from 'tensorlane';
 *
 * const weights: ExternalDataFile = { path: 'model.onnx.data', data: '/models/model.onnx.data' };
 * const session = await createSession({ model: '/models/model.onnx', externalData: [weights] });
 * ```
 */
export interface ExternalDataFile {
  /** The file name as the model references it, e.g. `'model.onnx.data'`. */
  path: string;
  /** A URL (relative to the page) or the bytes (transferred). */
  data: string | URL | ArrayBuffer | Uint8Array;
  /** The SRI digest its bytes must have, as {@link SessionOptions.integrity}. */
  integrity?: string;
}

/**
 * Options of {@link SessionOptions.warmup}.
 * @example
 * ```ts
 * import { createSession, type WarmupOptions } from 'tensorlane';
 *
 * const warmup: WarmupOptions = { batchSizes: [1, 8], freeDimensions: { sequence: 128 } };
 * const session = await createSession({ model: '/models/encoder.onnx', warmup });
 * ```
 */
export interface WarmupOptions {
  /**
   * One warm-up run per batch size, in order.
   * @defaultValue `[1]`
   */
  batchSizes?: readonly number[];
  /** Sizes of symbolic dims other than the batch, for the warm-up inputs only, e.g. `{ sequence: 128 }`. */
  freeDimensions?: Readonly<Record<string, number>>;
}

/**
 * Options of {@link Session.predict}.
 * @example
 * ```ts
 * import type { PredictOptions } from 'tensorlane';
 *
 * const options: PredictOptions = { copy: true, signal: AbortSignal.timeout(1000) }; // keep my arrays; give up after 1 s
 * const outputs = await session.predict(feeds, options);
 * ```
 */
export interface PredictOptions {
  /**
   * Aborts the call: it rejects with `ABORTED` at once, with the signal's reason as `cause`. If it is still queued
   * it never runs; if it is running, its outputs are dropped. Other requests are not affected.
   */
  signal?: AbortSignal;
  /** Rejects with `TIMEOUT` after this many ms (queue wait included), as an abort does. */
  timeoutMs?: number;
  /**
   * Copy the inputs instead of transferring their buffers, so that the caller's arrays stay usable. Copies only the
   * bytes of each view.
   * @defaultValue `false`
   */
  copy?: boolean;
}

/**
 * Options of {@link Session.predictBatch}: those of `predict`, for the whole call.
 * @example
 * ```ts
 * import type { PredictBatchOptions } from 'tensorlane';
 *
 * const options: PredictBatchOptions = { timeoutMs: 5000 };
 * const results = await session.predictBatch(items, options); // one Outputs per item, in order
 * ```
 */
export type PredictBatchOptions = PredictOptions;

/**
 * Calls or rows, by how they ended so far. `submitted` = `resolved` + `rejected` + `pending`.
 * @example
 * ```ts
 * import type { Counts } from 'tensorlane';
 *
 * const { requests }: { requests: Counts } = await session.stats();
 * console.log(`${requests.pending} of ${requests.submitted} calls still pending`);
 * ```
 */
export interface Counts {
  /** All so far. */
  readonly submitted: number;
  /** Settled with outputs. */
  readonly resolved: number;
  /** Settled with an error (see {@link SessionStats.rejections} for the codes). */
  readonly rejected: number;
  /** Not settled yet: queued or running. */
  readonly pending: number;
}

/**
 * What a session has done since it was created. See {@link Session.stats}.
 * @example
 * ```ts
 * import type { SessionStats } from 'tensorlane';
 *
 * const stats: SessionStats = await session.stats();
 * console.log(`${stats.meanRowsPerRun.toFixed(1)} rows per run, p95 queue wait ${stats.queueWaitMs.p95} ms`);
 * ```
 */
export interface SessionStats extends SchedulerStats {
  /** `predict` and `predictBatch` calls (a `predictBatch` counts once). */
  readonly requests: Counts;
  /** Rows (dim 0) of those calls' items. */
  readonly rows: Counts;
  /** `rowsRun / runs`: how full the runs were. */
  readonly meanRowsPerRun: number;
  /** Rejected calls, by error code. */
  readonly rejections: Readonly<Partial<Record<ErrorCode, number>>>;
  /** The warm-up run at load (see {@link SessionOptions.warmup}): batch sizes and total ms; not counted in `runs`. */
  readonly warmup: WarmupInfo | undefined;
}

/**
 * The outputs of one prediction, by output name. Their buffers belong to the caller.
 * @example
 * ```ts
 * import type { Outputs } from 'tensorlane';
 *
 * const outputs: Outputs = await session.predict(feeds);
 * const logits = outputs['y']; // { type: 'float32', data: Float32Array, dims: [1, 10] }
 * ```
 */
export type Outputs = Record<string, Tensor>;

/**
 * A model loaded in its own worker. Create with {@link createSession}.
 * @example
 * ```ts
 * import { createSession } from 'tensorlane';
 *
 * await using session = await createSession({ model: '/models/net.onnx' }); // disposed at the end of the scope
 * console.log(session.backend, session.inputs);
 * const { y } = await session.predict({ x: { type: 'float32', data: new Float32Array(256), dims: [1, 256] } });
 * ```
 */
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
  /** Whether the worker stacks concurrent requests into one run, and why. */
  readonly batching: BatchingInfo;
  /** What went less well than asked without failing the load, e.g. `model "…" was not cached: …`. */
  readonly warnings: readonly string[];
  /**
   * Runs the model on `feeds`. The call is queued in the worker and may share a run with other concurrent calls of
   * the same shape beyond dim 0 (dynamic batching); it gets exactly its own rows back. The inputs' buffers are
   * transferred to the worker (detached here) unless `copy: true`; the outputs are views over the run's output
   * buffers, transferred back.
   * @param feeds - one tensor per model input; dim 0 is the request's row count.
   * @throws TensorlaneError `INVALID_INPUT`, `QUEUE_FULL`, `RUN_FAILED`, `ABORTED`, `TIMEOUT`, `DISPOSED`, `WORKER_CRASHED`.
   */
  predict(feeds: Feeds, options?: PredictOptions): Promise<Outputs>;
  /**
   * Runs the model on many items in one call: each item is queued as a `predict` would be, so items that match
   * beyond dim 0 are stacked into runs of up to `maxBatchSize` rows. Results come back in order, as views over one
   * buffer per output per run. Rejects as a whole if any item is invalid or fails.
   * @param items - feeds, one per item; dim 0 is the item's row count, usually 1.
   * @throws TensorlaneError `INVALID_INPUT`, `INVALID_OPTIONS`, `QUEUE_FULL`, `RUN_FAILED`, `ABORTED`, `TIMEOUT`, `DISPOSED`, `WORKER_CRASHED`.
   */
  predictBatch(items: readonly Feeds[], options?: PredictBatchOptions): Promise<Outputs[]>;
  /**
   * Counters and distributions since the session was created: calls and rows by outcome, runs and rows per run,
   * queue wait and run time (p50/p95/max), rejections by code. Recording them costs O(1) per request.
   * @throws TensorlaneError `DISPOSED`, `WORKER_CRASHED`.
   */
  stats(): Promise<SessionStats>;
  /** Releases the session and terminates the worker; calls in flight reject with `DISPOSED`. Idempotent. */
  dispose(): Promise<void>;
  /** The same as {@link Session.dispose}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void>;
}

const SESSION_OPTIONS = [
  'model', 'backend', 'allowSoftwareAdapter', 'batching', 'maxBatchSize', 'maxQueueDelayMs', 'maxQueueSize', 'signal',
  'wasmPaths', 'worker', 'onProgress', 'integrity', 'cache', 'externalData', 'warmup',
  'freeDimensionOverrides', 'graphOptimizationLevel', 'enableGraphCapture', 'preferredOutputLocation', 'logSeverityLevel',
];
const PREDICT_OPTIONS = ['signal', 'timeoutMs', 'copy'];

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

/** A number within `[min, Infinity]`, integral if `integer`; `fallback` when undefined. */
function checkNumber(value: unknown, name: string, fallback: number, { min = 0, integer = false } = {}): number {
  if (value === undefined) return fallback;
  const ok = typeof value === 'number' && value >= min && (integer ? Number.isSafeInteger(value) || value === Infinity : !Number.isNaN(value));
  if (ok) return value;
  throw badOption(`${name} is ${describe(value)}; expected ${integer ? 'an integer' : 'a number'} >= ${min}`);
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

/** In Node or during SSR there is no `Worker`: say so before anything else fails for the same reason. */
function checkBrowser(): void {
  if (typeof Worker === 'undefined') {
    throw new TensorlaneError(
      'BACKEND_UNAVAILABLE',
      'Worker is not defined: tensorlane runs models in a Web Worker, so it needs a browser (or pass options.worker)',
    );
  }
}

function defaultWorker(): Worker {
  return new Worker(new URL('../worker/entry.js', import.meta.url), { type: 'module', name: 'tensorlane' });
}

/** Copies each tensor's viewed bytes into a buffer of its own, so the caller's buffers are left alone. */
function copied(feeds: Record<string, Tensor>): Record<string, Tensor> {
  const out: Record<string, Tensor> = {};
  for (const [name, t] of Object.entries(feeds)) out[name] = { ...t, data: t.data.slice() as Tensor['data'] };
  return out;
}

type Movable = ArrayBuffer & { transfer?(): ArrayBuffer };

/**
 * Moves each tensor's buffer into a new `ArrayBuffer` with `ArrayBuffer.prototype.transfer` (no copy), detaching the
 * caller's now, as sending would. A buffer that cannot be transferred (a view of WebAssembly memory, a mapped GPU
 * buffer) fails here, this call alone: in postMessage it would fail every call sent in the same message, and
 * Chromium detaches the buffers listed before it. Without `transfer` (Node 20) the feeds are sent as they are.
 * @throws TensorlaneError `INVALID_INPUT` naming the input.
 */
function moved(items: readonly Feeds[]): Feeds[] {
  // Where each view sits, read before any buffer is detached (a detached view reads as empty).
  const views = items.map((feeds) =>
    Object.entries(feeds).map(([name, t]) => ({ name, t, buffer: t.data.buffer, byteOffset: t.data.byteOffset, length: t.data.length })),
  );
  const done = new Map<ArrayBufferLike, ArrayBuffer>();
  return views.map((tensors, i) => {
    const out: Record<string, Tensor> = {};
    for (const { name, t, buffer, byteOffset, length } of tensors) {
      const shared = typeof SharedArrayBuffer !== 'undefined' && buffer instanceof SharedArrayBuffer;
      if (shared || typeof (buffer as Movable).transfer !== 'function') {
        out[name] = t;
        continue;
      }
      let target = done.get(buffer);
      if (target === undefined) {
        try {
          target = (buffer as Movable).transfer!();
        } catch (error) {
          throw new TensorlaneError(
            'INVALID_INPUT',
            `${items.length > 1 ? `item ${i}: ` : ''}input "${name}" data cannot be transferred to the worker (${messageOf(error)}), as with a view of WebAssembly memory; pass { copy: true } to send a copy`,
            { cause: error },
          );
        }
        done.set(buffer, target);
      }
      const View = t.data.constructor as new (buffer: ArrayBuffer, byteOffset: number, length: number) => Tensor['data'];
      out[name] = { ...t, data: new View(target, byteOffset, length) };
    }
    return out;
  });
}

/** Page-side counters: every call's outcome is known here, including those rejected before reaching the worker. */
function createCounters() {
  const counts = () => ({ submitted: 0, resolved: 0, rejected: 0 });
  const requests = counts();
  const rows = counts();
  const rejections: Partial<Record<ErrorCode, number>> = {};
  return {
    submitted(n: number): void {
      requests.submitted++;
      rows.submitted += n;
    },
    resolved(n: number): void {
      requests.resolved++;
      rows.resolved += n;
    },
    rejected(n: number, error: unknown): void {
      requests.rejected++;
      rows.rejected += n;
      const code: ErrorCode = isTensorlaneError(error) ? error.code : 'WORKER_CRASHED';
      rejections[code] = (rejections[code] ?? 0) + 1;
    },
    /** Rows submitted and not yet answered. */
    get pendingRows(): number {
      return rows.submitted - rows.resolved - rows.rejected;
    },
    snapshot() {
      const pending = (c: ReturnType<typeof counts>): Counts => ({ ...c, pending: c.submitted - c.resolved - c.rejected });
      return { requests: pending(requests), rows: pending(rows), rejections: { ...rejections } };
    },
  };
}

class SessionImpl implements Session {
  readonly backend: Backend;
  readonly fallback: readonly FallbackAttempt[];
  readonly adapter: AdapterInfo | undefined;
  readonly inputs: readonly TensorInfo[];
  readonly outputs: readonly TensorInfo[];
  readonly batching: BatchingInfo;
  readonly warnings: readonly string[];
  readonly #warmup: WarmupInfo | undefined;
  readonly #connection: Connection;
  readonly #maxQueueSize: number;
  readonly #counters = createCounters();

  constructor(connection: Connection, reply: LoadReply, maxQueueSize: number) {
    this.#connection = connection;
    this.#maxQueueSize = maxQueueSize;
    this.backend = reply.backend;
    this.fallback = reply.fallback;
    this.adapter = reply.adapter;
    this.inputs = reply.inputs;
    this.outputs = reply.outputs;
    this.batching = reply.batching;
    this.#warmup = reply.warmup;
    this.warnings = reply.warnings;
  }

  async predict(feeds: Feeds, options: PredictOptions = {}): Promise<Outputs> {
    const [outputs] = await this.#submit('predict', () => [readFeeds(feeds, this.inputs)], options);
    return outputs!;
  }

  async predictBatch(items: readonly Feeds[], options: PredictBatchOptions = {}): Promise<Outputs[]> {
    return this.#submit('predictBatch', () => {
      if (!Array.isArray(items)) {
        throw new TensorlaneError('INVALID_INPUT', `predictBatch() items is ${describe(items)}; expected an array of feeds`);
      }
      return items.map((item: unknown, i) => readFeeds(item, this.inputs, `item ${i}: `));
    }, options);
  }

  /** Checks options and inputs, applies backpressure, then queues the items in the worker as one call. */
  async #submit(what: string, read: () => Feeds[], options: PredictOptions): Promise<Outputs[]> {
    checkKeys(checkObject(options, `${what}()`), PREDICT_OPTIONS, `${what}()`);
    const signal = checkSignal(options.signal, `${what}() option "signal"`);
    const timeoutMs = checkNumber(options.timeoutMs, `${what}() option "timeoutMs"`, Infinity);
    const copy = checkBoolean(options.copy, `${what}() option "copy"`);
    if (this.#connection.closed) throw this.#connection.closed;
    if (signal?.aborted) throw abortError(signal, what);
    const checked = read();
    if (checked.length === 0) return [];
    const rows = checked.reduce((n, item) => n + rowsOf(item), 0);
    const counters = this.#counters;
    counters.submitted(rows);
    try {
      if (rows > this.#maxQueueSize) {
        throw new TensorlaneError('INVALID_INPUT', `${what}() has ${rows} rows, more than maxQueueSize (${this.#maxQueueSize}) allows at once`);
      }
      if (counters.pendingRows > this.#maxQueueSize) {
        const waiting = counters.pendingRows - rows;
        throw new TensorlaneError(
          'QUEUE_FULL',
          `${what}() of ${rows} rows would take the queue past maxQueueSize (${this.#maxQueueSize} rows; ${waiting} are waiting); retry when some calls have settled`,
        );
      }
      const sent = copy ? checked.map(copied) : moved(checked);
      const outputs = await this.#connection.request(sent, {
        signal,
        timeoutMs: timeoutMs === Infinity ? undefined : timeoutMs,
        what,
      });
      counters.resolved(rows);
      return outputs;
    } catch (error) {
      counters.rejected(rows, error);
      throw error;
    }
  }

  async stats(): Promise<SessionStats> {
    const scheduler = await this.#connection.call((api) => api.stats(), { what: 'stats' });
    const meanRowsPerRun = scheduler.runs === 0 ? 0 : scheduler.rowsRun / scheduler.runs;
    return { ...this.#counters.snapshot(), ...scheduler, meanRowsPerRun, warmup: this.#warmup };
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
  const maxBatchSize = checkNumber(options.maxBatchSize, 'option "maxBatchSize"', 64, { min: 1, integer: true });
  const maxQueueDelayMs = checkNumber(options.maxQueueDelayMs, 'option "maxQueueDelayMs"', 0);
  const maxQueueSize = checkNumber(options.maxQueueSize, 'option "maxQueueSize"', Infinity, { min: 1, integer: true });
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
  if (worker === undefined) checkBrowser();
  const { model, transfer: transferList } = modelForWorker(options.model);
  const externalData = checkExternalData(options.externalData, model, transferList);
  const request: LoadRequest = {
    model, backend, allowSoftwareAdapter, batching, maxBatchSize, maxQueueDelayMs, cache, ...(wasmPaths ? { wasmPaths } : {}),
    ...(integrity ? { integrity } : {}), ...(externalData ? { externalData } : {}), ...(warmup ? { warmup } : {}),
    ...(sessionOptions ? { sessionOptions } : {}),
  };
  const sink = onProgress === undefined ? undefined : proxy(progressSink(onProgress));

  const connection = connect((worker ?? defaultWorker)() as WorkerLike);
  try {
    const reply = await connection.call((api) => api.load(transfer(request, transferList), sink), { signal, what: 'createSession' });
    return new SessionImpl(connection, reply, maxQueueSize);
  } catch (error) {
    void connection.close(error as TensorlaneError);
    throw error;
  }
}
