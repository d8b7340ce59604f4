import { expose, transfer, type Endpoint } from 'comlink';
import { TensorlaneError, messageOf, toTensorlaneError, type ErrorCode } from '../errors.js';
import { toWireError } from '../wire/wire-error.js';
import { createAwake } from '../wire/awake.js';
import {
  READY, bufferOfNumbers, buffersOfSources, numbers, isCancel, isStreamOps, isSubmit, isVideoMessage, type Fault, type HeardMessage, type HostApi, type LoadReply,
  type LoadRequest, type ModelSources, type PackedCalls, type ProgressSink, type Result, type Results, type StreamAnswers, type StreamOp,
  type Submission, type ThreadsFailed, type VideoMessage, type VideoResultMessage, type WireError, type WorkerStats,
} from '../wire/protocol.js';
import { unpack } from '../wire/pack.js';
import { buffersOf } from '../tensor/transfer.js';
import type { Feeds, TensorInfo } from '../types/tensor.js';
import { createFeedsReader, type FeedsReader } from '../tensor/validate.js';
import { browserEnv, type BackendEnv } from './backend-table.js';
import { loadModel } from './load-model.js';
import type { WorkerMemory } from './memory.js';
import { releaseBuilt } from './resolve-backend.js';
import { createRunner } from './run-model.js';
import { createScheduler, type Outcome, type RunAnswer, type Scheduler } from './scheduler.js';
import { createBlocks, type Blocks } from './blocks.js';
import { createStreams, type Streams } from './streams.js';
import { ThreadStartFailed } from './thread-workers.js';
import { createHeldFrames } from './images/held-frames.js';
import { createVideoStreams, type VideoStreams } from './images/streams.js';
import { setUpImages } from './images/session-images.js';
import type { PictureConverter } from './images/convert.js';

/**
 * Where the worker is: `idle` until the page asks for a model, `loading` while it loads, `ready` with the one
 * session and its queue, `disposed` for good. Every step after an `await` checks the state again: the page may have
 * disposed the session meanwhile.
 */
type State =
  | { readonly kind: 'idle' }
  | { readonly kind: 'loading' }
  | {
      readonly kind: 'ready';
      readonly reply: LoadReply;
      readonly read: FeedsReader;
      readonly scheduler: Scheduler;
      readonly streams: Streams;
      readonly pictures: PictureConverter | undefined;
      /** Whether an unhandled rejection is a symptom of the session's end, which its guard reports (see Guard). */
      explains(reason: unknown): Promise<boolean>;
      memory(): WorkerMemory;
      release(): Promise<void>;
    }
  | { readonly kind: 'disposed' };

/** The worker side of one connection: the comlink API, and the raw messages that need no reply. */
export interface Host {
  readonly api: HostApi;
  /**
   * Reports that the worker crashed with an unhandled rejection, unless a fault was reported already or the session's
   * guard reports the rejection as a symptom of its end (a lost GPU device).
   */
  rejected(reason: unknown): void;
  /** Queues calls, small ones `packed`; each is answered by `Results` messages. */
  submit(submissions: readonly Submission[], packed?: PackedCalls): void;
  /** Drops the queued items of call `id`; those running finish, and their outputs are not sent. */
  cancel(id: number): void;
  /** Takes stream operations (see worker/streams.ts); each is answered by a `StreamAnswers` message. */
  streamOps(ops: readonly StreamOp[]): void;
  /** Opens, feeds or closes a live video stream. */
  video(message: VideoMessage): void;
}

async function settle<T>(fallbackCode: ErrorCode, work: () => Promise<T>): Promise<Result<T>> {
  try {
    return { ok: true, value: await work() };
  } catch (error) {
    return { ok: false, error: toWireError(error, fallbackCode) };
  }
}

/**
 * The one place a `Results` message is built: the run's outputs whole, the items' rows and the ids of the calls done
 * as numbers, in one buffer (or one small array) for both.
 */
function encode(answer: RunAnswer | undefined, outcomes: readonly Outcome[], spent: readonly ArrayBuffer[] = []): Results {
  const items = answer?.items ?? [];
  let answered = 0;
  for (const { error } of outcomes) if (error === undefined) answered++;
  const all = numbers(4 * items.length + answered);
  let at = 0;
  for (const { id, index, start, rows } of items) {
    all[at++] = id;
    all[at++] = index;
    all[at++] = start;
    all[at++] = rows;
  }
  const failed: Array<{ id: number; error: WireError }> = [];
  for (const { id, error } of outcomes) {
    if (error === undefined) all[at++] = id;
    else failed.push({ id, error: toWireError(error, error.code) });
  }
  const cut = 4 * items.length;
  const [parts, done] = all instanceof Float64Array ? [all.subarray(0, cut), all.subarray(cut)] : [all.slice(0, cut), all.slice(cut)];
  return { tensorlane: 'results', ...(answer ? { outputs: answer.outputs } : {}), parts, done, failed, ...(spent.length > 0 ? { spent } : {}) };
}

/** Why packed inputs do not fit the model (other names or types than its inputs), or undefined when they do. */
function packedMismatch({ names, types }: PackedCalls, inputs: readonly TensorInfo[]): TensorlaneError | undefined {
  const fits = names.length === inputs.length && inputs.every((info, k) => names[k] === info.name && types[k] === info.type);
  if (fits) return undefined;
  const list = (pairs: ReadonlyArray<readonly [string, string]>) => pairs.map(([name, type]) => `"${name}" ${type}`).join(', ');
  return new TensorlaneError(
    'INVALID_INPUT',
    `the page sent inputs ${list(names.map((n, k) => [n, types[k]!] as const))} but the model takes ${list(inputs.map((i) => [i.name, i.type] as const))}`,
  );
}

const disposedError = () => new TensorlaneError('DISPOSED', 'the session was disposed');

/** Every raw message the worker posts. */
type Posted = Results | Fault | StreamAnswers | HeardMessage | VideoResultMessage;

/**
 * The worker side: owns the one onnxruntime-web session, and queues every request in a {@link Scheduler}.
 * @param send - sends a `Results` message to the page, transferring the outputs' buffers, or a `Fault`.
 * @param env - how to import onnxruntime-web and reach WebGPU; the browser's by default.
 */
export function createHost(send: (message: Posted) => void, env: BackendEnv = browserEnv): Host {
  let state: State = { kind: 'idle' };
  // Awake for the page's next message after each answer (wire/awake.ts), once a session is loaded.
  const awake = createAwake();
  const post = (message: Posted) => {
    send(message);
    awake.wait();
  };
  /** The fault told to the page, if any: it is told once, and never after a dispose. */
  let fault: Fault | undefined;
  /** The frames of the calls not yet over: closed as each call ends. */
  const frames = createHeldFrames();
  /** The live video streams, once a model with image inputs is loaded; their frames run as calls of negative ids. */
  let videos: VideoStreams | undefined;
  /** Packed calls queued as blocks, once a model is loaded. */
  let blocks: Blocks | undefined;
  const onSettled = (answer: RunAnswer | undefined, outcomes: readonly Outcome[]) => {
    let spent: ArrayBuffer[] | undefined;
    if (blocks) ({ answer, outcomes, spent } = blocks.settled(answer, outcomes));
    for (const { id } of outcomes) frames.release(id);
    const rest = videos ? videos.settled(answer, outcomes) : { answer, outcomes };
    if (rest.answer !== undefined || rest.outcomes.length > 0) post(encode(rest.answer, rest.outcomes, spent));
  };
  const report = (cause: Fault['cause'], message: string) => {
    if (fault !== undefined || state.kind === 'disposed') return;
    const told: Fault = (fault = { tensorlane: 'fault', cause, message });
    // After the current task: the run that broke the session has answered the request it blames by then.
    setTimeout(() => state.kind !== 'disposed' && post(told));
  };

  async function load(request: LoadRequest, onProgress?: ProgressSink): Promise<LoadReply | ThreadsFailed> {
    if (state.kind === 'disposed') throw disposedError();
    if (state.kind !== 'idle') throw new TensorlaneError('MODEL_LOAD_FAILED', 'this worker already holds a session; use one worker per model');
    state = { kind: 'loading' };
    const { model, externalData } = request;
    const sources: ModelSources = { model, ...(externalData ? { externalData } : {}) };
    let loaded: Awaited<ReturnType<typeof loadModel>>;
    try {
      loaded = await loadModel(request, env, onProgress);
    } catch (error) {
      if (state.kind === 'loading') state = { kind: 'idle' };
      if (error instanceof ThreadStartFailed) return { threadsFailed: error.message, returned: sources };
      throw error;
    }
    let images: ReturnType<typeof setUpImages>;
    try {
      if (state.kind !== 'loading') throw disposedError(); // the session it built must not outlive the worker's use
      images = setUpImages(request, loaded);
    } catch (error) {
      await releaseBuilt(loaded);
      if (state.kind === 'loading') state = { kind: 'idle' };
      throw error;
    }
    const { reply, readers, converter } = images;
    const { memory } = loaded;
    const { run, exclusive, explains } = createRunner(loaded, ({ fault }) => report(fault.cause, fault.message), converter);
    const { maxBatchSize } = request;
    const scheduler = createScheduler({ stacked: reply.batching.stacked, maxBatchSize, maxQueueDelayMs: request.maxQueueDelayMs, run, onSettled });
    if (reply.batching.stacked && maxBatchSize > 1) blocks = createBlocks(scheduler, maxBatchSize);
    const streams = createStreams({
      ort: loaded.ort, session: loaded.session, exclusive, inputs: reply.inputs, maxBatchSize,
      post: (message) => post('answers' in message ? { tensorlane: 'stream-answers', ...message } : message),
    });
    const read = createFeedsReader(reply.inputs, readers);
    state = { kind: 'ready', reply, read, scheduler, streams, pictures: converter, explains, memory, release: () => releaseBuilt(loaded) };
    awake.ms = request.busyWaitMs;
    if (reply.images) {
      videos = createVideoStreams(reply.images, {
        queue: (id, items) => queue(id, items, false, undefined, false),
        cancel: (id) => {
          scheduler.cancel(id);
          frames.release(id);
        },
        post: (message) => post(message),
      });
    }
    return request.returnBytes ? { ...reply, returned: sources } : reply;
  }

  /**
   * Queues call `id` (its items read against the model first when `check`), or fails it with `error`.
   * @param alone - run each item in a run of its own (see `Submission.alone`).
   */
  function queue(id: number, items: readonly Feeds[], alone: boolean, error: TensorlaneError | undefined, check: boolean): void {
    frames.hold(id, items);
    try {
      if (state.kind !== 'ready') {
        throw state.kind === 'disposed' ? disposedError() : new TensorlaneError('DISPOSED', 'no model is loaded in this worker');
      }
      if (error) throw error;
      const { read } = state;
      state.scheduler.submit(id, check ? items.map((item, i) => read(item, items.length > 1 ? `item ${i}: ` : '')) : items, alone);
    } catch (failure) {
      onSettled(undefined, [{ id, error: toTensorlaneError(failure, 'INVALID_INPUT') }]);
    }
  }

  return {
    api: {
      async load(request, onProgress) {
        const result = await settle('MODEL_LOAD_FAILED', () => load(request, onProgress));
        // The page keeps the bytes it gave, to load them again after a restart: moved back, not copied.
        return result.ok && result.value.returned ? transfer(result, buffersOfSources(result.value.returned)) : result;
      },

      stats(): Result<WorkerStats> {
        if (state.kind !== 'ready') return { ok: false, error: toWireError(disposedError(), 'DISPOSED') };
        const pictures = state.pictures?.stats() ?? { gpu: 0, gpuFromBitmap: 0, cpu: 0 };
        return { ok: true, value: { ...state.scheduler.stats(), streams: state.streams.stats(), pictures, memory: state.memory() } };
      },

      surrender(): Result<readonly Submission[]> {
        if (state.kind !== 'ready') return { ok: true, value: [] };
        state.streams.stop();
        videos?.stopAll();
        const calls: Submission[] = [];
        const unanswered = state.scheduler.surrender();
        for (const { id, items, alone } of blocks ? blocks.surrender(unanswered) : unanswered) {
          // A video stream's frame does not go back: the page opens its video streams again on the next worker.
          if (id < 0) frames.release(id);
          else {
            frames.forget(id); // it moves back with its call
            calls.push({ id, items, ...(alone ? { alone } : {}) });
          }
        }
        return transfer({ ok: true, value: calls }, buffersOf(calls.flatMap((call) => call.items)));
      },

      async dispose(): Promise<void> {
        const before = state;
        if (before.kind === 'disposed') return;
        state = { kind: 'disposed' };
        awake.ms = 0;
        videos?.stopAll();
        if (before.kind !== 'ready') return;
        before.scheduler.dispose(disposedError());
        // Never release a session while it runs; the page terminates a worker whose run does not end.
        await Promise.all([before.scheduler.idle(), before.streams.dispose()]);
        await before.release().catch(() => undefined);
      },
    },

    rejected(reason) {
      const explained = state.kind === 'ready' ? state.explains(reason) : Promise.resolve(false);
      void explained.then((symptom) => symptom || report('worker-crashed', `the worker has an unhandled promise rejection: ${messageOf(reason)}`));
    },

    submit(submissions, packed) {
      awake.came();
      // The page read every call, but against the model of the worker in use then: a call waiting through a restart,
      // or handed back, runs here even if this worker loaded a variant with other inputs. Packed calls are checked
      // for that once per message (names and types); calls sent as they are, in full (dims too).
      if (packed) {
        const mismatch = state.kind === 'ready' ? packedMismatch(packed, state.reply.inputs) : undefined;
        const queued = state.kind === 'ready' && mismatch === undefined && blocks !== undefined && blocks.queue(packed);
        if (!queued) for (const { id, items, error } of unpack(packed)) queue(id, items, false, error ?? mismatch, false);
      }
      for (const { id, items, alone } of submissions) queue(id, items, alone === true, undefined, true);
    },

    cancel(id) {
      if (state.kind === 'ready' && !blocks?.cancel(id)) state.scheduler.cancel(id);
      frames.release(id);
    },

    video(message) {
      awake.came();
      if (videos) return videos.handle(message);
      // No model with image inputs here (yet, or any more): nothing to stream into.
      if (message.tensorlane === 'video-frame') return message.frame.close();
      void (message.tensorlane === 'video-open' && message.readable?.cancel().catch(() => undefined));
      const error = state.kind === 'disposed' ? disposedError() : new TensorlaneError('INVALID_OPTIONS', 'the stream cannot start: the session has no image inputs (option "images")');
      post({ tensorlane: 'video-result', stream: message.stream, counts: { offered: 0, run: 0, dropped: 0 }, ended: true, error: toWireError(error, error.code) });
    },

    streamOps(ops) {
      awake.came();
      if (state.kind === 'ready') return state.streams.apply(ops);
      const error = toWireError(state.kind === 'disposed' ? disposedError() : new TensorlaneError('DISPOSED', 'no model is loaded in this worker'), 'DISPOSED');
      const answers = ops.flatMap((op) => (op.op === 'open' || op.op === 'cancel' ? [] : [{ id: op.id, steps: 0, error }]));
      if (answers.length > 0) post({ tensorlane: 'stream-answers', answers });
    },
  };
}

/**
 * Serves a host on `endpoint` (the worker's global scope, or a MessagePort): comlink for the calls that answer, a
 * listener for the raw messages; then tells the page it is listening.
 */
export function serve(endpoint: Endpoint, env?: BackendEnv): void {
  const transferOf = (message: Posted): Transferable[] => {
    switch (message.tensorlane) {
      case 'results':
        // parts and done share one buffer, if any.
        return [...(message.outputs ? buffersOf([message.outputs]) : []), ...bufferOfNumbers(message.parts), ...(message.spent ?? [])];
      case 'stream-answers':
        return buffersOf(message.answers.flatMap((a) => (a.outputs ? [a.outputs] : [])));
      case 'heard':
        return buffersOf(message.results.map((r) => r.outputs));
      case 'video-result':
        return message.outputs ? buffersOf([message.outputs]) : [];
      default:
        return [];
    }
  };
  const host = createHost((message) => endpoint.postMessage(message, transferOf(message)), env);
  expose(host.api, endpoint);
  endpoint.addEventListener('message', (event) => {
    const { data } = event as MessageEvent;
    if (isSubmit(data)) host.submit(data.submissions, data.packed);
    else if (isCancel(data)) host.cancel(data.id);
    else if (isStreamOps(data)) host.streamOps(data.ops);
    else if (isVideoMessage(data)) host.video(data);
  });
  // An uncaught error reaches the page as the Worker's `error` event; an unhandled rejection reaches nobody.
  endpoint.addEventListener('unhandledrejection', (event) => host.rejected((event as PromiseRejectionEvent).reason));
  endpoint.postMessage(READY);
}
