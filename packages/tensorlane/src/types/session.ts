// What a session is and what it reports: the public Session interface, its stats, restarts and batching (the facts of
// its backend are in backends.ts). Both threads use the report types; the worker sends them in its load reply and stats.
import type { AdapterInfo, Backend, BackendSelection, CalibrationInfo, Engine, FallbackAttempt } from './backends.js';
import type { ErrorCode } from '../errors.js';
import type { BatchingMode, PredictBatchOptions, PredictOptions, SessionOptions } from './options.js';
import type { Stream, StreamOptions, StreamStats } from './streams.js';
import type { Feeds, Outputs, TensorInfo } from './tensor.js';
import type { Distribution } from './stats.js';
import type { ImageFeeds, PictureStats, VideoStreamOptions, VideoSource, VideoStream } from './images.js';

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
 * What the worker's scheduler has done since the worker started (a restart starts a new one); part of
 * {@link SessionStats}.
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
 * What a session holds in memory, in bytes, counted by tensorlane itself: in the worker, without
 * `performance.measureUserAgentSpecificMemory()` (which does not answer while onnxruntime-web runs WASM threads:
 * see the README, "Threads"); part of {@link SessionStats}. Read when `stats()` is called.
 * @example
 * ```ts
 * import type { MemoryStats } from 'tensorlane';
 *
 * const { memory }: { memory: MemoryStats } = await session.stats();
 * const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MB`;
 * console.log(`heap ${mb(memory.wasmHeapBytes)}, GPU ${mb(memory.gpuBufferBytes)}, kept ${mb(memory.modelBytesKept)}`);
 * if (memory.wasmHeapBytes > 512 * 2 ** 20) await session.restart(); // the heap never shrinks; a restart gives it back
 * ```
 */
export interface MemoryStats {
  /**
   * onnxruntime-web's WebAssembly memory in the session's worker: its heap, which holds the model's weights on WASM,
   * the tensors of runs and its arenas. It grows with the largest batch run so far and never shrinks;
   * `restart()` gives it back. A worker that loaded two builds of onnxruntime-web (`backend: 'fastest'`) counts both.
   */
  readonly wasmHeapBytes: number;
  /**
   * GPU buffers onnxruntime-web created on the session's WebGPU device and has not destroyed: the weights, the
   * tensors of runs, the buffers it keeps for reuse, staging for read-backs. 0 on WASM.
   */
  readonly gpuBufferBytes: number;
  /**
   * The model's bytes the page keeps to load them again after a restart: a model given as bytes with
   * `restart: 'auto'` (see the README, "Restarts"). 0 for a model given as a URL, which the cache keeps on disk.
   */
  readonly modelBytesKept: number;
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
  /** Restarts since the session was created, by cause (see {@link SessionOptions.restart}). */
  readonly restarts: Readonly<Record<RestartCause, number>>;
  /** How the current worker converted pictures (see {@link SessionOptions.images}), by path; zeros without pictures. */
  readonly pictures: PictureStats;
  /** What the session holds in memory now, in bytes: the worker's WebAssembly heap, its GPU buffers, the model kept for restarts. */
  readonly memory: MemoryStats;
  /** What the streams of the current worker have done (see {@link Session.openStream}). */
  readonly streams: StreamStats;
}

/**
 * The ten facts a session reports about what its worker loaded: the worker's load reply carries them as they are
 * here (`LoadReply` in wire/protocol.ts), and the session's getters read them from it. Not exported by the package.
 */
export type SessionFacts = Pick<
  Session,
  'backend' | 'engine' | 'fallback' | 'adapter' | 'selection' | 'model' | 'inputs' | 'outputs' | 'batching' | 'threads' | 'warnings'
>;

/**
 * A model loaded in its own worker. Create with {@link createSession}.
 * @example
 * ```ts
 * import { createSession } from 'tensorlane';
 *
 * await using session = await createSession({ model: '/models/net.onnx' }); // disposed at the end of the scope
 * console.log(session.backend, session.threads, session.inputs); // e.g. 'wasm' 4 […] on a cross-origin isolated page
 * const { y } = await session.predict({ x: { type: 'float32', data: new Float32Array(256), dims: [1, 256] } });
 * ```
 */
export interface Session extends EventTarget {
  /** The backend that runs the model; after a restart, the one the new worker runs on. */
  readonly backend: Backend;
  /**
   * The engine that runs the model: the onnxruntime-web build (`'jsep'`, `'native'` or `'jspi'` on WebGPU, `'wasm'`
   * on WASM; see {@link SessionOptions.webgpuEngine}). Live, as `backend`.
   */
  readonly engine: Engine;
  /** The backends tried and not used, with their reasons; empty when the first choice worked. Live, as `backend`. */
  readonly fallback: readonly FallbackAttempt[];
  /** The WebGPU adapter in use, when `backend` is `'webgpu'`. Live, as `backend`. */
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
  /**
   * Threads onnxruntime-web's WebAssembly runtime runs on (see {@link SessionOptions.numThreads}): more than 1 only
   * on a cross-origin isolated page.
   */
  readonly threads: number;
  /** What went less well than asked without failing the load, e.g. `model "…" was not cached: …`. */
  readonly warnings: readonly string[];
  /**
   * Runs the model on `feeds`. The call is queued in the worker and may share a run with other concurrent calls of
   * the same shape beyond dim 0 (dynamic batching); it gets exactly its own rows back. The inputs' buffers are
   * transferred to the worker (detached here) unless `copy: true`; the outputs are views over the run's output
   * buffers, transferred back.
   * @param feeds - one tensor per model input; dim 0 is the request's row count. An image input (see
   * {@link SessionOptions.images}) takes a picture ({@link ImageSource}, one row) instead, or `{ image, width, height,
   * fit, align }`; the worker converts it, and {@link imageTransforms} of the outputs says what was done to it.
   * @throws TensorlaneError `INVALID_INPUT`, `QUEUE_FULL`, `RUN_FAILED`, `ABORTED`, `TIMEOUT`, `DISPOSED`, `WORKER_CRASHED`.
   */
  predict(feeds: Feeds | ImageFeeds, options?: PredictOptions): Promise<Outputs>;
  /**
   * Runs the model on many items in one call: each item is queued as a `predict` would be, so items that match
   * beyond dim 0 are stacked into runs of up to `maxBatchSize` rows. Results come back in order, as views over one
   * buffer per output per run. Rejects as a whole if any item is invalid or fails.
   * @param items - feeds, one per item; dim 0 is the item's row count, usually 1. Pictures as `predict` takes them.
   * @throws TensorlaneError `INVALID_INPUT`, `INVALID_OPTIONS`, `QUEUE_FULL`, `RUN_FAILED`, `ABORTED`, `TIMEOUT`, `DISPOSED`, `WORKER_CRASHED`.
   */
  predictBatch(items: readonly (Feeds | ImageFeeds)[], options?: PredictBatchOptions): Promise<Outputs[]>;
  /**
   * Runs the model on live video: every frame of `source` goes to the image input `options.input`, the latest frame
   * winning (a frame that arrives while the model is busy replaces the one waiting, which is closed unrun: nothing
   * queues behind a run, so latency never grows). A camera track's frames are read in the worker where the browser
   * allows it (Chromium: a `MediaStreamTrackProcessor`'s stream moved there), and each frame is moved on its own
   * elsewhere; the page reads no pixel. Results come with the frame's timestamp, through `onResult` or `for await`.
   * Runs share the worker's queue with `predict` calls, and batch with them.
   * @param source - a video track, a `<video>`, a stream or an async iterable of frames.
   * @param options - the image input, the other inputs, the frames' size and fit, and `onResult`.
   * @throws TensorlaneError never at once: the stream's `done` (and its iteration) rejects with `INVALID_OPTIONS` for
   * options or a source it cannot take, and with `RUN_FAILED`, `INVALID_INPUT`, `DISPOSED` or `WORKER_CRASHED` when a
   * run fails or the session ends. A restarted session opens its streams again on the new worker.
   * @example
   * ```ts
   * const camera = await navigator.mediaDevices.getUserMedia({ video: true });
   * const stream = session.stream(camera.getVideoTracks()[0]!, { input: 'image' });
   * for await (const { outputs, transform } of stream) draw(outputs, transform);
   * ```
   */
  stream(source: VideoSource, options?: VideoStreamOptions): VideoStream;
  /**
   * Opens a stream: a model stepped with state, each step's carried outputs fed back as inputs at the next step,
   * kept in the worker (on WebGPU, on the GPU). The state is made in the worker when first needed. See
   * {@link Stream}, and the README, "Streams and state".
   * @param options - what to carry, and the first values; see {@link StreamOptions}.
   * @throws TensorlaneError `INVALID_OPTIONS` naming the option, `INVALID_INPUT` (an initial tensor), `DISPOSED`,
   * or the error of a session that stopped.
   */
  openStream(options: StreamOptions): Stream;
  /**
   * Counters and distributions since the session was created: calls and rows by outcome, runs and rows per run,
   * queue wait and run time (p50/p95/max), rejections by code; and what it holds in memory now (`memory`). Recording
   * them costs O(1) per request.
   * @throws TensorlaneError `DISPOSED`, `WORKER_CRASHED`.
   */
  stats(): Promise<SessionStats>;
  /**
   * Starts a new worker with the same model and moves every call not yet answered to it, inputs included: nothing
   * is lost, and calls made meanwhile wait for it. The only way to give WebAssembly memory back to the browser,
   * which never shrinks it. Dispatches a `'restart'` event (`cause: 'requested'`) once the new worker serves; not
   * counted against `maxRestarts`.
   * @throws TensorlaneError `DISPOSED`; the error of a session that stopped; `INVALID_OPTIONS` for a model given as
   * bytes with `restart: 'off'` (the bytes were not kept, so there is nothing to load again); what loading the model
   * again threw.
   */
  restart(): Promise<void>;
  /** Releases the session and terminates the worker; calls in flight reject with `DISPOSED`. Idempotent. */
  dispose(): Promise<void>;
  /** The same as {@link Session.dispose}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void>;
  /**
   * Listens for the session's events (see {@link SessionEventMap}): `'restart'`, once a new worker serves it.
   * @param type - the event type, e.g. `'restart'`.
   * @param listener - called with the event.
   * @param options - as `EventTarget.addEventListener`'s.
   */
  addEventListener<K extends keyof SessionEventMap>(
    type: K,
    listener: (this: Session, event: SessionEventMap[K]) => void,
    options?: boolean | AddEventListenerOptions,
  ): void;
  /**
   * Any other event type, as on every `EventTarget`.
   * @param type - the event type.
   * @param listener - called with the event.
   * @param options - as `EventTarget.addEventListener`'s.
   */
  addEventListener(type: string, listener: EventListenerOrEventListenerObject | null, options?: boolean | AddEventListenerOptions): void;
  /** Stops listening: the same type, listener and `capture` as given to {@link Session.addEventListener}. */
  removeEventListener<K extends keyof SessionEventMap>(type: K, listener: (this: Session, event: SessionEventMap[K]) => void, options?: boolean | EventListenerOptions): void;
  /** Stops listening for any other event type, as on every `EventTarget`. */
  removeEventListener(type: string, listener: EventListenerOrEventListenerObject | null, options?: boolean | EventListenerOptions): void;
}

// What a session's restarts report: why it restarted, and the event that says so (see Session, 'restart').

/**
 * Why a session restarted: its worker crashed (`'worker-crashed'`: an uncaught error or unhandled rejection in it, a
 * WebAssembly abort, a message that could not be read), the GPU device was lost (`'device-lost'`), the
 * onnxruntime-web session could not run again (`'session-failed'`), or `session.restart()` asked for it
 * (`'requested'`).
 * @example
 * ```ts
 * import type { RestartCause } from 'tensorlane';
 *
 * const label: Record<RestartCause, string> = {
 *   'worker-crashed': 'the worker crashed', 'device-lost': 'the GPU was lost', 'session-failed': 'the session failed', requested: 'restarted',
 * };
 * ```
 */
export type RestartCause = 'worker-crashed' | 'device-lost' | 'session-failed' | 'requested';

/**
 * What a `'restart'` event tells: why, what went wrong, where the session runs now, and how many restarts so far.
 * @example
 * ```ts
 * import type { RestartDetail } from 'tensorlane';
 *
 * session.addEventListener('restart', (event) => {
 *   const { cause, message, backend, restarts }: RestartDetail = event.detail;
 *   console.warn(`restart #${restarts} (${cause}: ${message}); now on ${backend}`);
 * });
 * ```
 */
export interface RestartDetail {
  /** Why the session restarted. */
  readonly cause: RestartCause;
  /** What went wrong, in one line, e.g. `the GPU device was lost (destroyed): …`. */
  readonly message: string;
  /** The backend the session runs on now (`session.backend`). */
  readonly backend: Backend;
  /** The engine the session runs on now (`session.engine`). Always set by tensorlane. */
  readonly engine?: Engine;
  /** Restarts of this session so far, this one included. */
  readonly restarts: number;
}

/**
 * The events a {@link Session} dispatches, by type.
 * @example
 * ```ts
 * import type { SessionEventMap } from 'tensorlane';
 *
 * const onRestart = (event: SessionEventMap['restart']) => console.info(event.detail.cause);
 * session.addEventListener('restart', onRestart);
 * ```
 */
export interface SessionEventMap {
  /** The session recovered: a new worker and onnxruntime-web session serve it. Dispatched once it serves. */
  restart: CustomEvent<RestartDetail>;
}
