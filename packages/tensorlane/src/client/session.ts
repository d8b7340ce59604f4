/// <reference lib="esnext.disposable" preserve="true" />
import { TensorlaneError, isTensorlaneError, type ErrorCode } from '../errors.js';
import type { PredictBatchOptions, PredictOptions } from '../types/options.js';
import type { LoadReply } from '../wire/protocol.js';
import type { RestartDetail } from '../types/session.js';
import type { Counts, Session, SessionFacts, SessionStats } from '../types/session.js';
import type { Outputs } from '../types/tensor.js';
import { describe } from '../tensor/dtypes.js';
import { rowsOf } from '../tensor/shape.js';
import { copied, moved } from '../tensor/transfer.js';
import type { Feeds } from '../types/tensor.js';
import { createFeedsReader, type FeedsReader } from '../tensor/validate.js';
import { attachTransforms } from '../tensor/image-fit.js';
import type { ImageFeeds } from '../types/images.js';
import { imageReaders, takePictures, type Taken } from './images/read-images.js';
import { createVideoStream } from './images/stream.js';
import type { VideoStreamOptions, VideoSource, VideoStream } from '../types/images.js';
import { checkPredictOptions } from './check-options.js';
import { keysOf } from './check-values.js';
import { abortError, callSignal, type CallSignal } from './call-errors.js';
import { supervise, type Connect, type RestartPolicy, type Supervisor } from './supervisor.js';
import type { CallOptions } from './calls.js';
import { unreadable } from './unreadable.js';
import { StreamImpl } from './stream.js';
import type { Stream, StreamOptions } from '../types/streams.js';

const first = (outputs: Outputs[]): Outputs => outputs[0]!;
const all = (outputs: Outputs[]): Outputs[] => outputs;
const copyAll = (items: readonly Feeds[]): Feeds[] => items.map(copied);

function rowsOfAll(items: readonly Feeds[]): number {
  let rows = 0;
  for (const item of items) rows += rowsOf(item);
  return rows;
}

/** Hands a call's items over, moved (or copied, with `copy`), and sends them: the one road of every call. */
function send(supervisor: Supervisor, op: Operation, items: readonly Feeds[], copy: boolean, options: CallOptions): Promise<Outputs[]> {
  return supervisor.request(unreadable('INVALID_INPUT', op.inputs, copy ? copyAll : moved, items), options);
}

/**
 * The call's answer once its outputs come, its outcome counted and its signal released. Apart from `#submit`, so
 * that what a call keeps while in flight is these arguments, not everything `#submit` saw (the caller's feeds among
 * them).
 */
function settled<T>(outputs: Promise<Outputs[]>, rows: number, call: CallSignal | undefined, counters: Counters, answer: (outputs: Outputs[]) => T): Promise<T> {
  return outputs.then(
    (out) => {
      call?.release();
      counters.resolved(rows);
      return answer(out);
    },
    (error: unknown) => {
      call?.release();
      counters.rejected(rows, error);
      throw error;
    },
  );
}

/** The options of a call given none: one object for every such call. */
const NONE: PredictOptions = Object.freeze({});

/** An operation that sends calls: the labels its errors use, and its options for a call without a signal, made once. */
interface Operation {
  readonly options: string;
  readonly inputs: string;
  readonly plain: { readonly what: string };
}
const operation = (what: string): Operation => ({ options: `${what}() options`, inputs: `${what}() inputs`, plain: { what } });
const PREDICT = operation('predict');
const PREDICT_BATCH = operation('predictBatch');

/** Page-side counters: every call's outcome is known here, including those rejected before reaching the worker. */
type Counters = ReturnType<typeof createCounters>;
function createCounters() {
  const counts = () => ({ submitted: 0, resolved: 0, rejected: 0 });
  const requests = counts();
  const rows = counts();
  const rejections: Partial<Record<ErrorCode, number>> = {};
  return {
    submitted(n: number): void {
      requests.submitted++;
      rows.submitted += n;
    },
    resolved(n: number): void {
      requests.resolved++;
      rows.resolved += n;
    },
    rejected(n: number, error: unknown): void {
      requests.rejected++;
      rows.rejected += n;
      const code: ErrorCode = isTensorlaneError(error) ? error.code : 'WORKER_CRASHED';
      rejections[code] = (rejections[code] ?? 0) + 1;
    },
    /** Rows submitted and not yet answered. */
    get pendingRows(): number {
      return rows.submitted - rows.resolved - rows.rejected;
    },
    snapshot() {
      const pending = (c: ReturnType<typeof counts>): Counts => ({ ...c, pending: c.submitted - c.resolved - c.rejected });
      return { requests: pending(requests), rows: pending(rows), rejections: { ...rejections } };
    },
  };
}

/** The facts a session reports: the compiler keeps this list equal to SessionFacts. */
const FACTS = keysOf({
  backend: true, engine: true, fallback: true, adapter: true, selection: true, model: true,
  inputs: true, outputs: true, batching: true, threads: true, warnings: true,
} satisfies Record<keyof SessionFacts, true>);

/** Its facts, as getters defined from FACTS (see the class's static block). */
export interface SessionImpl extends SessionFacts {}

/**
 * The session a page holds: checks calls, applies backpressure, counts outcomes, and sends calls to its worker
 * through a {@link Supervisor}, which replaces the worker when it faults; each restart is dispatched as an event.
 */
export class SessionImpl extends EventTarget implements Session {
  readonly #maxQueueSize: number;
  /** The bytes of the model the page keeps for restarts (see create-session.ts). */
  readonly #modelBytesKept: () => number;
  readonly #counters = createCounters();
  // Set by open(), before anyone holds the session.
  #supervisor!: Supervisor;
  /** The number of the next stream. */
  #videos = 1;
  /** Checks feeds against the inputs of the load reply it was made for. */
  #reader: { readonly reply: LoadReply; readonly read: FeedsReader } | undefined;

  private constructor(maxQueueSize: number, modelBytesKept: () => number) {
    super();
    this.#maxQueueSize = maxQueueSize;
    this.#modelBytesKept = modelBytesKept;
  }

  /**
   * Opens a session on the first worker `connect` starts; later ones come from it too.
   * @param policy - how to restart, the backpressure limit, and the bytes of the model kept for restarts.
   */
  static async open(
    connect: Connect,
    policy: RestartPolicy & { readonly maxQueueSize: number; readonly modelBytesKept: () => number },
    signal: AbortSignal | undefined,
  ): Promise<SessionImpl> {
    const session = new SessionImpl(policy.maxQueueSize, policy.modelBytesKept);
    const onRestart = (detail: RestartDetail) => session.dispatchEvent(new CustomEvent('restart', { detail }));
    session.#supervisor = await supervise(connect, signal, policy, onRestart);
    return session;
  }

  static {
    // Each fact reads the current worker's load reply: after a restart, the new worker's.
    for (const fact of FACTS) {
      Object.defineProperty(SessionImpl.prototype, fact, {
        get(this: SessionImpl) {
          return this.#supervisor.reply[fact];
        },
        configurable: true,
      });
    }
  }

  get #read(): FeedsReader {
    const { reply } = this.#supervisor;
    if (this.#reader?.reply !== reply) this.#reader = { reply, read: createFeedsReader(reply.inputs, imageReaders(reply.images ?? [])) };
    return this.#reader.read;
  }

  predict(feeds: Feeds | ImageFeeds, options: PredictOptions = NONE): Promise<Outputs> {
    return this.#submit(PREDICT, feeds, options, first);
  }

  predictBatch(items: readonly (Feeds | ImageFeeds)[], options: PredictBatchOptions = NONE): Promise<Outputs[]> {
    return this.#submit(PREDICT_BATCH, items, options, all);
  }

  stream(source: VideoSource, options: VideoStreamOptions = {}): VideoStream {
    const supervisor = this.#supervisor;
    const session = {
      specs: supervisor.reply.images ?? [],
      read: this.#read,
      connection: async () => (await supervisor.link({ what: 'stream' })).connection,
    };
    return createVideoStream(session, this.#videos++, source, options);
  }

  /** The items of a call, each checked: predict's feeds as its one item, predictBatch's array item by item. */
  #items(op: Operation, given: unknown): Feeds[] {
    const read = this.#read;
    if (op === PREDICT) return [read(given)];
    if (!Array.isArray(given)) {
      throw new TensorlaneError('INVALID_INPUT', `predictBatch() items is ${describe(given)}; expected an array of feeds`);
    }
    return given.map((item: unknown, i) => read(item, `item ${i}: `));
  }

  /**
   * Checks options and inputs, applies backpressure, then queues the items in the worker as one call; resolves with
   * `answer` of their outputs. Not an async function: a saturated page keeps thousands of calls in flight, and each
   * suspended async frame is memory the page's garbage collector copies again and again (see ARCHITECTURE.md). For
   * the same reason a call makes no string, closure or object it can do without, and keeps nothing but its promise
   * and its outcome's handlers while in flight.
   */
  #submit<T>(op: Operation, given: unknown, options: PredictOptions, answer: (outputs: Outputs[]) => T): Promise<T> {
    const counters = this.#counters;
    const { what } = op.plain;
    /** Set once the rows are counted as submitted: from then on the call ends counted as resolved or rejected. */
    let rows: number | undefined;
    let call: CallSignal | undefined;
    try {
      const { signal, timeoutMs, copy } = unreadable('INVALID_OPTIONS', op.options, () => checkPredictOptions(options, what));
      const supervisor = this.#supervisor;
      if (supervisor.stopped) throw supervisor.stopped;
      if (signal?.aborted) throw abortError(signal, what);
      const checked = unreadable('INVALID_INPUT', op.inputs, () => this.#items(op, given));
      if (checked.length === 0) return Promise.resolve(answer([]));
      rows = rowsOfAll(checked);
      counters.submitted(rows);
      if (rows > this.#maxQueueSize) {
        throw new TensorlaneError('INVALID_INPUT', `${what}() has ${rows} rows, more than maxQueueSize (${this.#maxQueueSize}) allows at once`);
      }
      if (counters.pendingRows > this.#maxQueueSize) {
        const waiting = counters.pendingRows - rows;
        throw new TensorlaneError(
          'QUEUE_FULL',
          `${what}() of ${rows} rows would take the queue past maxQueueSize (${this.#maxQueueSize} rows; ${waiting} are waiting); retry when some calls have settled`,
        );
      }
      // One signal for the call, its timeout counting from here, across the picture taking and the restarts the call waits for.
      call = callSignal(signal, timeoutMs, what);
      const callOptions = call === undefined ? op.plain : { signal: call.signal, what };
      const outputs =
        supervisor.reply.images === undefined
          ? send(supervisor, op, checked, copy, callOptions)
          : this.#sendPictures(checked, copy, call, what, (items) => send(supervisor, op, items, copy, callOptions));
      return settled(outputs, rows, call, counters, answer);
    } catch (error) {
      call?.release();
      if (rows !== undefined) counters.rejected(rows, error);
      return Promise.reject(error);
    }
  }

  /** The calls of a model with image inputs: pictures become frames to move, at once, or once decoded or snapshotted. */
  async #sendPictures(
    checked: Feeds[],
    copy: boolean,
    call: CallSignal | undefined,
    what: string,
    send: (items: readonly Feeds[]) => Promise<Outputs[]>,
  ): Promise<Outputs[]> {
    const taking = takePictures(checked, copy);
    const taken: Taken = taking instanceof Promise ? await taking : taking;
    if (call?.signal.aborted) throw abortError(call.signal, what);
    const outputs = await send(taken.items);
    outputs.forEach((out, i) => attachTransforms(out, taken.transforms[i]!));
    return outputs;
  }

  #streams = 0;

  openStream(options: StreamOptions): Stream {
    const supervisor = this.#supervisor;
    if (supervisor.stopped) throw supervisor.stopped;
    return new StreamImpl({ supervisor, events: this, id: ++this.#streams }, options);
  }

  async stats(): Promise<SessionStats> {
    const supervisor = this.#supervisor;
    const { memory, ...scheduler } = await supervisor.call((api) => api.stats(), { what: 'stats' });
    const meanRowsPerRun = scheduler.runs === 0 ? 0 : scheduler.rowsRun / scheduler.runs;
    const restarts = { ...supervisor.restarts };
    return {
      ...this.#counters.snapshot(), ...scheduler, meanRowsPerRun, warmup: supervisor.reply.warmup, calibration: supervisor.reply.calibration, restarts,
      memory: { ...memory, modelBytesKept: this.#modelBytesKept() },
    };
  }

  restart(): Promise<void> {
    return this.#supervisor.restart();
  }

  dispose(): Promise<void> {
    return this.#supervisor.dispose();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.dispose();
  }
}
