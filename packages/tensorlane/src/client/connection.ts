import { wrap, type Endpoint, type Remote } from 'comlink';
import { TensorlaneError, fromWireError, messageOf } from '../errors.js';
import {
  PROTOCOL_VERSION, isFault, isReady, isResults, type Cancel, type Fault, type HostApi, type Ready, type Result, type Submission,
  type Submit,
} from '../protocol.js';
import { pack } from '../tensor/pack.js';
import { rowSlicer } from '../tensor/stack.js';
import { buffersOf } from '../tensor/transfer.js';
import type { Feeds } from '../tensor/types.js';
import { VERSION } from '../version.js';

/** What the page talks to: a Worker, or (in tests) a MessagePort, whose `close` stands in for `terminate`. */
export type WorkerLike = Endpoint & { terminate?(): void; close?(): void };

export interface CallOptions {
  signal?: AbortSignal | undefined;
  /** Names the operation in an abort message, e.g. `predict`. */
  what: string;
  /** Called once if the signal aborts the call, to tell the worker. */
  onAbort?: () => void;
}

export interface RequestOptions {
  signal?: AbortSignal | undefined;
  /** Rejects with `TIMEOUT` after this long, or at `deadline` when given. */
  timeoutMs?: number | undefined;
  /** `performance.now()` at which the call times out, for a call that waited elsewhere first. */
  deadline?: number | undefined;
  /** Names the operation in messages, e.g. `predict`. */
  what: string;
  /** Run each item in a run of its own (see `Submission.alone`). */
  alone?: boolean | undefined;
}

/**
 * How `request` rejects a call the worker handed back (see `surrender`): with its inputs, to send to another worker.
 * Never reaches the caller of `predict`.
 */
export class Returned {
  constructor(
    readonly items: readonly Feeds[],
    readonly alone: boolean,
  ) {}
}

/** What the worker says about itself: it can no longer serve (`Fault`), or crashed. */
export type FaultListener = (fault: Pick<Fault, 'cause' | 'message'>) => void;

/**
 * The page's end of one worker. Every call is tracked: if the worker fails to start, throws, or a message cannot be
 * read, all calls in flight reject with `WORKER_CRASHED` and later calls reject the same way. Nothing hangs.
 */
export interface Connection {
  readonly api: Remote<HostApi>;
  /** The error every call now rejects with, once the connection is closed. */
  readonly closed: TensorlaneError | undefined;
  call<T>(invoke: (api: Remote<HostApi>) => Promise<Result<T>>, options: CallOptions): Promise<T>;
  /**
   * Queues `items` in the worker as one call and resolves with their outputs, in order. The buffers of `items` are
   * transferred. Calls made in the same task travel in one message. On abort or timeout the call rejects at once,
   * and the worker drops it if it has not run.
   */
  request(items: readonly Feeds[], options: RequestOptions): Promise<Feeds[]>;
  /**
   * Rejects the calls in flight, and every later call, with `error`; then, with `release`, asks the worker to
   * release its session (waiting at most 500 ms), and terminates it. Idempotent.
   */
  close(error: TensorlaneError, options?: { release?: boolean }): Promise<void>;
  /**
   * Takes back from the worker every call it has not answered, and closes: each such call rejects with
   * {@link Returned}, carrying its inputs; a call the worker did not hand back rejects `WORKER_CRASHED`. A worker
   * that does not answer within 30 s counts as crashed.
   */
  surrender(): Promise<void>;
}

/** The ABORTED error for a signal, keeping its reason as `cause`. */
export function abortError(signal: AbortSignal, what: string): TensorlaneError {
  return new TensorlaneError('ABORTED', `${what} was aborted: ${messageOf(signal.reason)}`, { cause: signal.reason });
}

/** The error of a call whose inputs went with a worker that stopped. */
export function crashed(message: string): TensorlaneError {
  return new TensorlaneError('WORKER_CRASHED', `${message}; the call's inputs went with the worker, it may be retried`);
}

function crashMessage(event: Event): string {
  if (event.type === 'messageerror') return 'the worker sent a message that could not be deserialized';
  const { message, filename, lineno } = event as ErrorEvent;
  if (typeof message === 'string' && message !== '') {
    return `the worker threw: ${message}${filename ? ` (${filename}:${lineno})` : ''}`;
  }
  return 'the worker failed to start (is its script served, as JavaScript, from the same origin?)';
}

/**
 * What a failed send means: postMessage throws DataCloneError for what it cannot clone or transfer, such as a view of
 * WebAssembly memory (the caller's input is at fault); anything else lost the message in transit.
 */
function transitError(error: unknown, what: string): TensorlaneError {
  return error instanceof Error && error.name === 'DataCloneError'
    ? new TensorlaneError('INVALID_INPUT', `${what} could not send its data to the worker: ${messageOf(error)}`, { cause: error })
    : new TensorlaneError('WORKER_CRASHED', `${what} failed in transit: ${messageOf(error)}`, { cause: error });
}

/** The error for a worker of another protocol version, or undefined when it speaks this one. */
function versionMismatch(ready: Partial<Ready>): TensorlaneError | undefined {
  if (ready.protocol === PROTOCOL_VERSION) return undefined;
  const theirs = typeof ready.protocol === 'number' ? `protocol ${ready.protocol}` : `an older protocol (before ${PROTOCOL_VERSION})`;
  return new TensorlaneError(
    'INVALID_OPTIONS',
    `the worker runs tensorlane/worker ${ready.version ?? '(unknown version)'}, which speaks ${theirs}, but this page runs tensorlane ${VERSION}, which speaks protocol ${PROTOCOL_VERSION}: a custom worker (option "worker") must import 'tensorlane/worker' from the same tensorlane as the page`,
    { details: { worker: { version: ready.version, protocol: ready.protocol }, page: { version: VERSION, protocol: PROTOCOL_VERSION } } },
  );
}

/** A call sent to the scheduler and not yet answered. */
interface Request {
  readonly what: string;
  /** Its items' outputs, as their parts come. */
  readonly outputs: Feeds[];
  resolve(outputs: Feeds[]): void;
  reject(error: TensorlaneError | Returned): void;
  timer?: ReturnType<typeof setTimeout>;
  signal?: AbortSignal;
  onAbort?: () => void;
  /** Posted to the worker; until then, giving up needs no cancel message. */
  sent?: boolean;
}

const START_TIMEOUT_MS = 30_000;

/**
 * Calls per message at most. A burst is sent in slices, so that the worker runs the first batch while the page
 * still serialises the rest; one message per call would cost a postMessage each. 64 (the default maxBatchSize)
 * moved 2,000 single-row MLP calls through WASM in 39 ms median against 48 ms with 32 and 38 ms with 128.
 */
const SEND_EVERY = 64;

/**
 * Opens the page's end of the worker behind `endpoint`.
 * @param onFault - told when the worker crashes or says it can no longer serve; after the connection closed, never.
 */
export function connect(endpoint: WorkerLike, onFault: FaultListener = () => undefined): Connection {
  const api = wrap<HostApi>(endpoint);
  const pending = new Set<(error: TensorlaneError) => void>();
  let closed: TensorlaneError | undefined;
  /** Calls sent to the scheduler and not yet answered: their outputs so far, and how to settle them. */
  const requests = new Map<number, Request>();
  let nextId = 1;
  /** Calls of the current task, sent together when it ends, or every SEND_EVERY calls. */
  let outbox: Submission[] = [];
  let flushQueued = false;
  let listening = false;
  /** Once the worker is asked to hand back its calls, later calls go elsewhere at once (as Returned). */
  let surrendering = false;
  function flush(): void {
    flushQueued = false;
    if (outbox.length === 0) return;
    const batch = outbox;
    outbox = [];
    send(batch);
  }

  const onResults = (event: Event) => {
    const { data } = event as MessageEvent;
    if (isFault(data)) return fault(data.cause, data.message);
    if (!isResults(data)) return;
    const { outputs, parts, done, failed } = data;
    const slice = outputs && rowSlicer(outputs);
    for (let i = 0; i < parts.length; i += 4) {
      const request = requests.get(parts[i]!);
      if (request === undefined) continue; // the page gave up on it already
      const rows = parts[i + 3]!;
      request.outputs[parts[i + 1]!] = rows < 0 ? outputs! : slice!(parts[i + 2]!, rows);
    }
    for (const id of done) answer(id);
    for (const { id, error } of failed) settle(id)?.reject(fromWireError(error));
  };
  endpoint.addEventListener('message', onResults);

  /** A worker that crashed is closed at once: its calls went with it. One that stopped cleanly is surrendered. */
  function fault(cause: Fault['cause'], message: string): void {
    if (closed) return;
    if (cause === 'worker-crashed') void close(crashed(message));
    onFault({ cause, message });
  }
  const onCrash = (event: Event) => {
    event.preventDefault();
    fault('worker-crashed', crashMessage(event));
  };
  endpoint.addEventListener('error', onCrash);
  endpoint.addEventListener('messageerror', onCrash);

  // Calls wait until the worker says it listens (see READY); a worker that never does is reported, not waited on.
  let started: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (started = resolve));
  const startTimer = setTimeout(() => {
    void close(
      new TensorlaneError(
        'WORKER_CRASHED',
        `the worker did not start within ${START_TIMEOUT_MS / 1000} s (a custom worker must import 'tensorlane/worker')`,
      ),
    );
  }, START_TIMEOUT_MS);
  const onMessage = (event: Event) => {
    const { data } = event as MessageEvent;
    if (!isReady(data)) return;
    clearTimeout(startTimer);
    endpoint.removeEventListener('message', onMessage);
    const mismatch = versionMismatch(data);
    if (mismatch) return void close(mismatch);
    started();
    listening = true;
    flush();
  };
  endpoint.addEventListener('message', onMessage);
  endpoint.start?.();

  let terminated: Promise<void> | undefined;
  function close(error: TensorlaneError, { release = false } = {}): Promise<void> {
    if (terminated) return terminated;
    closed = error;
    clearTimeout(startTimer);
    endpoint.removeEventListener('message', onMessage);
    endpoint.removeEventListener('message', onResults);
    endpoint.removeEventListener('error', onCrash);
    endpoint.removeEventListener('messageerror', onCrash);
    for (const reject of [...pending]) reject(error);
    pending.clear();
    for (const id of [...requests.keys()]) settle(id)!.reject(error);
    const released = release
      ? Promise.race([api.dispose(), new Promise((resolve) => setTimeout(resolve, 500))]).catch(() => undefined)
      : Promise.resolve();
    terminated = released.then(() => {
      if (endpoint.terminate) endpoint.terminate();
      else endpoint.close?.();
    });
    return terminated;
  }

  function call<T>(invoke: (api: Remote<HostApi>) => Promise<Result<T>>, options: CallOptions): Promise<T> {
    const { signal, what, onAbort } = options;
    if (closed !== undefined) return Promise.reject(closed);
    if (signal?.aborted) return Promise.reject(abortError(signal, what));
    return new Promise<T>((resolve, reject) => {
      const fail = (error: TensorlaneError) => {
        done();
        reject(error);
      };
      const onSignal = () => {
        fail(abortError(signal!, what));
        onAbort?.();
      };
      const done = () => {
        pending.delete(fail);
        signal?.removeEventListener('abort', onSignal);
      };
      pending.add(fail);
      signal?.addEventListener('abort', onSignal, { once: true });
      ready.then(() => invoke(api)).then(
        (result) => {
          if (!pending.has(fail)) return; // already rejected: aborted, disposed or crashed
          done();
          if (result.ok) resolve(result.value);
          else reject(fromWireError(result.error));
        },
        (error: unknown) => {
          if (pending.has(fail)) fail(transitError(error, what));
        },
      );
    });
  }

  /**
   * Sends `batch` in one message, small inputs packed (tensor/pack.ts); if it cannot be sent, sends the packed calls
   * again together and each other call alone, so that only the bad one fails. The session moves every buffer first
   * (see moved() in tensor/transfer.ts), so this is the fallback for what moving cannot catch.
   */
  function send(batch: Submission[]): void {
    const live = batch.filter((submission) => {
      const request = requests.get(submission.id);
      if (request) request.sent = true;
      return request !== undefined;
    });
    if (live.length === 0 || closed) return;
    const { packed, rest } = pack(live);
    const message: Submit = { tensorlane: 'submit', submissions: rest, ...(packed ? { packed } : {}) };
    const transfer = buffersOf(rest.flatMap((submission) => submission.items));
    if (packed) transfer.push(...packed.buffers, packed.layout.buffer as ArrayBuffer);
    try {
      endpoint.postMessage(message, transfer);
    } catch (error) {
      // Packed buffers are new and always transferable: one of the others is at fault.
      if (rest.length > 0 && live.length > 1) {
        if (packed) send(live.filter((submission) => !rest.includes(submission)));
        return rest.forEach((submission) => send([submission]));
      }
      for (const { id } of live) {
        const request = settle(id);
        request?.reject(transitError(error, request.what));
      }
    }
  }

  /** Forgets call `id`, its timer and its abort listener; returns it, to settle, if it was still pending. */
  function settle(id: number): Request | undefined {
    const request = requests.get(id);
    if (request === undefined) return undefined;
    requests.delete(id);
    if (request.timer !== undefined) clearTimeout(request.timer);
    if (request.onAbort) request.signal!.removeEventListener('abort', request.onAbort);
    return request;
  }

  function answer(id: number): void {
    const request = settle(id);
    request?.resolve(request.outputs);
  }

  /** The page gives up first: the call rejects, and the worker, if the call reached it, is told to drop it. */
  function giveUp(id: number, error: TensorlaneError): void {
    const request = settle(id);
    if (request === undefined) return;
    request.reject(error);
    if (!closed && request.sent) endpoint.postMessage({ tensorlane: 'cancel', id } satisfies Cancel);
  }

  function request(items: readonly Feeds[], options: RequestOptions): Promise<Feeds[]> {
    const { signal, timeoutMs, deadline, what, alone } = options;
    if (closed !== undefined) return Promise.reject(closed);
    if (signal?.aborted) return Promise.reject(abortError(signal, what));
    if (surrendering) return Promise.reject(new Returned(items, alone === true));
    const id = nextId++;
    return new Promise<Feeds[]>((resolve, reject) => {
      // One record per call; a listener and a timer only when asked for: this runs for every predict.
      const request: Request = { what, outputs: new Array<Feeds>(items.length), resolve, reject };
      requests.set(id, request);
      if (signal) {
        request.signal = signal;
        request.onAbort = () => giveUp(id, abortError(signal, what));
        signal.addEventListener('abort', request.onAbort, { once: true });
      }
      if (timeoutMs !== undefined && timeoutMs <= 2_147_483_647) { // setTimeout would fire at once past that
        const delay = deadline === undefined ? timeoutMs : Math.max(0, deadline - performance.now());
        request.timer = setTimeout(() => giveUp(id, new TensorlaneError('TIMEOUT', `${what} took longer than its timeoutMs of ${timeoutMs} ms`)), delay);
      }
      outbox.push({ id, items, ...(alone ? { alone } : {}) });
      if (!listening) return; // sent once the worker is ready
      if (outbox.length >= SEND_EVERY) flush();
      else if (!flushQueued) {
        flushQueued = true;
        queueMicrotask(flush);
      }
    });
  }

  async function surrender(): Promise<void> {
    flush();
    surrendering = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(crashed(`the worker did not hand back its calls within ${START_TIMEOUT_MS / 1000} s`)), START_TIMEOUT_MS);
    });
    try {
      const returned = await Promise.race([call((api) => api.surrender(), { what: 'restart' }), timeout]);
      for (const { id, items, alone } of returned) settle(id)?.reject(new Returned(items, alone === true));
      await close(crashed('the worker stopped without handing back this call'), { release: true });
    } catch (error) {
      await close(error as TensorlaneError); // it crashed meanwhile, or does not answer
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    api,
    get closed() {
      return closed;
    },
    call,
    request,
    close,
    surrender,
  };
}
