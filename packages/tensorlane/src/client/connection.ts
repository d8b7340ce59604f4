import { wrap, type Endpoint, type Remote } from 'comlink';
import { TensorlaneError, fromWireError, messageOf } from '../errors.js';
import { isReady, type HostApi, type Result } from '../protocol.js';

/** What the page talks to: a Worker, or (in tests) a MessagePort, whose `close` stands in for `terminate`. */
export type WorkerLike = Endpoint & { terminate?(): void; close?(): void };

export interface CallOptions {
  signal?: AbortSignal | undefined;
  /** Names the operation in an abort message, e.g. `predict`. */
  what: string;
  /** Called once if the signal aborts the call, to tell the worker. */
  onAbort?: () => void;
}

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
   * Rejects the calls in flight, and every later call, with `error`; then, with `release`, asks the worker to
   * release its session (waiting at most 500 ms), and terminates it. Idempotent.
   */
  close(error: TensorlaneError, options?: { release?: boolean }): Promise<void>;
}

/** The ABORTED error for a signal, keeping its reason as `cause`. */
export function abortError(signal: AbortSignal, what: string): TensorlaneError {
  return new TensorlaneError('ABORTED', `${what} was aborted: ${messageOf(signal.reason)}`, { cause: signal.reason });
}

function crashMessage(event: Event): string {
  if (event.type === 'messageerror') return 'the worker sent a message that could not be deserialized';
  const { message, filename, lineno } = event as ErrorEvent;
  if (typeof message === 'string' && message !== '') {
    return `the worker threw: ${message}${filename ? ` (${filename}:${lineno})` : ''}`;
  }
  return 'the worker failed to start (is its script served, as JavaScript, from the same origin?)';
}

const START_TIMEOUT_MS = 30_000;

export function connect(endpoint: WorkerLike): Connection {
  const api = wrap<HostApi>(endpoint);
  const pending = new Set<(error: TensorlaneError) => void>();
  let closed: TensorlaneError | undefined;

  const onCrash = (event: Event) => {
    event.preventDefault();
    void close(new TensorlaneError('WORKER_CRASHED', crashMessage(event)));
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
    if (!isReady((event as MessageEvent).data)) return;
    clearTimeout(startTimer);
    endpoint.removeEventListener('message', onMessage);
    started();
  };
  endpoint.addEventListener('message', onMessage);
  endpoint.start?.();

  let terminated: Promise<void> | undefined;
  function close(error: TensorlaneError, { release = false } = {}): Promise<void> {
    if (terminated) return terminated;
    closed = error;
    clearTimeout(startTimer);
    endpoint.removeEventListener('message', onMessage);
    endpoint.removeEventListener('error', onCrash);
    endpoint.removeEventListener('messageerror', onCrash);
    for (const reject of [...pending]) reject(error);
    pending.clear();
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
          if (!pending.has(fail)) return;
          // postMessage throws DataCloneError for what it cannot clone or transfer, such as a view of wasm memory.
          const sendFailed = error instanceof Error && error.name === 'DataCloneError';
          fail(
            sendFailed
              ? new TensorlaneError('INVALID_INPUT', `${what} could not send its data to the worker: ${messageOf(error)}`, { cause: error })
              : new TensorlaneError('WORKER_CRASHED', `${what} failed in transit: ${messageOf(error)}`, { cause: error }),
          );
        },
      );
    });
  }

  return {
    api,
    get closed() {
      return closed;
    },
    call,
    close,
  };
}
