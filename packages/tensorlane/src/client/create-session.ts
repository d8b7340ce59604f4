/// <reference lib="esnext.disposable" preserve="true" />
import { transfer } from 'comlink';
import { TensorlaneError } from '../errors.js';
import type {
  AdapterInfo, Backend, BatchingInfo, BatchingMode, FallbackAttempt, Feeds, LoadReply, LoadRequest, Tensor, TensorInfo,
} from '../protocol.js';
import { describe, typedArrayName } from '../tensor/dtypes.js';
import { rowsOf } from '../tensor/stack.js';
import { buffersOf, readFeeds } from '../tensor/validate.js';
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
  /** Aborts the call: it rejects with `ABORTED` at once, and never runs if it had not started. */
  signal?: AbortSignal;
  /**
   * Copy the inputs instead of transferring their buffers, so that the caller's arrays stay usable. Copies only the
   * bytes of each view.
   * @defaultValue `false`
   */
  copy?: boolean;
}

/**
 * Options of {@link Session.predictBatch}.
 * @example
 * ```ts
 * import type { PredictBatchOptions } from 'tensorlane';
 *
 * const options: PredictBatchOptions = { batchSize: 32 };
 * const results = await session.predictBatch(items, options); // one Outputs per item, in order
 * ```
 */
export interface PredictBatchOptions extends PredictOptions {
  /**
   * Rows per run when items are stacked. An item with more rows runs alone.
   * @defaultValue `64`
   */
  batchSize?: number;
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
  /** Whether `predictBatch` stacks items into one run per chunk, and why. */
  readonly batching: BatchingInfo;
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
  /** The same as {@link Session.dispose}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void>;
}

const SESSION_OPTIONS = ['model', 'backend', 'allowSoftwareAdapter', 'batching', 'signal', 'wasmPaths', 'worker'];
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

class SessionImpl implements Session {
  readonly backend: Backend;
  readonly fallback: readonly FallbackAttempt[];
  readonly adapter: AdapterInfo | undefined;
  readonly inputs: readonly TensorInfo[];
  readonly outputs: readonly TensorInfo[];
  readonly batching: BatchingInfo;
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
 * @throws TensorlaneError `INVALID_OPTIONS`, `MODEL_LOAD_FAILED`, `MODEL_INVALID`, `BACKEND_UNAVAILABLE`,
 * `ABORTED`, `WORKER_CRASHED`.
 * @example
 * ```ts
 * import { createSession } from 'tensorlane';
 *
 * const session = await createSession({ model: '/models/mlp.onnx' });
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
  if (signal?.aborted) throw abortError(signal, 'createSession');
  if (worker === undefined) checkBrowser();
  const { model, transfer: transferList } = modelForWorker(options.model);
  const request: LoadRequest = { model, backend, allowSoftwareAdapter, batching, ...(wasmPaths ? { wasmPaths } : {}) };

  const connection = connect((worker ?? defaultWorker)() as WorkerLike);
  try {
    const reply = await connection.call((api) => api.load(transfer(request, transferList)), { signal, what: 'createSession' });
    return new SessionImpl(connection, reply);
  } catch (error) {
    void connection.close(error as TensorlaneError);
    throw error;
  }
}
