// The page's end of one worker: its lifecycle (READY and the version check, crashes, faults, close, surrender) and
// the comlink calls that answer; the predict calls in flight are client/calls.ts's.
import { wrap, type Endpoint, type Remote } from 'comlink';
import { TensorlaneError } from '../errors.js';
import { createAwake } from '../wire/awake.js';
import { fromWireError } from '../wire/wire-error.js';
import {
  isFault, isHeard, isReady, isResults, isStreamAnswers, isVideoResult, type Cancel, type Fault, type HostApi, type Result,
  type StreamOps, type Submit, type VideoMessage, type VideoResultMessage,
} from '../wire/protocol.js';
import type { Feeds } from '../types/tensor.js';
import { abortError, crashMessage, crashed, transitError, versionMismatch } from './call-errors.js';
import { createCalls, type CallOptions } from './calls.js';
import { createStreamCalls, type StreamCalls } from './stream-calls.js';

/** What the page talks to: a Worker, or (in tests) a MessagePort, whose `close` stands in for `terminate`. */
export type WorkerLike = Endpoint & { terminate?(): void; close?(): void };

/** What the worker says about itself: it can no longer serve (`Fault`), or crashed. */
export type FaultListener = (fault: Pick<Fault, 'cause' | 'message'>) => void;

/**
 * The page's end of one worker. Every call is tracked: if the worker fails to start, throws, or a message cannot be
 * read, all calls in flight reject with `WORKER_CRASHED` and later calls reject the same way. Nothing hangs.
 */
export interface Connection {
  /** The error every call now rejects with, once the connection is closed. */
  readonly closed: TensorlaneError | undefined;
  call<T>(invoke: (api: Remote<HostApi>) => Promise<Result<T>>, options: CallOptions): Promise<T>;
  /**
   * Queues `items` in the worker as one call and resolves with their outputs, in order. The buffers of `items` are
   * transferred. Calls made in the same task travel in one message. When its signal aborts (its caller's, or its
   * timeout) the call rejects at once, and the worker drops it if it has not run.
   */
  request(items: readonly Feeds[], options: CallOptions): Promise<Feeds[]>;
  /** The stream operations in flight to this worker; they reject `STATE_LOST` when it is surrendered. */
  readonly streams: StreamCalls;
  /**
   * Rejects the calls in flight, and every later call, with `error`; then, with `release`, asks the worker to
   * release its session (waiting at most 500 ms), and terminates it. Idempotent.
   */
  close(error: TensorlaneError, options?: { release?: boolean }): Promise<void>;
  /** Posts a live video's message to the worker (client/images/stream.ts); once closed, its frame is closed instead. */
  postVideo(message: VideoMessage, transfer: Transferable[]): void;
  /** Hears the worker's live video results, and the error this connection closes with; returns how to stop listening. */
  onVideo(listener: (result: VideoResultMessage | TensorlaneError) => void): () => void;
  /**
   * Takes back from the worker every call it has not answered, and closes: each such call rejects with
   * {@link Returned}, carrying its inputs; a call the worker did not hand back rejects `WORKER_CRASHED`. A worker
   * that does not answer within 30 s counts as crashed.
   */
  surrender(): Promise<void>;
}

const START_TIMEOUT_MS = 30_000;

/**
 * Opens the page's end of the worker behind `endpoint`.
 * @param onFault - told when the worker crashes or says it can no longer serve; after the connection closed, never.
 * @param busyWaitMs - how long the page stays awake for an answer (see SessionOptions.busyWaitMs).
 */
export function connect(endpoint: WorkerLike, onFault: FaultListener = () => undefined, busyWaitMs = 0): Connection {
  const api = wrap<HostApi>(endpoint);
  /** The comlink calls in flight: how to reject each. */
  const pending = new Set<(error: TensorlaneError) => void>();
  let closed: TensorlaneError | undefined;
  // Awake while calls are out (wire/awake.ts): from each message that asks for answers to the last answer.
  const awake = createAwake();
  awake.ms = busyWaitMs;
  const asking = (message: Submit | Cancel | StreamOps, transfer?: Transferable[]) => {
    endpoint.postMessage(message, transfer);
    if (message.tensorlane !== 'cancel') awake.wait();
  };
  const calls = createCalls(asking);
  const streams = createStreamCalls(asking);
  const videoListeners = new Set<(result: VideoResultMessage | TensorlaneError) => void>();

  const onResults = (event: Event) => {
    const { data } = event as MessageEvent;
    if (isFault(data)) fault(data.cause, data.message);
    else if (isResults(data)) {
      awake.came();
      calls.receive(data);
      if (calls.size() > 0) awake.wait();
    } else if (isStreamAnswers(data)) {
      awake.came();
      streams.receive(data);
    } else if (isHeard(data)) streams.receive(data);
    else if (isVideoResult(data)) for (const listener of [...videoListeners]) listener(data);
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
  let listening = false;
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
    calls.open();
    streams.open();
  };
  endpoint.addEventListener('message', onMessage);
  endpoint.start?.();

  let terminated: Promise<void> | undefined;
  function close(error: TensorlaneError, { release = false } = {}): Promise<void> {
    if (terminated) return terminated;
    closed = error;
    awake.came();
    clearTimeout(startTimer);
    endpoint.removeEventListener('message', onMessage);
    endpoint.removeEventListener('message', onResults);
    endpoint.removeEventListener('error', onCrash);
    endpoint.removeEventListener('messageerror', onCrash);
    for (const reject of [...pending]) reject(error);
    pending.clear();
    calls.close(error);
    streams.close(error);
    for (const listener of [...videoListeners]) listener(error);
    videoListeners.clear();
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
    const { signal, what } = options;
    if (closed !== undefined) return Promise.reject(closed);
    if (signal?.aborted) return Promise.reject(abortError(signal, what));
    return new Promise<T>((resolve, reject) => {
      const fail = (error: TensorlaneError) => {
        done();
        reject(error);
      };
      const onSignal = () => fail(abortError(signal!, what));
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

  async function surrender(): Promise<void> {
    calls.flush();
    calls.redirect();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(crashed(`the worker did not hand back its calls within ${START_TIMEOUT_MS / 1000} s`)), START_TIMEOUT_MS);
    });
    try {
      const returned = await Promise.race([call((api) => api.surrender(), { what: 'restart' }), timeout]);
      calls.returned(returned);
      streams.close(new TensorlaneError('STATE_LOST', 'the worker restarted, and the stream state went with it; reset() the stream'));
      await close(crashed('the worker stopped without handing back this call'), { release: true });
    } catch (error) {
      await close(error as TensorlaneError); // it crashed meanwhile, or does not answer
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    get closed() {
      return closed;
    },
    call,
    request: calls.request,
    streams,
    close,
    surrender,
    postVideo(message, transfer) {
      const send = () => {
        if (closed === undefined) endpoint.postMessage(message, transfer);
        else if (message.tensorlane === 'video-frame') message.frame.close();
      };
      if (listening || closed !== undefined) send();
      else void ready.then(send);
    },
    onVideo(listener) {
      videoListeners.add(listener);
      return () => void videoListeners.delete(listener);
    },
  };
}
