// The public types of streams: a model stepped with state carried from one step to the next in the worker
// (session.openStream), and audio fed to such a stream off the main thread (stream.listen).
import type { Feeds, Tensor } from './tensor.js';

/**
 * A carried input's first value: a tensor, or `{ dims }` for zeros of those dims.
 * @example
 * ```ts
 * import type { InitialValue } from 'tensorlane';
 *
 * const state: InitialValue = { dims: [2, 1, 128] }; // Silero VAD's state, zeros
 * ```
 */
export type InitialValue =
  | Tensor
  | {
      /** The dims of zeros to start from. */
      readonly dims: readonly number[];
    };

/**
 * Options of `session.openStream`.
 * @example
 * ```ts
 * import type { StreamOptions } from 'tensorlane';
 *
 * // A decoder whose key/value cache grows one position a step, up to 256.
 * const options: StreamOptions = {
 *   carry: { present_key: 'past_key', present_value: 'past_value' },
 *   dims: { past: 0 },
 *   limits: { past: 256 },
 *   outputs: ['logits'],
 * };
 * ```
 */
export interface StreamOptions {
  /**
   * The outputs fed back as inputs at the next step, output name → input name, e.g. `{ stateN: 'state' }`. Carried
   * values stay in the worker (on WebGPU, on the GPU) and never reach the page unless it asks ({@link Stream.read}).
   */
  carry: Readonly<Record<string, string>>;
  /**
   * First values of carried inputs, by input name: a tensor (moved to the worker, as a predict's inputs are), or
   * `{ dims }` for zeros of those dims. A carried input not named here starts as zeros of the model's dims, its
   * symbolic dims sized by {@link StreamOptions.dims} and its batch dim by 1.
   */
  initial?: Readonly<Record<string, InitialValue>>;
  /** Sizes of the symbolic dims of the zero initial values, by dim name, e.g. `{ past: 0 }`. */
  dims?: Readonly<Record<string, number>>;
  /**
   * The outputs `step()` returns, read back from the worker. Every other output stays in the worker: a carried one
   * as state, the rest dropped.
   * @defaultValue every output that is not carried
   */
  outputs?: readonly string[];
  /**
   * Largest sizes of the carried inputs' symbolic dims, by dim name, e.g. `{ past: 512 }` for a cache that grows a
   * position a step: a step whose carried outputs would pass one rejects with `STATE_LIMIT` and leaves the state
   * as it was.
   */
  limits?: Readonly<Record<string, number>>;
  /**
   * The dim along which steps of different streams are stacked into one run, by input or output name; `-1` for an
   * input that is not stacked, whose value must then be the same in every step that shares a run. By default an
   * input or output stacks along dim 0, a carried input (and the output carried into it) along its first dim that
   * is not a fixed size, and a scalar input not at all.
   */
  axes?: Readonly<Record<string, number>>;
}

/**
 * Options of {@link Stream.step}.
 * @example
 * ```ts
 * import type { StepOptions } from 'tensorlane';
 *
 * const options: StepOptions = { signal: AbortSignal.timeout(1000) };
 * const { output } = await stream.step(feeds, options);
 * ```
 */
export interface StepOptions {
  /**
   * Gives up on the step: it rejects with `ABORTED`. A step the worker has not started is dropped and the state
   * stays as it was; one already running finishes, and its state is carried ({@link Stream.steps} counts it).
   */
  signal?: AbortSignal;
  /** Rejects with `TIMEOUT` after this many ms, as `signal` would with `ABORTED`. */
  timeoutMs?: number;
  /**
   * Copy the inputs instead of moving them to the worker.
   * @defaultValue `false`
   */
  copy?: boolean;
}

/**
 * A model stepped with state: each {@link Stream.step} runs the model once, its carried inputs filled from the
 * previous step's outputs, which stay in the worker. Steps of one stream run in order; concurrent steps of different
 * streams run together in one run where the model's batch dim allows. Open one with `session.openStream`.
 *
 * The state lives in the session's worker: when the worker restarts (a crash, a lost GPU device, `session.restart()`)
 * it is gone, and every step or read of the stream rejects with `STATE_LOST` until {@link Stream.reset}; a listening
 * stream resets itself and goes on.
 * @example
 * ```ts
 * import { createSession } from 'tensorlane';
 *
 * const session = await createSession({ model: '/models/silero_vad.onnx' });
 * await using stream = session.openStream({ carry: { stateN: 'state' } });
 * const sr = { type: 'int64', data: BigInt64Array.of(16000n), dims: [] } as const;
 * for (const frame of frames) { // Float32Arrays of 512 samples at 16 kHz
 *   const { output } = await stream.step({ input: { type: 'float32', data: frame, dims: [1, 512] }, sr }, { copy: true });
 *   console.log((output!.data as Float32Array)[0]); // the probability of speech
 * }
 * ```
 */
export interface Stream extends AsyncDisposable {
  /** The carried outputs, output name → input name. */
  readonly carry: Readonly<Record<string, string>>;
  /** The outputs each step returns. */
  readonly outputs: readonly string[];
  /** Steps carried out since the stream opened or last reset, as far as the page has heard. */
  readonly steps: number;
  /**
   * Runs the model once: `feeds` holds every input that is not carried. Resolves with the outputs of
   * {@link Stream.outputs}, read back from the worker.
   * @param feeds - the inputs that are not carried, by name.
   * @throws TensorlaneError `INVALID_INPUT`, `INVALID_OPTIONS`, `RUN_FAILED`, `STATE_LIMIT`, `STATE_LOST`, `ABORTED`,
   * `TIMEOUT`, `DISPOSED` (closed, or the session disposed), `WORKER_CRASHED`.
   */
  step(feeds: Feeds, options?: StepOptions): Promise<Record<string, Tensor>>;
  /**
   * Reads a carried value back from the worker: the value the next step will be fed.
   * @param name - a carried input, or the output carried into it.
   * @throws TensorlaneError `INVALID_OPTIONS` (not carried), `STATE_LOST`, `DISPOSED`, `WORKER_CRASHED`.
   */
  read(name: string): Promise<Tensor>;
  /**
   * Starts again from the initial values (those given to `openStream`, unless `initial` here says otherwise);
   * after steps sent before it. Also how a stream whose state was lost goes on.
   * @throws TensorlaneError `INVALID_OPTIONS`, `INVALID_INPUT`, `DISPOSED`, `WORKER_CRASHED`.
   */
  reset(options?: Pick<StreamOptions, 'initial' | 'dims'>): Promise<void>;
  /**
   * Feeds audio to the stream off the main thread: an `AudioWorklet` moves the samples to the worker (through
   * shared memory where the page is cross-origin isolated, messages otherwise), which resamples them to
   * `sampleRate`, cuts frames and steps the stream with each; results reach `onResult` with their time in the audio.
   * The page never touches a sample. The stream takes no other step meanwhile.
   * @param source - a microphone `MediaStreamTrack` (or a `MediaStream`), an `<audio>`/`<video>` element, or an
   * `AudioNode` (its context is used).
   * @throws TensorlaneError `INVALID_OPTIONS`, `ENVIRONMENT_UNSUPPORTED` (no Web Audio), `STATE_LOST`, `DISPOSED`.
   */
  listen(source: AudioSource, options: ListenOptions): Promise<Listening>;
  /** Frees the stream's state in the worker; later calls reject with `DISPOSED`. Idempotent. */
  close(): Promise<void>;
}

/**
 * Where {@link Stream.listen} takes audio from.
 * @example
 * ```ts
 * import type { AudioSource } from 'tensorlane';
 *
 * const media = await navigator.mediaDevices.getUserMedia({ audio: { echoCancellation: false } });
 * const source: AudioSource = media.getAudioTracks()[0]!;
 * ```
 */
export type AudioSource = MediaStreamTrack | MediaStream | HTMLMediaElement | AudioNode;

/**
 * Options of {@link Stream.listen}.
 * @example
 * ```ts
 * import type { ListenOptions } from 'tensorlane';
 *
 * const options: ListenOptions = {
 *   sampleRate: 16000, frame: 512, input: 'input',
 *   feeds: { sr: { type: 'int64', data: BigInt64Array.of(16000n), dims: [] } },
 *   onResult: ({ time, outputs }) => console.log(time, outputs['output']!.data[0]),
 * };
 * ```
 */
export interface ListenOptions {
  /** The model's sample rate, in Hz: the worker resamples the audio to it. */
  sampleRate: number;
  /** Samples per frame, at `sampleRate`: each frame is one step. */
  frame: number;
  /**
   * Samples from one frame's start to the next's.
   * @defaultValue `frame` (frames do not overlap)
   */
  hop?: number;
  /**
   * The input the frames go to, as `[1, frame]` float32.
   * @defaultValue the one input that is neither carried nor in `feeds`
   */
  input?: string;
  /** The other inputs that are not carried, the same at every step (e.g. Silero VAD's `sr`). */
  feeds?: Feeds;
  /**
   * When the model falls behind the audio: `'drop'` skips the oldest frames waiting, so that results stay close to
   * live; `'catch-up'` steps every frame, however late. Either way `stats` counts.
   * @defaultValue `'drop'`
   */
  behind?: 'drop' | 'catch-up';
  /**
   * With `behind: 'drop'`, how many frames may wait for the model before the oldest is dropped.
   * @defaultValue `2`
   */
  maxWaiting?: number;
  /** Called with each frame's result, in order. */
  onResult(result: Heard): void;
  /** Called when listening stops on its own: the stream's state was lost and could not be reset, or it failed. */
  onError?(error: Error): void;
}

/**
 * One frame's result while listening.
 * @example
 * ```ts
 * import type { Heard } from 'tensorlane';
 *
 * const onResult = ({ frame, time, outputs }: Heard) => console.log(`frame ${frame} at ${time.toFixed(3)} s`, outputs);
 * ```
 */
export interface Heard {
  /** The frame's index since listening started. */
  readonly frame: number;
  /** Where the frame starts in the audio, in seconds since listening started. */
  readonly time: number;
  /** The step's outputs (see {@link Stream.outputs}). */
  readonly outputs: Record<string, Tensor>;
}

/**
 * How listening went so far.
 * @example
 * ```ts
 * import type { ListenStats } from 'tensorlane';
 *
 * const { frames, dropped }: ListenStats = listening.stats;
 * if (dropped > 0) console.warn(`${dropped} of ${frames + dropped} frames dropped: the model is behind`);
 * ```
 */
export interface ListenStats {
  /** Frames stepped. */
  readonly frames: number;
  /** Frames dropped because the model fell behind (`behind: 'drop'`), or lost in transit. */
  readonly dropped: number;
  /** Frames waiting for the model now. */
  readonly waiting: number;
  /** Samples received, at the audio's own rate. */
  readonly samples: number;
  /** Times the stream's state was lost (the worker restarted) and listening went on from the initial state. */
  readonly resets: number;
}

/**
 * Audio being fed to a stream: see {@link Stream.listen}.
 * @example
 * ```ts
 * const listening = await stream.listen(track, { sampleRate: 16000, frame: 512, feeds: { sr }, onResult });
 * listening.pause();
 * listening.resume();
 * await listening.stop();
 * ```
 */
export interface Listening {
  /** How the samples reach the worker: `'shared-memory'` where the page is cross-origin isolated, else `'messages'`. */
  readonly transport: 'shared-memory' | 'messages';
  /** The audio's own sample rate, which the worker resamples from. */
  readonly sourceRate: number;
  /** Counts as of the last result. */
  readonly stats: ListenStats;
  /** Stops stepping: audio that arrives meanwhile is skipped (its time still passes). */
  pause(): void;
  /** Steps again, from the next whole frame. */
  resume(): void;
  /** Stops listening for good: disconnects the audio, and frees what the page made for it. The stream stays open. */
  stop(): Promise<void>;
}

/**
 * What a session's streams have done since its worker started (a restart starts again); part of `session.stats()`.
 * @example
 * ```ts
 * import type { StreamStats } from 'tensorlane';
 *
 * const { streams }: { streams: StreamStats } = await session.stats();
 * console.log(`${streams.steps} steps in ${streams.runs} runs`);
 * ```
 */
export interface StreamStats {
  /** Streams open in the worker. */
  readonly open: number;
  /** Steps carried out. */
  readonly steps: number;
  /** Runs of the model they took: fewer than `steps` when steps of several streams shared runs. */
  readonly runs: number;
  /** Rows (along each stream's batch axis) fed to those runs. */
  readonly rowsRun: number;
}
