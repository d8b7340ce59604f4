/**
 * What went wrong, as a stable code to branch on.
 * - `MODEL_FETCH_FAILED`: a model file could not be downloaded: network error, HTTP status, a download cut short,
 *   or an HTML page where a model was expected.
 * - `MODEL_LOAD_FAILED`: loading failed in the worker for a reason no code below names (the `cause` says what), or
 *   the worker cannot take this load (it already holds a session, or was disposed).
 * - `MODEL_INVALID`: the bytes are empty or not a model onnxruntime-web can parse, or it has inputs tensorlane
 *   cannot feed.
 * - `INTEGRITY_MISMATCH`: the bytes of a file do not have the digest given as `integrity`.
 * - `BACKEND_UNAVAILABLE`: no requested backend could run the model; `details.attempts` lists why.
 * - `INVALID_OPTIONS`: an option of `createSession`, `predict` or `predictBatch` has a wrong name or value.
 * - `INVALID_INPUT`: the feeds do not match the model's inputs.
 * - `RUN_FAILED`: onnxruntime-web failed while running the model.
 * - `QUEUE_FULL`: the request would take the rows waiting past `maxQueueSize`; its inputs were not taken.
 * - `ABORTED`: the caller's `AbortSignal` fired; its reason is the `cause`.
 * - `TIMEOUT`: the call took longer than its `timeoutMs`.
 * - `DISPOSED`: the session was disposed before or while the call ran.
 * - `WORKER_CRASHED`: the worker failed to start, threw, or could not deliver a message.
 * - `ENVIRONMENT_UNSUPPORTED`: this JavaScript environment lacks what the call needs: `Worker` for `createSession`
 *   (Node, a server render), the Cache API for the cache helpers (not a secure context), or Web Audio for `listen`.
 * - `STATE_LOST`: a stream's state went with a worker that restarted; `stream.reset()` starts it again.
 * - `STATE_LIMIT`: a stream's carried value would grow past a limit of its `limits`; the state stays as it was.
 * @example
 * ```ts
 * import { isTensorlaneError, type ErrorCode } from 'tensorlane';
 *
 * const retryable: readonly ErrorCode[] = ['MODEL_FETCH_FAILED', 'TIMEOUT', 'WORKER_CRASHED'];
 * const shouldRetry = (e: unknown) => isTensorlaneError(e) && retryable.includes(e.code);
 * ```
 */
export type ErrorCode =
  | 'MODEL_FETCH_FAILED'
  | 'MODEL_LOAD_FAILED'
  | 'MODEL_INVALID'
  | 'INTEGRITY_MISMATCH'
  | 'BACKEND_UNAVAILABLE'
  | 'INVALID_OPTIONS'
  | 'INVALID_INPUT'
  | 'RUN_FAILED'
  | 'QUEUE_FULL'
  | 'ABORTED'
  | 'TIMEOUT'
  | 'DISPOSED'
  | 'WORKER_CRASHED'
  | 'ENVIRONMENT_UNSUPPORTED'
  | 'STATE_LOST'
  | 'STATE_LIMIT';

/**
 * Options of {@link TensorlaneError}.
 * @example
 * ```ts
 * import { TensorlaneError, type TensorlaneErrorOptions } from 'tensorlane';
 *
 * const options: TensorlaneErrorOptions = { cause: new TypeError('Failed to fetch'), details: { url: '/models/net.onnx' } };
 * throw new TensorlaneError('MODEL_FETCH_FAILED', 'could not fetch model "/models/net.onnx": Failed to fetch', options);
 * ```
 */
export interface TensorlaneErrorOptions {
  /** The error this one wraps. */
  cause?: unknown;
  /** Structured facts about the failure, e.g. the backends tried. */
  details?: Readonly<Record<string, unknown>>;
}

/**
 * Every error tensorlane raises: a {@link ErrorCode} and a one-line message naming the offending value and what
 * was expected. Errors raised in the worker arrive on the page as `TensorlaneError` with the same code.
 * @example
 * ```ts
 * import { createSession, TensorlaneError } from 'tensorlane';
 *
 * try {
 *   await createSession({ model: '/models/net.onnx', backend: 'webgpu' });
 * } catch (error) {
 *   if (error instanceof TensorlaneError && error.code === 'BACKEND_UNAVAILABLE') {
 *     console.warn(error.message, error.details?.attempts); // each backend tried, and why it failed
 *   }
 * }
 * ```
 */
export class TensorlaneError extends Error {
  /** Always `'TensorlaneError'`, also on copies that crossed a realm. */
  override readonly name = 'TensorlaneError';
  /** What went wrong, to branch on. */
  readonly code: ErrorCode;
  /** Structured facts about the failure, e.g. `attempts` for `BACKEND_UNAVAILABLE`. */
  readonly details: Readonly<Record<string, unknown>> | undefined;

  /**
   * @param code - what went wrong.
   * @param message - one line: the offending value and the expectation.
   * @param options - `cause` and `details`.
   */
  constructor(code: ErrorCode, message: string, options: TensorlaneErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.details = options.details;
  }
}

/**
 * Whether `value` is a {@link TensorlaneError}, optionally with the given `code`. Works across realms and copies
 * of the package, where `instanceof` would not.
 * @param value - anything caught.
 * @param code - when given, also require this code.
 * @example
 * ```ts
 * import { isTensorlaneError } from 'tensorlane';
 *
 * try {
 *   await session.predict(feeds, { signal: AbortSignal.timeout(1000) });
 * } catch (error) {
 *   if (!isTensorlaneError(error, 'ABORTED')) throw error;
 *   // timed out: the session is still usable
 * }
 * ```
 */
export function isTensorlaneError(value: unknown, code?: ErrorCode): value is TensorlaneError {
  if (value instanceof TensorlaneError) return code === undefined || value.code === code;
  if (typeof value !== 'object' || value === null) return false;
  const { name, code: actual } = value as { name?: unknown; code?: unknown };
  return name === 'TensorlaneError' && typeof actual === 'string' && (code === undefined || actual === code);
}

/** Anything thrown, as a {@link TensorlaneError}: tensorlane's own as they are, others with `fallbackCode` and as `cause`. */
export function toTensorlaneError(error: unknown, fallbackCode: ErrorCode): TensorlaneError {
  return isTensorlaneError(error) ? error : new TensorlaneError(fallbackCode, messageOf(error), { cause: error });
}

/** The message of anything thrown, for embedding in a one-line message. */
export function messageOf(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.replace(/\s+/g, ' ').trim();
}
