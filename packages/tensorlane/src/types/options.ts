// The public option types: what createSession, predict and predictBatch take, and the progress loading reports.
// The wire's load request (protocol.ts) takes its onnxruntime-web options from here, so each value list is written once.
import type { ImageInputOptions } from './images.js';
import type { BackendOption, CalibrationOptions, ModelVariant, WebGpuEngineOption } from './backends.js';

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
   * worker: the caller's buffer is detached afterwards. A list of {@link ModelVariant}s loads the first one whose
   * `requires` the device supports (an fp16 model where the GPU has `shader-f16`, say); `session.model` says which.
   */
  model: string | URL | ArrayBuffer | Uint8Array | readonly ModelVariant[];
  /**
   * Where to run: `'auto'` tries WebGPU, then WASM, recording each failed attempt in `session.fallback`;
   * `'fastest'` builds the session on every backend that runs here, times warm runs of this model on each, keeps the
   * faster and remembers the choice for this model on this device (see {@link SessionOptions.calibration},
   * `session.selection`); `'webgpu'` or `'wasm'` use that backend or fail with `BACKEND_UNAVAILABLE`.
   * @defaultValue `'auto'`
   */
  backend?: BackendOption;
  /**
   * Which WebGPU engine (onnxruntime-web build) runs a WebGPU session; `session.engine` says which ran. `'jsep'`: the
   * default build's JavaScript kernels (deprecated upstream, bug fixes only). `'native'`: `onnxruntime-web/webgpu`,
   * the C++ WebGPU execution provider (onnxruntime's new kernels and speed-ups go there; its build has no double,
   * int16/uint16 or `ai.onnx.ml` kernels). `'jspi'`: the same provider built with JS Promise Integration (a smaller
   * wasm), where the browser has it. `'auto'` runs `'jsep'` under `backend: 'auto'` and `'webgpu'`, which ran
   * every test model at least as correctly as the native engine (see the README, "Backends"), and measures every
   * engine that runs here under `backend: 'fastest'`. Naming an engine restricts WebGPU to it; a model it cannot
   * load falls through to the next backend (WASM under `'auto'` and `'fastest'`) with the reason in
   * `session.fallback`. Ignored by `backend: 'wasm'`.
   * @defaultValue `'auto'`
   */
  webgpuEngine?: WebGpuEngineOption;
  /**
   * Let `'auto'` and `'fastest'` use a software WebGPU adapter (such as SwiftShader), which is usually far slower
   * than WASM. `backend: 'webgpu'` uses whatever adapter there is regardless.
   * @defaultValue `false`
   */
  allowSoftwareAdapter?: boolean;
  /**
   * How `backend: 'fastest'` measures: the time budget, the timed runs per backend and batch size, and whether the
   * choice is remembered. Ignored by the other backends.
   * @defaultValue `{ budgetMs: 5000, runs: 7, remember: true }`
   */
  calibration?: CalibrationOptions;
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
  /**
   * How long the page (while calls are out) and the worker (after each answer) stay awake for the message they
   * expect, in ms, instead of sleeping: a thread asleep costs whoever posts to it a wake, 25-90 µs a message on the
   * machines measured, twice a call. Staying awake costs CPU time, this long at most each time, and only while
   * messages come within it. For a machine with cores to spare (2 ms cut a lone call by 23-29% on 2 idle cores);
   * on one whose cores are all busy it makes calls slower (1.6-3.7× on 2 cores with two busy processes).
   * @defaultValue `0` (never)
   */
  busyWaitMs?: number;
  /**
   * What happens when the worker crashes, the GPU device is lost or the onnxruntime-web session can no longer run:
   * `'auto'` starts a new worker with the same model and goes on (a `'restart'` event says so; see the README,
   * "Guarantees"), `'off'` ends the session: every call then rejects with the fault's code. With `'auto'` and a model
   * given as bytes, the page keeps those bytes (moved back from the worker once it has loaded them, not copied) to
   * load them again; give a URL (the model cache keeps it) to keep them out of the page's memory.
   * @defaultValue `'auto'`
   */
  restart?: 'auto' | 'off';
  /**
   * Restarts allowed within 60 s. One more fault in that window ends the session: every call then rejects at once
   * with the last fault's code (`WORKER_CRASHED`, or `RUN_FAILED` for a lost device or a failed session).
   * `session.restart()` does not count.
   * @defaultValue `3`
   */
  maxRestarts?: number;
  /**
   * Threads for onnxruntime-web's WebAssembly runtime (the WASM backend, and the CPU operators of a WebGPU session).
   * `'auto'`, where the page is cross-origin isolated (served with `Cross-Origin-Opener-Policy: same-origin` and
   * `Cross-Origin-Embedder-Policy: require-corp` or `credentialless`; see the README, "Threads"), runs one thread per
   * core but one, so that the page's own thread keeps a core: 1 on 2 cores, 3 on 4, 4 (the most) on 5 or more.
   * Elsewhere it runs 1 thread, since threads need `SharedArrayBuffer`. A number asks for that many; more than 1 on a
   * page that is not isolated loads with 1 thread and says why in `session.warnings`. Threads that cannot start
   * (their worker refused or not found, or silent for 10 s) load the model again on 1 thread, with the reason in
   * `session.warnings`. `session.threads` reports what runs.
   * @defaultValue `'auto'`
   * @example
   * ```ts
   * const session = await createSession({ model: '/models/net.onnx', backend: 'wasm' }); // numThreads: 'auto'
   * if (session.threads === 1 && !crossOriginIsolated) console.info('serve the page with COOP/COEP to run WASM on more threads');
   * ```
   */
  numThreads?: 'auto' | number;
  /** Cancels loading: the worker is terminated and `createSession` rejects with `ABORTED`. */
  signal?: AbortSignal;
  /**
   * Where onnxruntime-web fetches its `.wasm`/`.mjs` files (`ort.env.wasm.wasmPaths`), if not beside its bundle: a
   * URL prefix, or `{ wasm, mjs }` file URLs. A relative URL resolves against the page (`document.baseURI`), as the
   * model URL does.
   */
  wasmPaths?: string | Readonly<Record<string, string>>;
  /**
   * Builds the worker, for setups that must (a CSP, a custom bundler). Its module must `import 'tensorlane/worker'`.
   * @defaultValue a module worker running tensorlane's own worker script
   */
  worker?: () => Worker;
  /**
   * Called as the model loads, at most about 20 times a second, with `{ phase, loaded, total? }`: phases
   * `'download'` and `'cache'` count bytes over all files (`total` from Content-Length, when sent), `'compile'`
   * (session creation) goes from 0 to 1 of 1, `'calibrate'` (`backend: 'fastest'`) counts measuring runs,
   * `'warmup'` counts batch sizes run. Every event is delivered before
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
   * the GPU until the worker reads back what it sends (a prediction's outputs, a stream step's returned ones), so that
   * a stream's carried outputs never leave the GPU; `'cpu'` has onnxruntime-web read every output back within the
   * run. Outputs always reach the page as arrays. Ignored on WASM.
   * @defaultValue `'gpu-buffer'` for every output whose type a GPU buffer holds (float32, float16, int32, int64,
   * uint32, uint8, bool), `'cpu'` for the others
   */
  preferredOutputLocation?: OutputLocation | Readonly<Record<string, OutputLocation>>;
  /**
   * onnxruntime-web's log severity for this session: 0 verbose, 1 info, 2 warning, 3 error, 4 fatal.
   * @defaultValue `2`, onnxruntime-web's own
   */
  logSeverityLevel?: 0 | 1 | 2 | 3 | 4;
  /**
   * The model inputs that take pictures, by name, and how a picture becomes their tensor (size, fit, channel order,
   * normalisation, layout; the dtype is the model's: float32, float16 or uint8). `predict`, `predictBatch` and
   * `stream` then take an {@link ImageSource} for those inputs, and the worker converts it: on WebGPU in one compute
   * pass on the model's device, into a buffer the model reads as it is (no pixel crosses to the CPU); on WASM in the
   * worker. An input that is missing, of another dtype, or whose dims disagree with the options rejects loading with
   * `INVALID_OPTIONS`.
   * @example
   * ```ts
   * const session = await createSession({
   *   model: '/models/yolo.onnx',
   *   images: { images: { width: 640, height: 640, fit: 'contain', fill: 114 } },
   * });
   * const outputs = await session.predict({ images: document.querySelector('img')! });
   * ```
   */
  images?: Readonly<Record<string, ImageInputOptions>>;
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


/**
 * Where loading is: `download` (bytes from the network), `cache` (bytes read from the model cache), `compile`
 * (onnxruntime-web builds the session), `calibrate` (`backend: 'fastest'` times the model on each backend) or
 * `warmup` (the warm-up runs).
 * @example
 * ```ts
 * import { createSession, type LoadPhase } from 'tensorlane';
 *
 * const labels: Record<LoadPhase, string> = {
 *   download: 'Downloading', cache: 'Reading cache', compile: 'Compiling', calibrate: 'Measuring', warmup: 'Warming up',
 * };
 * await createSession({ model: '/models/net.onnx', onProgress: ({ phase }) => console.log(labels[phase]) });
 * ```
 */
export type LoadPhase = 'download' | 'cache' | 'compile' | 'calibrate' | 'warmup';

/**
 * A loading progress event. For `download` and `cache`, `loaded` and `total` count bytes over all files (the model
 * and its external data); `total` is absent when a server sends no Content-Length. For `compile` they count steps
 * (0 of 1, then 1 of 1); for `calibrate`, measuring runs out of those planned; for `warmup`, batch sizes run out of
 * those listed.
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
  /** Bytes (download, cache) or steps (compile, calibrate, warmup) done so far in this phase. */
  readonly loaded: number;
  /** The bytes or steps this phase will take, when known. */
  readonly total?: number;
}
