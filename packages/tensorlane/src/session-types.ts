// What a session is and what it reports: the public Session interface, its stats, and the facts of the backend it
// runs on. Both threads use the report types; the worker sends them in its load reply and stats.
import type { Backend } from './backends.js';
import type { BackendSelection, CalibrationInfo } from './choice-types.js';
import type { ErrorCode } from './errors.js';
import type { BatchingMode, PredictBatchOptions, PredictOptions } from './options.js';
import type { Feeds, Tensor, TensorInfo } from './tensor/types.js';

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
  /** The optional WebGPU features it offers (`GPUAdapter.features`), e.g. `'shader-f16'`, sorted. */
  readonly features: readonly string[];
  /** The limits that bound a model's size on it. */
  readonly limits: AdapterLimits;
}

/**
 * The WebGPU adapter limits that bound a model: how large one buffer, and one binding of it, may be (in bytes).
 * @example
 * ```ts
 * import type { AdapterLimits } from 'tensorlane';
 *
 * const limits: AdapterLimits | undefined = session.adapter?.limits;
 * if (limits && limits.maxStorageBufferBindingSize < 512 * 2 ** 20) console.warn('weights over 512 MiB will not bind');
 * ```
 */
export interface AdapterLimits {
  /** The largest buffer, in bytes (`GPUAdapter.limits.maxBufferSize`). */
  readonly maxBufferSize: number;
  /** The largest storage buffer binding, in bytes: the largest tensor a kernel can read or write at once. */
  readonly maxStorageBufferBindingSize: number;
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
  /** What `backend: 'fastest'` spent measuring at load; undefined for other backends; not counted in `runs`. */
  readonly calibration: CalibrationInfo | undefined;
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
  /** How `backend: 'fastest'` chose `backend`, and the timings why; undefined for other backends. */
  readonly selection: BackendSelection | undefined;
  /** The URL of the model loaded (of the variant chosen, when given several); undefined when given as bytes. */
  readonly model: string | undefined;
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
