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

/** What the page asks the worker to load. */
export interface LoadRequest {
  /** An absolute URL (already resolved against the page), or the model bytes (transferred). */
  readonly model: string | Uint8Array;
  readonly backend: Backend | 'auto';
  readonly allowSoftwareAdapter: boolean;
  readonly batching: BatchingMode;
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

/** The API the worker exposes. Requests carry an id so that the page can cancel them. */
export interface HostApi {
  load(request: LoadRequest): Promise<Result<LoadReply>>;
  predict(id: number, feeds: Feeds): Promise<Result<Feeds>>;
  predictBatch(id: number, items: readonly Feeds[], batchSize: number): Promise<Result<Feeds[]>>;
  /** Drops request `id` if it has not run yet; a running one finishes and its result is discarded. */
  cancel(id: number): void;
  /** Releases the session. */
  dispose(): Promise<void>;
}
