// How a call to the worker ends, as its caller reads it: by its one signal (the caller's signal and its timeout
// combined), lost with a crashed worker, unsendable, or refused by a worker of another version.
import { TensorlaneError, messageOf } from '../errors.js';
import { PROTOCOL_VERSION, type Ready } from '../wire/protocol.js';
import { VERSION } from '../wire/version.js';

/** The `TIMEOUT` error a call's signal aborts with when its `timeoutMs` runs out: told apart from a caller's reason. */
class Timeout extends TensorlaneError {}

/** The one signal of a call, and what to call once the call settled: it stops the timer and stops listening. */
export interface CallSignal {
  readonly signal: AbortSignal;
  release(): void;
}

const RELEASED: CallSignal['release'] = () => undefined;

/**
 * The one signal of a call named `what`, which every layer below listens to: the caller's `signal`, aborting also
 * with a `TIMEOUT` error as its reason after `timeoutMs`, counted from now. Undefined with neither, so that such a
 * call costs no signal, timer or listener. Combined by hand rather than by `AbortSignal.any`, which browsers the
 * README supports lack (before Chrome 116, Firefox 124, Safari 17.4).
 */
export function callSignal(signal: AbortSignal | undefined, timeoutMs: number | undefined, what: string): CallSignal | undefined {
  if (timeoutMs === undefined) return signal && { signal, release: RELEASED };
  const controller = new AbortController();
  const timeout = () => controller.abort(new Timeout('TIMEOUT', `${what} took longer than its timeoutMs of ${timeoutMs} ms`));
  const timer = setTimeout(timeout, timeoutMs);
  if (signal === undefined) return { signal: controller.signal, release: () => clearTimeout(timer) };
  const onAbort = () => {
    clearTimeout(timer);
    controller.abort(signal.reason);
  };
  signal.addEventListener('abort', onAbort, { once: true });
  if (signal.aborted) onAbort();
  return {
    signal: controller.signal,
    release() {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
    },
  };
}

/**
 * The error of a call whose signal aborted: the `TIMEOUT` of its {@link callSignal}, or `ABORTED` keeping the
 * caller's reason as `cause`.
 */
export function abortError(signal: AbortSignal, what: string): TensorlaneError {
  const { reason } = signal;
  if (reason instanceof Timeout) return reason;
  return new TensorlaneError('ABORTED', `${what} was aborted: ${messageOf(reason)}`, { cause: reason });
}

/** The error of a call whose inputs went with a worker that stopped. */
export function crashed(message: string): TensorlaneError {
  return new TensorlaneError('WORKER_CRASHED', `${message}; the call's inputs went with the worker, it may be retried`);
}

/** What a worker's `error` or `messageerror` event says happened. */
export function crashMessage(event: Event): string {
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
export function transitError(error: unknown, what: string): TensorlaneError {
  return error instanceof Error && error.name === 'DataCloneError'
    ? new TensorlaneError('INVALID_INPUT', `${what} could not send its data to the worker: ${messageOf(error)}`, { cause: error })
    : new TensorlaneError('WORKER_CRASHED', `${what} failed in transit: ${messageOf(error)}`, { cause: error });
}

/** The error for a worker of another protocol version, or undefined when it speaks this one. */
export function versionMismatch(ready: Partial<Ready>): TensorlaneError | undefined {
  if (ready.protocol === PROTOCOL_VERSION) return undefined;
  const theirs = typeof ready.protocol === 'number' ? `protocol ${ready.protocol}` : `an older protocol (before ${PROTOCOL_VERSION})`;
  return new TensorlaneError(
    'INVALID_OPTIONS',
    `the worker runs tensorlane/worker ${ready.version ?? '(unknown version)'}, which speaks ${theirs}, but this page runs tensorlane ${VERSION}, which speaks protocol ${PROTOCOL_VERSION}: a custom worker (option "worker") must import 'tensorlane/worker' from the same tensorlane as the page`,
    { details: { worker: { version: ready.version, protocol: ready.protocol }, page: { version: VERSION, protocol: PROTOCOL_VERSION } } },
  );
}
