// The contract between the page and the worker: every type that crosses postMessage, and the API the worker
// exposes through comlink. client/ and worker/ both import this file and never import each other.
import type { ErrorCode } from './errors.js';

/**
 * Tensor element types, named as in onnxruntime-web. String and 4-bit types are not supported.
 * @example
 * ```ts
 * import type { DType } from 'tensorlane';
 *
 * const type: DType = session.inputs[0].type; // e.g. 'float32'
 * ```
 */
export type DType =
  | 'float32' | 'float64' | 'float16'
  | 'int8' | 'uint8' | 'int16' | 'uint16' | 'int32' | 'uint32' | 'int64' | 'uint64'
  | 'bool';

/** `Float16Array` where the TypeScript lib in use declares it, else nothing (so `float16` data is a `Uint16Array`). */
export type Float16ArrayOrNever = typeof globalThis extends { Float16Array: { prototype: infer P } } ? P : never;

/**
 * The typed array that holds each dtype, as in onnxruntime-web. `float16` takes a `Float16Array` where the
 * browser has one, or a `Uint16Array` of raw IEEE half bits; outputs come back in whichever onnxruntime-web chose.
 * @example
 * ```ts
 * import type { DataTypeMap } from 'tensorlane';
 *
 * const ids: DataTypeMap['int64'] = BigInt64Array.of(101n, 2023n, 102n);
 * ```
 */
export interface DataTypeMap {
  /** 32-bit floats. */
  float32: Float32Array;
  /** 64-bit floats. */
  float64: Float64Array;
  /** 16-bit floats: a `Float16Array` where the browser has one, or a `Uint16Array` of raw IEEE half bits. */
  float16: Uint16Array | Float16ArrayOrNever;
  /** Signed 8-bit integers. */
  int8: Int8Array;
  /** Unsigned 8-bit integers. */
  uint8: Uint8Array;
  /** Signed 16-bit integers. */
  int16: Int16Array;
  /** Unsigned 16-bit integers. */
  uint16: Uint16Array;
  /** Signed 32-bit integers. */
  int32: Int32Array;
  /** Unsigned 32-bit integers. */
  uint32: Uint32Array;
  /** Signed 64-bit integers, as `bigint`s. */
  int64: BigInt64Array;
  /** Unsigned 64-bit integers, as `bigint`s. */
  uint64: BigUint64Array;
  /** Booleans, one byte each: 0 is false, anything else true. */
  bool: Uint8Array;
}

/**
 * Any typed array a tensor can hold.
 * @example
 * ```ts
 * import type { TensorData } from 'tensorlane';
 *
 * const sum = (data: TensorData) => Array.from(data, Number).reduce((a, b) => a + b, 0);
 * ```
 */
export type TensorData = DataTypeMap[DType];

/**
 * A tensor: element type, data, and dims (row-major). An onnxruntime-web `Tensor` qualifies.
 * @typeParam T - the element type; narrows `data` to its typed array.
 * @example
 * ```ts
 * import type { Tensor } from 'tensorlane';
 *
 * const x: Tensor<'float32'> = { type: 'float32', data: new Float32Array(2 * 256), dims: [2, 256] };
 * ```
 */
export interface Tensor<T extends DType = DType> {
  /** The element type. */
  readonly type: T;
  /** The elements, row-major, in the typed array of `type`; its length is the product of `dims`. */
  readonly data: DataTypeMap[T];
  /** The size of each dimension; `[]` for a scalar. */
  readonly dims: readonly number[];
}

/**
 * Named tensors: the inputs of one prediction, by input name.
 * @example
 * ```ts
 * import type { Feeds } from 'tensorlane';
 *
 * const feeds: Feeds = { x: { type: 'float32', data: new Float32Array(256), dims: [1, 256] } };
 * const { y } = await session.predict(feeds);
 * ```
 */
export type Feeds = Readonly<Record<string, Tensor>>;

/**
 * One dimension in model metadata: a fixed size, a symbolic name such as `'batch'`, or `'?'` if unnamed.
 * @example
 * ```ts
 * import type { Dim } from 'tensorlane';
 *
 * const dims: readonly Dim[] = session.inputs[0].dims; // e.g. ['batch', 256]
 * const fixed = dims.every((d): d is number => typeof d === 'number');
 * ```
 */
export type Dim = number | string;

/**
 * An input or output of the model as its metadata describes it.
 * @example
 * ```ts
 * import type { TensorInfo } from 'tensorlane';
 *
 * for (const input of session.inputs satisfies readonly TensorInfo[]) {
 *   console.log(input.name, input.type, input.dims); // 'x' 'float32' ['batch', 256]
 * }
 * ```
 */
export interface TensorInfo {
  /** The name to use as a key in {@link Feeds} (inputs) or to read from the outputs. */
  readonly name: string;
  /** The element type. */
  readonly type: DType;
  /** Empty when the model does not declare a shape. */
  readonly dims: readonly Dim[];
}

/**
 * The backends tensorlane can run on.
 * @example
 * ```ts
 * import type { Backend } from 'tensorlane';
 *
 * const backend: Backend = session.backend; // 'webgpu' or 'wasm'
 * ```
 */
export type Backend = 'webgpu' | 'wasm';

/**
 * A backend that was tried and not used, and why.
 * @example
 * ```ts
 * import type { FallbackAttempt } from 'tensorlane';
 *
 * for (const { backend, reason } of session.fallback satisfies readonly FallbackAttempt[]) {
 *   console.warn(`${backend} not used: ${reason}`); // e.g. 'webgpu not used: no WebGPU adapter (…)'
 * }
 * ```
 */
export interface FallbackAttempt {
  /** The backend tried. */
  readonly backend: Backend;
  /** Why it was not used, in one line. */
  readonly reason: string;
}

/**
 * What the WebGPU adapter in use reported about itself (`GPUAdapterInfo`); browsers may leave fields empty.
 * @example
 * ```ts
 * import type { AdapterInfo } from 'tensorlane';
 *
 * const adapter: AdapterInfo | undefined = session.adapter;
 * if (adapter?.isFallbackAdapter) console.warn(`software WebGPU: ${adapter.vendor} ${adapter.architecture}`);
 * ```
 */
export interface AdapterInfo {
  /** The GPU's vendor, e.g. `'nvidia'`. */
  readonly vendor: string;
  /** The GPU family, e.g. `'ampere'`, `'swiftshader'`. */
  readonly architecture: string;
  /** A vendor-specific device identifier. */
  readonly device: string;
  /** A human-readable description of the adapter. */
  readonly description: string;
  /** True for software adapters such as SwiftShader. */
  readonly isFallbackAdapter: boolean;
}

/**
 * Whether the scheduler stacks requests along dim 0 into one run, and why. When it does not, requests still share
 * the queue, but each runs alone.
 * @example
 * ```ts
 * import type { BatchingInfo } from 'tensorlane';
 *
 * const { stacked, reason }: BatchingInfo = session.batching;
 * if (!stacked) console.info(`requests run one by one: ${reason}`);
 * ```
 */
export interface BatchingInfo {
  /** True when the scheduler stacks requests along dim 0 into one run. */
  readonly stacked: boolean;
  /** Why, in one line, e.g. `'every input and output has first dim "batch"'`. */
  readonly reason: string;
}

/**
 * How to decide stacking: from the model's dims (`'auto'`), always, or never.
 * @example
 * ```ts
 * import { createSession, type BatchingMode } from 'tensorlane';
 *
 * const batching: BatchingMode = 'stack'; // dim 0 is the batch everywhere, whatever the exporter named it
 * const session = await createSession({ model: '/models/net.onnx', batching });
 * ```
 */
export type BatchingMode = 'auto' | 'stack' | 'off';

/**
 * Where loading is: `download` (bytes from the network), `cache` (bytes read from the model cache), `compile`
 * (onnxruntime-web builds the session) or `warmup` (the warm-up runs).
 * @example
 * ```ts
 * import { createSession, type LoadPhase } from 'tensorlane';
 *
 * const labels: Record<LoadPhase, string> = { download: 'Downloading', cache: 'Reading cache', compile: 'Compiling', warmup: 'Warming up' };
 * await createSession({ model: '/models/net.onnx', onProgress: ({ phase }) => console.log(labels[phase]) });
 * ```
 */
export type LoadPhase = 'download' | 'cache' | 'compile' | 'warmup';

/**
 * A loading progress event. For `download` and `cache`, `loaded` and `total` count bytes over all files (the model
 * and its external data); `total` is absent when a server sends no Content-Length. For `compile` they count steps
 * (0 of 1, then 1 of 1); for `warmup`, batch sizes run out of those listed.
 * @example
 * ```ts
 * import { createSession, type LoadProgress } from 'tensorlane';
 *
 * const onProgress = ({ phase, loaded, total }: LoadProgress) =>
 *   console.log(phase, total ? `${Math.round((100 * loaded) / total)}%` : `${loaded} B`);
 * const session = await createSession({ model: '/models/net.onnx', onProgress });
 * ```
 */
export interface LoadProgress {
  /** Which step of loading this event is about. */
  readonly phase: LoadPhase;
  /** Bytes (download, cache) or steps (compile, warmup) done so far in this phase. */
  readonly loaded: number;
  /** The bytes or steps this phase will take, when known. */
  readonly total?: number;
}

/** A file of external weights, as the worker takes it: `path` as the model names it, `data` a URL or the bytes. */
export interface ExternalDataRequest {
  readonly path: string;
  readonly data: string | Uint8Array;
  readonly integrity?: string;
}

/**
 * Where onnxruntime-web leaves outputs: `'gpu-buffer'` keeps them on the GPU until the worker reads them back.
 * @example
 * ```ts
 * import { createSession, type OutputLocation } from 'tensorlane';
 *
 * const preferredOutputLocation: OutputLocation = 'gpu-buffer';
 * const session = await createSession({ model: '/models/net.onnx', backend: 'webgpu', preferredOutputLocation });
 * ```
 */
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
  /** Rows per run at most, when requests are stacked. */
  readonly maxBatchSize: number;
  /** How long the oldest queued request may wait for a fuller batch. */
  readonly maxQueueDelayMs: number;
  readonly wasmPaths?: string | Readonly<Record<string, string>>;
  /** SRI digest (`sha256-<base64>`) the model bytes must have. */
  readonly integrity?: string;
  /** Read URLs from, and store them in, the model cache. */
  readonly cache: boolean;
  readonly externalData?: readonly ExternalDataRequest[];
  readonly warmup?: WarmupRequest;
  readonly sessionOptions?: OrtSessionOptions;
}

/**
 * What the warm-up did: the batch sizes it ran, in order, and how long all runs took together.
 * @example
 * ```ts
 * import { createSession } from 'tensorlane';
 *
 * const session = await createSession({ model: '/models/net.onnx', warmup: { batchSizes: [1, 8] } });
 * const { warmup } = await session.stats(); // { batchSizes: [1, 8], ms: 41.7 }
 * ```
 */
export interface WarmupInfo {
  /** The batch sizes run, in order. */
  readonly batchSizes: readonly number[];
  /** All warm-up runs together, in ms. */
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

/**
 * A distribution of durations, in milliseconds. Percentiles are accurate to about 3%; `max` is exact.
 * @example
 * ```ts
 * import type { Distribution } from 'tensorlane';
 *
 * const { runMs }: { runMs: Distribution } = await session.stats();
 * console.log(`${runMs.count} runs: median ${runMs.p50} ms, p95 ${runMs.p95} ms, worst ${runMs.max} ms`);
 * ```
 */
export interface Distribution {
  /** How many durations were recorded. */
  readonly count: number;
  /** Their mean. */
  readonly mean: number;
  /** The median. */
  readonly p50: number;
  /** The 95th percentile. */
  readonly p95: number;
  /** The longest. */
  readonly max: number;
}

/**
 * What the worker's scheduler has done since the session was created; part of {@link SessionStats}.
 * @example
 * ```ts
 * import type { SchedulerStats } from 'tensorlane';
 *
 * const { runs, rowsRun }: SchedulerStats = await session.stats();
 * console.log(`${rowsRun} rows in ${runs} runs`);
 * ```
 */
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
  load(request: LoadRequest, onProgress?: ProgressSink): Promise<Result<LoadReply>>;
  /** Queues calls; each is answered by `Results` messages, never by this call's reply. */
  submit(submissions: readonly Submission[]): void;
  /** Drops the queued items of call `id`; those running finish, and their outputs are not sent. */
  cancel(id: number): void;
  stats(): Result<SchedulerStats>;
  /** Releases the session. */
  dispose(): Promise<void>;
}
