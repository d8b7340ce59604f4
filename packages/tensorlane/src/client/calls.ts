// The predict calls in flight to one worker: each gets an id, waits in the outbox until the end of its task, travels
// with the other calls of that task in one Submit message (small inputs packed), and settles from Results messages,
// from its signal, or when the connection closes. Nothing here waits: every call is tracked until it settles.
import { TensorlaneError } from '../errors.js';
import { fromWireError } from '../wire/wire-error.js';
import { bufferOfNumbers, type Cancel, type Results, type Submission, type Submit } from '../wire/protocol.js';
import { pack } from '../wire/pack.js';
import { rowSlicer } from '../tensor/stack.js';
import { buffersOf } from '../tensor/transfer.js';
import type { Feeds } from '../types/tensor.js';
import { abortError, transitError } from './call-errors.js';
import { createSpares } from './spares.js';
import { arm, untrack, type Tracked } from './tracked.js';

/** How a call to the worker is made: the same options from the session down to here. */
export interface CallOptions {
  /**
   * The call's one signal (see `callSignal`): the caller's signal and the call's timeout combined. Its reason says
   * how the call ended (see `abortError`).
   */
  readonly signal?: AbortSignal | undefined;
  /** Names the operation in messages, e.g. `predict`. */
  readonly what: string;
  /** Run each item in a run of its own (see `Submission.alone`): a call a worker handed back. */
  readonly alone?: boolean | undefined;
}

/**
 * How a call the worker handed back (see `surrender`) rejects: with its inputs, to send to another worker. Never
 * reaches the caller of `predict`.
 */
export class Returned {
  constructor(
    readonly items: readonly Feeds[],
    readonly alone: boolean,
  ) {}
}

/** A call sent to the scheduler and not yet answered. */
interface Call extends Tracked {
  readonly what: string;
  /** Its items' outputs, as their parts come. */
  readonly outputs: Feeds[];
  resolve(outputs: Feeds[]): void;
  reject(error: TensorlaneError | Returned): void;
  /** Posted to the worker; until then, giving up needs no cancel message. */
  sent?: boolean;
}

/**
 * Calls per message at most. A burst is sent in slices, so that the worker runs the first batch while the page
 * still serialises the rest; one message per call would cost a postMessage each. 64 (the default maxBatchSize)
 * moved 2,000 single-row MLP calls through WASM in 39 ms median against 48 ms with 32 and 38 ms with 128.
 */
const SEND_EVERY = 64;

export interface Calls {
  /** Queues `items` as one call; resolves with their outputs, in order. See `Connection.request`. */
  request(items: readonly Feeds[], options: CallOptions): Promise<Feeds[]>;
  /** The worker listens: send what waits, and from now on at the end of each task. */
  open(): void;
  /** Sends what waits in the outbox now. */
  flush(): void;
  /** Settles calls from a Results message. */
  receive(results: Results): void;
  /** Calls not yet settled. */
  size(): number;
  /** Rejects every call with `error`; later calls too. */
  close(error: TensorlaneError): void;
  /** From now on, a new call rejects at once with {@link Returned}, to go to another worker. */
  redirect(): void;
  /** Rejects these calls, which the worker handed back, with {@link Returned}. */
  returned(calls: ReadonlyArray<{ readonly id: number; readonly items: readonly Feeds[]; readonly alone?: boolean }>): void;
}

/** The calls to the worker that `post` sends messages to. */
export function createCalls(post: (message: Submit | Cancel, transfer?: Transferable[]) => void): Calls {
  const calls = new Map<number, Call>();
  let nextId = 1;
  /** Calls of the current task, sent together when it ends, or every SEND_EVERY calls. */
  let outbox: Submission[] = [];
  let flushQueued = false;
  /** Settled: `.then` on it queues a microtask, as `queueMicrotask` does, without a call out of V8 (Chromium). */
  const settled = Promise.resolve();
  let listening = false;
  let closed: TensorlaneError | undefined;
  /** Once the worker is asked to hand back its calls, later calls go elsewhere at once (as Returned). */
  let redirected = false;
  const spares = createSpares();

  function flush(): void {
    flushQueued = false;
    if (outbox.length === 0) return;
    const batch = outbox;
    outbox = [];
    send(batch);
  }

  /**
   * Sends `batch` in one message, small inputs packed (wire/pack.ts); if it cannot be sent, sends the packed calls
   * again together and each other call alone, so that only the bad one fails. The session moves every buffer first
   * (see moved() in tensor/transfer.ts), so this is the fallback for what moving cannot catch.
   */
  function send(batch: Submission[]): void {
    const live = batch.filter((submission) => {
      const call = calls.get(submission.id);
      if (call) call.sent = true;
      return call !== undefined;
    });
    if (live.length === 0) return;
    const { packed, rest } = pack(live, spares.take);
    const message: Submit = packed ? { tensorlane: 'submit', submissions: rest, packed } : { tensorlane: 'submit', submissions: rest };
    const transfer = rest.length > 0 ? buffersOf(rest.flatMap((submission) => submission.items)) : [];
    if (packed) transfer.push(...packed.buffers, ...bufferOfNumbers(packed.layout));
    try {
      post(message, transfer);
    } catch (error) {
      // Packed buffers are new, or moved already by the session: always transferable. One of the others is at fault.
      if (rest.length > 0 && live.length > 1) {
        if (packed) send(live.filter((submission) => !rest.includes(submission)));
        return rest.forEach((submission) => send([submission]));
      }
      for (const { id } of live) {
        const call = settle(id);
        call?.reject(transitError(error, call.what));
      }
    }
  }

  const settle = (id: number) => untrack(calls, id);

  /** The page gives up first: the call rejects, and the worker, if the call reached it, is told to drop it. */
  function giveUp(id: number, error: TensorlaneError): void {
    const call = settle(id);
    if (call === undefined) return;
    call.reject(error);
    if (!closed && call.sent) post({ tensorlane: 'cancel', id });
  }

  return {
    request(items, { signal, what, alone }) {
      if (closed !== undefined) return Promise.reject(closed);
      if (signal?.aborted) return Promise.reject(abortError(signal, what));
      if (redirected) return Promise.reject(new Returned(items, alone === true));
      const id = nextId++;
      return new Promise<Feeds[]>((resolve, reject) => {
        // One record per call; a listener only for a call with a signal: this runs for every predict.
        const call: Call = { what, outputs: new Array<Feeds>(items.length), resolve, reject };
        calls.set(id, call);
        if (signal) arm(call, signal, what, (error) => giveUp(id, error));
        outbox.push(alone ? { id, items, alone } : { id, items });
        if (!listening) return; // sent once the worker is ready
        if (outbox.length >= SEND_EVERY) flush();
        else if (!flushQueued) {
          flushQueued = true;
          void settled.then(flush);
        }
      });
    },

    open() {
      listening = true;
      flush();
    },

    flush,

    size: () => calls.size,

    receive({ outputs, parts, done, failed, spent }) {
      if (spent) spares.give(spent);
      const slice = outputs && rowSlicer(outputs);
      for (let i = 0; i < parts.length; i += 4) {
        const call = calls.get(parts[i]!);
        if (call === undefined) continue; // the page gave up on it already
        const rows = parts[i + 3]!;
        call.outputs[parts[i + 1]!] = rows < 0 ? outputs! : slice!(parts[i + 2]!, rows);
      }
      for (const id of done) {
        const call = settle(id);
        call?.resolve(call.outputs);
      }
      for (const { id, error } of failed) settle(id)?.reject(fromWireError(error));
    },

    close(error) {
      closed = error;
      for (const id of [...calls.keys()]) settle(id)!.reject(error);
    },

    redirect() {
      redirected = true;
    },

    returned(handedBack) {
      for (const { id, items, alone } of handedBack) settle(id)?.reject(new Returned(items, alone === true));
    },
  };
}
