// The wire contract between the page and the worker: only what crosses postMessage. Two channels share the one
// endpoint: comlink, for the calls that answer (`HostApi`: load, stats, dispose), and raw messages for what does not
// wait for a reply (`Message`: the worker's ready signal and results, the page's submissions and cancellations).
// client/ and worker/ both import this file and never import each other. Bump PROTOCOL_VERSION on any change here.
import type { ErrorCode } from '../errors.js';
import type { BatchingMode, LoadProgress, SessionOptions } from '../types/options.js';
import type { BackendOption, CalibrationInfo, WebGpuEngineOption } from '../types/backends.js';
import type { MemoryStats, RestartCause, SchedulerStats, SessionFacts, WarmupInfo } from '../types/session.js';
import type { DType, Feeds, Tensor } from '../types/tensor.js';
import type { StreamStats } from '../types/streams.js';
import type { ImageAlign, ImageFit, ImageInputOptions, ImageTransform, PictureStats } from '../types/images.js';
import type { Frame, PictureTensor } from '../tensor/pictures.js';
import { VERSION } from './version.js';

/** The version of this contract. A page and a worker of different versions refuse each other at once. */
export const PROTOCOL_VERSION = 14;


/** The onnxruntime-web session options tensorlane passes through, as `createSession` takes them. */
export type OrtSessionOptions = Readonly<
  Pick<SessionOptions, 'freeDimensionOverrides' | 'graphOptimizationLevel' | 'enableGraphCapture' | 'preferredOutputLocation' | 'logSeverityLevel'>
>;

/** A file of external weights, as the worker takes it: `path` as the model names it, `data` a URL or the bytes. */
export interface ExternalDataRequest {
  readonly path: string;
  readonly data: string | Uint8Array;
  readonly integrity?: string;
}

/** What the warm-up runs: one run per batch size, on zeros; `freeDimensions` sizes the other symbolic dims. */
export interface WarmupRequest {
  readonly batchSizes: readonly number[];
  readonly freeDimensions?: Readonly<Record<string, number>>;
}

/** How `backend: 'fastest'` measures, with its defaults applied. */
export interface CalibrationRequest {
  readonly budgetMs: number;
  readonly runs: number;
  readonly remember: boolean;
}

/** The defaults of `calibration` (documented on CalibrationOptions), applied on both sides of the wire. */
export const CALIBRATION_DEFAULTS: CalibrationRequest = { budgetMs: 5000, runs: 7, remember: true };

/**
 * setTimeout's longest delay (about 24.8 days; a longer one fires at once). Both sides read a time option past it as
 * no limit: the page drops such a `timeoutMs`, the worker clamps the timers of `maxQueueDelayMs` and `budgetMs`.
 */
export const MAX_TIMER_MS = 2_147_483_647;

/**
 * The numbers a message carries about its calls (ids, rows, dims): a plain array when there are few, one
 * `Float64Array` (its buffer transferred) when there are many. Chromium's postMessage cost ~8 µs more per transferred
 * buffer, each way, while a plain array costs ~0.1 µs a number: a message for one call then moves one buffer (its
 * tensor's), as a hand-written worker's would, and one for 64 calls moves one more, not 320 numbers one by one.
 */
export type Numbers = Float64Array | readonly number[];

/** Up to this many, numbers travel as a plain array (see {@link Numbers}). */
export const FEW_NUMBERS = 32;

/** Room for `length` numbers: a plain array when they are few, else a `Float64Array`. */
export function numbers(length: number): Float64Array | number[] {
  return length <= FEW_NUMBERS ? new Array<number>(length).fill(0) : new Float64Array(length);
}

/** The buffer to transfer with `values`, if they live in one. */
export function bufferOfNumbers(values: Numbers): ArrayBuffer[] {
  return values instanceof Float64Array ? [values.buffer as ArrayBuffer] : [];
}

function isNumbers(values: unknown): values is Numbers {
  return values instanceof Float64Array || Array.isArray(values);
}

/** A model variant, as the worker takes it: its absolute URL and its own external data (resolved against it). */
export interface VariantRequest {
  readonly model: string;
  readonly requires: readonly string[];
  readonly integrity?: string;
  readonly externalData?: readonly ExternalDataRequest[];
}

/** Three values, one per channel. */
export type Triple = readonly [number, number, number];

/**
 * An image input's options, checked on the page (one value per channel spread to three); the worker resolves them
 * against the model's dims and dtype into an {@link ImageSpec}. `scale` is absent for the dtype's default.
 */
export interface ImageInputRequest extends Pick<ImageInputOptions, 'width' | 'height' | 'layout'> {
  readonly resize: 'bilinear' | 'bicubic';
  readonly fit: ImageFit;
  readonly align: ImageAlign;
  readonly fill: Triple;
  readonly channels: 'rgb' | 'bgr';
  readonly scale?: Triple;
  readonly mean: Triple;
  readonly std: Triple;
}

/** The dtypes a picture converts to. */
export type ImageDType = 'float32' | 'float16' | 'uint8';

/**
 * An image input resolved against the model: all a converter needs but the pictures and their transforms. `width` and
 * `height` are absent when each call gives them (the model's are dynamic and no option fixed them).
 */
export interface ImageSpec extends Omit<ImageInputRequest, 'scale' | 'layout'> {
  readonly name: string;
  readonly type: ImageDType;
  readonly layout: 'nchw' | 'nhwc';
  readonly scale: Triple;
}

/**
 * One picture of an image input as it crosses to the worker: the frame (moved: an `ImageBitmap`, a `VideoFrame`, or
 * the RGBA bytes of an `ImageData`) and where its pixels go in the tensor.
 */
export interface WirePicture {
  readonly frame: Frame;
  readonly transform: ImageTransform;
}

/**
 * An image input of one item (or of a stacked run) as it crosses and queues: a tensor of the input's dtype and dims
 * whose `data` is empty and whose `pictures`, one per row, the worker converts when the run starts. The queue stacks
 * it by dtype and dims like any tensor; its frames move instead of its data.
 */
export interface PictureFeed extends PictureTensor {
  readonly pictures: readonly WirePicture[];
}

/** What the page asks the worker to load. */
export interface LoadRequest {
  /**
   * An absolute URL (already resolved against the page), the model bytes (transferred), or variants, of which the
   * worker loads the first the device supports.
   */
  readonly model: string | Uint8Array | readonly VariantRequest[];
  readonly backend: BackendOption;
  /** The WebGPU engine asked for (`'auto'`: see SessionOptions.webgpuEngine). */
  readonly webgpuEngine: WebGpuEngineOption;
  readonly calibration?: CalibrationRequest;
  readonly allowSoftwareAdapter: boolean;
  readonly batching: BatchingMode;
  /** Rows per run at most, when requests are stacked. */
  readonly maxBatchSize: number;
  /** How long the oldest queued request may wait for a fuller batch. */
  readonly maxQueueDelayMs: number;
  /** How long each end stays awake for the other's next message (wire/awake.ts). */
  readonly busyWaitMs: number;
  readonly wasmPaths?: string | Readonly<Record<string, string>>;
  /** SRI digest (`sha256-<base64>`) the model bytes must have. */
  readonly integrity?: string;
  /** Read URLs from, and store them in, the model cache. */
  readonly cache: boolean;
  /** Threads asked for onnxruntime-web's WebAssembly runtime. */
  readonly numThreads: 'auto' | number;
  readonly externalData?: readonly ExternalDataRequest[];
  readonly warmup?: WarmupRequest;
  readonly sessionOptions?: OrtSessionOptions;
  /** Send the model bytes given as bytes back with the reply, for the page to load them again after a restart. */
  readonly returnBytes: boolean;
  /** The inputs that take pictures, by name, and how. */
  readonly images?: Readonly<Record<string, ImageInputRequest>>;
}

/** The sources of a load request that may be bytes: the worker moves them back when asked (`returnBytes`). */
export type ModelSources = Pick<LoadRequest, 'model' | 'externalData'>;

/** The buffers of the sources that are bytes, each once (variants may share one): what moves with a load request, and back with its reply. */
export function buffersOfSources({ model, externalData = [] }: ModelSources): ArrayBuffer[] {
  const variants = Array.isArray(model) ? (model as readonly VariantRequest[]) : [];
  const files = [...externalData, ...variants.flatMap((variant) => variant.externalData ?? [])];
  const sources = [...(variants.length > 0 ? [] : [model as string | Uint8Array]), ...files.map((file) => file.data)];
  const bytes = sources.filter((source): source is Uint8Array => typeof source !== 'string');
  return [...new Set(bytes.map((data) => data.buffer).filter((buffer): buffer is ArrayBuffer => buffer instanceof ArrayBuffer))];
}

/** What the worker loaded: the facts the session reports, as it reports them, and what its stats report. */
export interface LoadReply extends SessionFacts {
  /** What measuring cost, when `backend: 'fastest'` measured. */
  readonly calibration?: CalibrationInfo;
  /** Present when a warm-up ran. */
  readonly warmup?: WarmupInfo;
  /** The request's model sources, bytes moved back (not copied), when it asked for them and gave any bytes. */
  readonly returned?: ModelSources;
  /** The image inputs, resolved against the model, when the request named any. */
  readonly images?: readonly ImageSpec[];
}

/**
 * The worker's answer to a load whose WebAssembly threads could not start: load again on one thread, in a new worker
 * (onnxruntime-web starts its runtime once per worker). The model's bytes, if it was given as bytes, come back for it.
 */
export interface ThreadsFailed {
  /** What failed, and how to fix it: the session's warning once it runs on one thread. */
  readonly threadsFailed: string;
  readonly returned?: ModelSources;
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

/** What the worker reports of itself: its scheduler's runs, its streams', how it converted pictures, and what its onnxruntime-web holds in memory now. */
export interface WorkerStats extends SchedulerStats {
  readonly streams: StreamStats;
  readonly pictures: PictureStats;
  readonly memory: Omit<MemoryStats, 'modelBytesKept'>;
}

/** The API the worker exposes through comlink: the calls the page waits on. */
export interface HostApi {
  load(request: LoadRequest, onProgress?: ProgressSink): Promise<Result<LoadReply | ThreadsFailed>>;
  stats(): Result<WorkerStats>;
  /**
   * Stops serving and hands back every call not yet answered, queued or running, with its inputs (moved back): the
   * page sends them to another worker. Calls sent before it are included; their outputs, if a run ends later, are not
   * sent. Every later call is answered `DISPOSED`.
   */
  surrender(): Result<readonly Submission[]>;
  /** Releases the session; resolves once it is released. */
  dispose(): Promise<void>;
}

/**
 * One call's work: the items of a `predict` (one) or a `predictBatch` (many). Each item is queued on its own and
 * may share a run with items of other calls; the call is answered once all its items are.
 */
export interface Submission {
  readonly id: number;
  readonly items: readonly Feeds[];
  /**
   * Run each item in a run of its own: the call shared a run that broke the session, and which of its requests
   * did it is not known.
   */
  readonly alone?: boolean;
}

/**
 * Small inputs of many calls, packed (wire/pack.ts): one buffer per input holding every item's data for it, call
 * after call, item after item, and the calls' ids and dims in one array of numbers. Structured clone then copies a
 * few buffers and one array instead of an object and a transferred buffer per call.
 */
export interface PackedCalls {
  /** The inputs every packed item has, in this order. */
  readonly names: readonly string[];
  readonly types: readonly DType[];
  /** One per input, in the order of `names`. */
  readonly buffers: readonly ArrayBuffer[];
  /**
   * The number of calls n, their n ids; then per call its item count, and per item, per input, its rank and dims.
   * An item's data for input k follows the previous item's in `buffers[k]`.
   */
  readonly layout: Numbers;
}

/**
 * Worker → page, once the worker listens; the page sends nothing before it, since a module worker that is still
 * importing drops the messages that arrive meanwhile. It names the worker's protocol and package versions.
 */
export interface Ready {
  readonly tensorlane: 'ready';
  readonly protocol: number;
  readonly version: string;
}

/**
 * Worker → page, after each run: the run's outputs, whole, each buffer transferred once however many calls share
 * it; the page cuts each item's rows out of them as `subarray` views. `parts` come before the `done` that settles
 * their call; a call in `failed` rejects and its parts (if any came) are dropped. Calls the page cancelled get
 * nothing more.
 */
export interface Results {
  readonly tensorlane: 'results';
  /** Present when `parts` is not empty. */
  readonly outputs?: Feeds;
  /**
   * Four numbers per answered item: call id, item index, first row, rows. Rows `-1`: the item ran alone and the
   * outputs are all its own, as they are.
   */
  readonly parts: Numbers;
  /** Calls answered in full: every part of theirs has come. */
  readonly done: Numbers;
  readonly failed: ReadonlyArray<{ readonly id: number; readonly error: WireError }>;
  /**
   * Packed buffers (`PackedCalls.buffers`) the worker is done with, moved back for the page to pack into again
   * (client/spares.ts).
   */
  readonly spent?: readonly ArrayBuffer[];
}

/**
 * Page → worker: queues calls, each answered by `Results` messages. Small inputs come `packed`; larger ones as
 * `submissions`, their buffers transferred.
 */
export interface Submit {
  readonly tensorlane: 'submit';
  readonly submissions: readonly Submission[];
  readonly packed?: PackedCalls;
}

/** Page → worker: drops the queued items of call `id`; those running finish, and their outputs are not sent. */
export interface Cancel {
  readonly tensorlane: 'cancel';
  readonly id: number;
}

/**
 * Worker → page, once, when the worker can no longer serve: the page stops sending to it, takes back what it holds
 * (`surrender`) and starts another worker. Calls a fault failed (the request that broke the session) were answered
 * before it.
 */
export interface Fault {
  readonly tensorlane: 'fault';
  readonly cause: Exclude<RestartCause, 'requested'>;
  readonly message: string;
}

/** A stream's settings that change its frames' tensors: their size and fit (the image input's when absent). */
export interface VideoGeometry {
  readonly width?: number;
  readonly height?: number;
  readonly fit?: ImageFit;
  readonly align?: ImageAlign;
}

/**
 * Page → worker: starts stream `stream` (the page's number for it) into image input `input`. Its frames come from
 * `readable` (a MediaStreamTrackProcessor's, moved here), or one by one as `VideoFrameMessage`s. `feeds` are the model's
 * other inputs, the same for every frame. Opening a stream of a number already open replaces it.
 */
export interface VideoOpen extends VideoGeometry {
  readonly tensorlane: 'video-open';
  readonly stream: number;
  readonly input: string;
  readonly feeds: Feeds;
  readonly readable?: ReadableStream<VideoFrame>;
}

/** Page → worker: one frame of a stream whose frames the page hands over, and when it had it (ms since the epoch). */
export interface VideoFrameMessage {
  readonly tensorlane: 'video-frame';
  readonly stream: number;
  readonly frame: VideoFrame | ImageBitmap;
  readonly arrived: number;
}

/**
 * Page → worker: stops a stream (its frames are closed), or with `drain`, ends it once the frame it holds is answered
 * (its source ended); a last `VideoResultMessage` with `ended` says so.
 */
export interface VideoClose {
  readonly tensorlane: 'video-close';
  readonly stream: number;
  readonly drain?: boolean;
}

/** What a stream has counted in this worker. */
export interface VideoCounts {
  readonly offered: number;
  readonly run: number;
  readonly dropped: number;
}

/**
 * Worker → page: a stream's result for one frame (its outputs, the frame's timestamp, what was done to it, and when
 * it arrived, in ms since the epoch), or its end (`ended`, with the `error` that ended it, if any).
 */
export interface VideoResultMessage {
  readonly tensorlane: 'video-result';
  readonly stream: number;
  readonly counts: VideoCounts;
  readonly outputs?: Feeds;
  readonly timestamp?: number;
  readonly transform?: ImageTransform;
  readonly arrived?: number;
  readonly ended?: boolean;
  readonly error?: WireError;
}

/**
 * A stream as the worker opens it (client/stream.ts checked it against the model): what it carries and returns, its
 * first values, the limits of its carried dims, and the axis each input and output stacks along (`-1`: not stacked,
 * the same in every step of a run).
 */
export interface StreamSpec {
  /** Output name → input name. */
  readonly carry: Readonly<Record<string, string>>;
  /** Every carried input's first value: a tensor, or the dims of zeros. */
  readonly initial: Readonly<Record<string, Tensor | { readonly dims: readonly number[] }>>;
  /** The outputs a step returns. */
  readonly outputs: readonly string[];
  /** Largest sizes of the carried inputs' symbolic dims, by dim name. */
  readonly limits: Readonly<Record<string, number>>;
  /** Every input's and output's stacking axis, by name. */
  readonly axes: Readonly<Record<string, number>>;
}

/** How the worker listens to audio for a stream (see `stream.listen`), with the page's options resolved. */
export interface ListenSpec {
  /** The audio's own rate, and the model's. */
  readonly sourceRate: number;
  readonly sampleRate: number;
  readonly frame: number;
  readonly hop: number;
  /** The input the frames feed, as [1, frame] float32. */
  readonly input: string;
  /** The other inputs that are not carried, the same at every step. */
  readonly feeds: Feeds;
  readonly behind: 'drop' | 'catch-up';
  readonly maxWaiting: number;
  /** Where the samples come from: a port the audio worklet posts `AudioChunk`s to, or a ring it writes (AUDIO_RING). */
  readonly port: MessagePort;
  readonly ring?: SharedArrayBuffer;
  /** Read the ring from its oldest sample (the first listen), not from what comes next (after a restart). */
  readonly replay: boolean;
}

/**
 * The shared-memory ring an audio worklet writes and the worker reads: a header of Int32s (the total samples
 * written, modulo 2^32), then `capacity` float32 samples.
 */
export const AUDIO_RING = { written: 0, header: 16 } as const;

/** Audio worklet → worker, without shared memory: samples, and where the first sits in the audio (sample index). */
export interface AudioChunk {
  readonly at: number;
  readonly samples: Float32Array;
}

/**
 * One operation on a stream, page → worker. Every one but `open` is answered (`StreamAnswer` with its `id`). The ops
 * of one stream run in the order sent; a step waits for the one before it.
 */
export type StreamOp =
  | { readonly op: 'open'; readonly stream: number; readonly spec: StreamSpec }
  | { readonly op: 'step'; readonly id: number; readonly stream: number; readonly feeds: Feeds }
  | { readonly op: 'reset'; readonly id: number; readonly stream: number; readonly initial: StreamSpec['initial'] }
  | { readonly op: 'read'; readonly id: number; readonly stream: number; readonly name: string }
  | { readonly op: 'close'; readonly id: number; readonly stream: number }
  | { readonly op: 'listen'; readonly id: number; readonly stream: number; readonly listen: ListenSpec }
  | { readonly op: 'pause' | 'resume' | 'unlisten'; readonly id: number; readonly stream: number }
  /** Drops op `id` if it has not started. */
  | { readonly op: 'cancel'; readonly id: number };

/** Page → worker: stream operations, in order. */
export interface StreamOps {
  readonly tensorlane: 'stream-ops';
  readonly ops: readonly StreamOp[];
}

/** What an op came to: a step's outputs, a read's value, or an error; `steps` counts the stream's steps so far. */
export interface StreamAnswer {
  readonly id: number;
  readonly steps: number;
  readonly outputs?: Feeds;
  readonly error?: WireError;
}

/** Worker → page: answers to stream ops, their outputs' buffers transferred. */
export interface StreamAnswers {
  readonly tensorlane: 'stream-answers';
  readonly answers: readonly StreamAnswer[];
}

/** Worker → page: a listening stream's results, and its counts (ListenStats without `resets`, which the page keeps). */
export interface HeardMessage {
  readonly tensorlane: 'heard';
  readonly stream: number;
  readonly results: ReadonlyArray<{ readonly frame: number; readonly time: number; readonly outputs: Feeds }>;
  readonly stats: { readonly frames: number; readonly dropped: number; readonly waiting: number; readonly samples: number };
  /** Listening stopped on its own (the run failed): why. */
  readonly error?: WireError;
}

/** Every raw message, outside comlink. */
export type Message = Ready | Results | Submit | Cancel | Fault | StreamOps | StreamAnswers | HeardMessage | VideoOpen | VideoFrameMessage | VideoClose | VideoResultMessage;

/** The ready message of this build. */
export const READY: Ready = { tensorlane: 'ready', protocol: PROTOCOL_VERSION, version: VERSION };

function tagOf(data: unknown): unknown {
  return typeof data === 'object' && data !== null ? (data as { tensorlane?: unknown }).tensorlane : undefined;
}

/**
 * Whether `data` is a worker's ready message, of any version (an older worker sends no `protocol`): the page checks
 * the version itself, to name both in its error.
 */
export function isReady(data: unknown): data is Partial<Ready> & { tensorlane: 'ready' } {
  return tagOf(data) === 'ready';
}

export function isResults(data: unknown): data is Results {
  if (tagOf(data) !== 'results') return false;
  const { parts, done, failed } = data as Results;
  return isNumbers(parts) && isNumbers(done) && Array.isArray(failed);
}

export function isSubmit(data: unknown): data is Submit {
  if (tagOf(data) !== 'submit' || !Array.isArray((data as Submit).submissions)) return false;
  const { packed } = data as Submit;
  return packed === undefined || (isNumbers(packed.layout) && Array.isArray(packed.buffers) && Array.isArray(packed.names));
}

export function isFault(data: unknown): data is Fault {
  return tagOf(data) === 'fault' && typeof (data as Fault).cause === 'string' && typeof (data as Fault).message === 'string';
}

export function isStreamOps(data: unknown): data is StreamOps {
  return tagOf(data) === 'stream-ops' && Array.isArray((data as StreamOps).ops);
}

export function isStreamAnswers(data: unknown): data is StreamAnswers {
  return tagOf(data) === 'stream-answers' && Array.isArray((data as StreamAnswers).answers);
}

export function isHeard(data: unknown): data is HeardMessage {
  return tagOf(data) === 'heard' && Array.isArray((data as HeardMessage).results);
}

export function isCancel(data: unknown): data is Cancel {
  return tagOf(data) === 'cancel' && typeof (data as Cancel).id === 'number';
}

/** Page → worker stream messages. */
export type VideoMessage = VideoOpen | VideoFrameMessage | VideoClose;

export function isVideoMessage(data: unknown): data is VideoMessage {
  const tag = tagOf(data);
  return (tag === 'video-open' || tag === 'video-frame' || tag === 'video-close') && typeof (data as VideoClose).stream === 'number';
}

export function isVideoResult(data: unknown): data is VideoResultMessage {
  return tagOf(data) === 'video-result' && typeof (data as VideoResultMessage).stream === 'number';
}
