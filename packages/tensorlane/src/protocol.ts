// The contract between the page and the worker: every type that crosses postMessage, and the API the worker
// exposes through comlink. client/ and worker/ both import this file and never import each other.
import type { ErrorCode } from './errors.js';

/** Tensor element types, named as in onnxruntime-web. String and 4-bit types are not supported. */
export type DType =
  | 'float32' | 'float64' | 'float16'
  | 'int8' | 'uint8' | 'int16' | 'uint16' | 'int32' | 'uint32' | 'int64' | 'uint64'
  | 'bool';

/** `Float16Array` where the TypeScript lib in use declares it, else nothing (so `float16` data is a `Uint16Array`). */
export type Float16ArrayOrNever = typeof globalThis extends { Float16Array: { prototype: infer P } } ? P : never;

/**
 * The typed array that holds each dtype, as in onnxruntime-web. `float16` takes a `Float16Array` where the
 * browser has one, or a `Uint16Array` of raw IEEE half bits; outputs come back in whichever onnxruntime-web chose.
 */
export interface DataTypeMap {
  float32: Float32Array;
  float64: Float64Array;
  float16: Uint16Array | Float16ArrayOrNever;
  int8: Int8Array;
  uint8: Uint8Array;
  int16: Int16Array;
  uint16: Uint16Array;
  int32: Int32Array;
  uint32: Uint32Array;
  int64: BigInt64Array;
  uint64: BigUint64Array;
  bool: Uint8Array;
}

/** Any typed array a tensor can hold. */
export type TensorData = DataTypeMap[DType];

/**
 * A tensor: element type, data, and dims (row-major). An onnxruntime-web `Tensor` qualifies.
 * @typeParam T - the element type; narrows `data` to its typed array.
 */
export interface Tensor<T extends DType = DType> {
  readonly type: T;
  readonly data: DataTypeMap[T];
  readonly dims: readonly number[];
}

/** Named tensors: the inputs of one prediction, or its outputs. */
export type Feeds = Readonly<Record<string, Tensor>>;

/** One dimension in model metadata: a fixed size, a symbolic name such as `'batch'`, or `'?'` if unnamed. */
export type Dim = number | string;

/** An input or output of the model as its metadata describes it. */
export interface TensorInfo {
  readonly name: string;
  readonly type: DType;
  /** Empty when the model does not declare a shape. */
  readonly dims: readonly Dim[];
}

/** The backends tensorlane can run on. */
export type Backend = 'webgpu' | 'wasm';

/** A backend that was tried and not used, and why. */
export interface FallbackAttempt {
  readonly backend: Backend;
  readonly reason: string;
}

/** What the WebGPU adapter in use reported about itself. */
export interface AdapterInfo {
  readonly vendor: string;
  readonly architecture: string;
  readonly device: string;
  readonly description: string;
  /** True for software adapters such as SwiftShader. */
  readonly isFallbackAdapter: boolean;
}

/**
 * Whether the scheduler stacks requests along dim 0 into one run, and why. When it does not, requests still share
 * the queue, but each runs alone.
 */
export interface BatchingInfo {
  readonly stacked: boolean;
  readonly reason: string;
}

/** How to decide stacking: from the model's dims (`'auto'`), always, or never. */
export type BatchingMode = 'auto' | 'stack' | 'off';

/** What the page asks the worker to load. */
export interface LoadRequest {
  /** An absolute URL (already resolved against the page), or the model bytes (transferred). */
  readonly model: string | Uint8Array;
  readonly backend: Backend | 'auto';
  readonly allowSoftwareAdapter: boolean;
  readonly batching: BatchingMode;
  /** Rows per run at most, when requests are stacked. */
  readonly maxBatchSize: number;
  /** How long the oldest queued request may wait for a fuller batch. */
  readonly maxQueueDelayMs: number;
  readonly wasmPaths?: string | Readonly<Record<string, string>>;
}

/** What the worker loaded. */
export interface LoadReply {
  readonly backend: Backend;
  readonly fallback: readonly FallbackAttempt[];
  readonly adapter?: AdapterInfo;
  readonly inputs: readonly TensorInfo[];
  readonly outputs: readonly TensorInfo[];
  readonly batching: BatchingInfo;
}

/** An error as it crosses the boundary: comlink would keep only name/message/stack of an Error. */
export interface WireError {
  readonly code: ErrorCode;
  readonly message: string;
  readonly details?: Readonly<Record<string, unknown>>;
  readonly cause?: { readonly name: string; readonly message: string };
}

/** Every host call settles with a Result, never a thrown error, so that `code` survives the boundary. */
export type Result<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: WireError };

/**
 * The one message outside comlink: the worker posts it once it listens, and the page sends nothing before it,
 * since a module worker that is still importing drops the messages that arrive meanwhile.
 */
export const READY = { tensorlane: 'ready' } as const;

export function isReady(data: unknown): boolean {
  return typeof data === 'object' && data !== null && (data as { tensorlane?: unknown }).tensorlane === READY.tensorlane;
}

/**
 * One call's work: the items of a `predict` (one) or a `predictBatch` (many). Each item is queued on its own and
 * may share a run with items of other calls; the call is answered once all its items are.
 */
export interface Submission {
  readonly id: number;
  readonly items: readonly Feeds[];
}

/** One item's outputs, from the run that computed it: views over that run's output buffers. */
export interface Part {
  readonly id: number;
  readonly index: number;
  readonly outputs: Feeds;
}

/**
 * The worker's answer after each run, outside comlink: one message per run carries every caller's outputs, so each
 * output buffer is transferred once, however many calls share it. `parts` come before the `done` that settles
 * their call; a call with an `error` rejects and its parts (if any came) are dropped. Calls the page cancelled get
 * nothing more.
 */
export interface Results {
  readonly tensorlane: 'results';
  readonly parts: readonly Part[];
  readonly done: ReadonlyArray<{ readonly id: number; readonly error?: WireError }>;
}

export function isResults(data: unknown): data is Results {
  return typeof data === 'object' && data !== null && (data as { tensorlane?: unknown }).tensorlane === 'results';
}

/** A distribution of durations, in milliseconds. Percentiles are accurate to about 3%; `max` is exact. */
export interface Distribution {
  readonly count: number;
  readonly mean: number;
  readonly p50: number;
  readonly p95: number;
  readonly max: number;
}

/** What the worker's scheduler has done since the session was created. */
export interface SchedulerStats {
  /** Calls to `session.run`, retries included. */
  readonly runs: number;
  /** Rows fed to those runs, retries included. */
  readonly rowsRun: number;
  /** From a request's arrival in the worker to the start of the run that took it, per item. */
  readonly queueWaitMs: Distribution;
  /** Time inside `session.run`, per run. */
  readonly runMs: Distribution;
}

/** The API the worker exposes. Requests carry an id so that the page can cancel them. */
export interface HostApi {
  load(request: LoadRequest): Promise<Result<LoadReply>>;
  /** Queues calls; each is answered by `Results` messages, never by this call's reply. */
  submit(submissions: readonly Submission[]): void;
  /** Drops the queued items of call `id`; those running finish, and their outputs are not sent. */
  cancel(id: number): void;
  stats(): Result<SchedulerStats>;
  /** Releases the session. */
  dispose(): Promise<void>;
}
