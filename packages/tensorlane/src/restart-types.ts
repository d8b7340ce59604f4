// What a session's restarts report: why it restarted, and the event that says so (see Session, 'restart').
import type { Backend } from './backends.js';

/**
 * Why a session restarted: its worker crashed (`'worker-crashed'`: an uncaught error or unhandled rejection in it, a
 * WebAssembly abort, a message that could not be read), the GPU device was lost (`'device-lost'`), the
 * onnxruntime-web session could not run again (`'session-failed'`), or `session.restart()` asked for it
 * (`'requested'`).
 * @example
 * ```ts
 * import type { RestartCause } from 'tensorlane';
 *
 * const label: Record<RestartCause, string> = {
 *   'worker-crashed': 'the worker crashed', 'device-lost': 'the GPU was lost', 'session-failed': 'the session failed', requested: 'restarted',
 * };
 * ```
 */
export type RestartCause = 'worker-crashed' | 'device-lost' | 'session-failed' | 'requested';

/**
 * What a `'restart'` event tells: why, what went wrong, where the session runs now, and how many restarts so far.
 * @example
 * ```ts
 * import type { RestartDetail } from 'tensorlane';
 *
 * session.addEventListener('restart', (event) => {
 *   const { cause, message, backend, restarts }: RestartDetail = event.detail;
 *   console.warn(`restart #${restarts} (${cause}: ${message}); now on ${backend}`);
 * });
 * ```
 */
export interface RestartDetail {
  /** Why the session restarted. */
  readonly cause: RestartCause;
  /** What went wrong, in one line, e.g. `the GPU device was lost (destroyed): …`. */
  readonly message: string;
  /** The backend the session runs on now (`session.backend`). */
  readonly backend: Backend;
  /** Restarts of this session so far, this one included. */
  readonly restarts: number;
}

/**
 * The events a {@link Session} dispatches, by type.
 * @example
 * ```ts
 * import type { SessionEventMap } from 'tensorlane';
 *
 * const onRestart = (event: SessionEventMap['restart']) => console.info(event.detail.cause);
 * session.addEventListener('restart', onRestart);
 * ```
 */
export interface SessionEventMap {
  /** The session recovered: a new worker and onnxruntime-web session serve it. Dispatched once it serves. */
  restart: CustomEvent<RestartDetail>;
}
