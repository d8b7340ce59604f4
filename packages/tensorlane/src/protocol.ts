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

/** How `predictBatch` runs its items: stacked along dim 0 into one run per chunk, or one run per item. */
export interface BatchingInfo {
  readonly stacked: boolean;
  readonly reason: string;
}

/** How to decide stacking: from the model's dims (`'auto'`), always, or never. */
export type BatchingMode = 'auto' | 'stack' | 'off';

/**
 * Where loading is: `download` (bytes from the network), `cache` (bytes read from the model cache), `compile`
 * (onnxruntime-web builds the session) or `warmup` (the warm-up runs).
 */
export type LoadPhase = 'download' | 'cache' | 'compile' | 'warmup';

/**
 * A loading progress event. For `download` and `cache`, `loaded` and `total` count bytes over all files (the model
 * and its external data); `total` is absent when a server sends no Content-Length. For `compile` they count steps
 * (0 of 1, then 1 of 1); for `warmup`, batch sizes run out of those listed.
 */
export interface LoadProgress {
  readonly phase: LoadPhase;
  readonly loaded: number;
  readonly total?: number;
}

/** A file of external weights, as the worker takes it: `path` as the model names it, `data` a URL or the bytes. */
export interface ExternalDataRequest {
  readonly path: string;
  readonly data: string | Uint8Array;
  readonly integrity?: string;
}

/** Where onnxruntime-web leaves outputs: `'gpu-buffer'` keeps them on the GPU until the worker reads them back. */
export type OutputLocation = 'cpu' | 'gpu-buffer';

/** The onnxruntime-web session options tensorlane passes through (see `SessionOptions`). */
export interface OrtSessionOptions {
  readonly freeDimensionOverrides?: Readonly<Record<string, number>>;
  readonly graphOptimizationLevel?: 'disabled' | 'basic' | 'extended' | 'layout' | 'all';
  readonly enableGraphCapture?: boolean;
  readonly preferredOutputLocation?: OutputLocation | Readonly<Record<string, OutputLocation>>;
  readonly logSeverityLevel?: 0 | 1 | 2 | 3 | 4;
}

/** What the warm-up runs: one run per batch size, on zeros; `freeDimensions` sizes the other symbolic dims. */
export interface WarmupRequest {
  readonly batchSizes: readonly number[];
  readonly freeDimensions?: Readonly<Record<string, number>>;
}

/** What the page asks the worker to load. */
export interface LoadRequest {
  /** An absolute URL (already resolved against the page), or the model bytes (transferred). */
  readonly model: string | Uint8Array;
  readonly backend: Backend | 'auto';
  readonly allowSoftwareAdapter: boolean;
  readonly batching: BatchingMode;
  readonly wasmPaths?: string | Readonly<Record<string, string>>;
  /** SRI digest (`sha256-<base64>`) the model bytes must have. */
  readonly integrity?: string;
  /** Read URLs from, and store them in, the model cache. */
  readonly cache: boolean;
  readonly externalData?: readonly ExternalDataRequest[];
  readonly warmup?: WarmupRequest;
  readonly sessionOptions?: OrtSessionOptions;
}

/** What the warm-up did: the batch sizes it ran, in order, and how long all runs took together. */
export interface WarmupInfo {
  readonly batchSizes: readonly number[];
  readonly ms: number;
}

/** What the worker loaded. */
export interface LoadReply {
  readonly backend: Backend;
  readonly fallback: readonly FallbackAttempt[];
  readonly adapter?: AdapterInfo;
  readonly inputs: readonly TensorInfo[];
  readonly outputs: readonly TensorInfo[];
  readonly batching: BatchingInfo;
  /** Present when a warm-up ran. */
  readonly warmup?: WarmupInfo;
  /** What went less well than asked without failing the load, e.g. a model that could not be cached. */
  readonly warnings: readonly string[];
}

/**
 * Receives progress during `load`. Passed through comlink as a proxy: in the worker each call returns a promise
 * that settles once the page has handled the event, which lets the worker deliver every event before it replies.
 */
export type ProgressSink = (progress: LoadProgress) => void | Promise<void>;

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

/** The API the worker exposes. Requests carry an id so that the page can cancel them. */
export interface HostApi {
  load(request: LoadRequest, onProgress?: ProgressSink): Promise<Result<LoadReply>>;
  predict(id: number, feeds: Feeds): Promise<Result<Feeds>>;
  predictBatch(id: number, items: readonly Feeds[], batchSize: number): Promise<Result<Feeds[]>>;
  /** Drops request `id` if it has not run yet; a running one finishes and its result is discarded. */
  cancel(id: number): void;
  /** Releases the session. */
  dispose(): Promise<void>;
}
