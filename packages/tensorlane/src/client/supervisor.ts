// Keeps a session's worker alive: holds the current Link, replaces it when the worker faults (a new worker, the same
// model), moves the calls the old worker hands back to the new one, and ends the session after too many restarts.
import { TensorlaneError, toTensorlaneError, type ErrorCode } from '../errors.js';
import type { Fault, LoadReply, Result } from '../wire/protocol.js';
import type { RestartCause, RestartDetail } from '../types/session.js';
import type { Feeds } from '../types/tensor.js';
import { abortError } from './call-errors.js';
import { Returned, type CallOptions } from './calls.js';
import { closePictures, hasPictures } from '../tensor/pictures.js';
import type { Connection, FaultListener } from './connection.js';
import type { Remote } from 'comlink';
import type { HostApi } from '../wire/protocol.js';

/** A worker that holds the loaded model: the page's end of it, and what it loaded. */
export interface Link {
  readonly connection: Connection;
  readonly reply: LoadReply;
}

/** Starts a worker and loads the model in it; `onFault` hears from that worker for as long as it serves. */
export type Connect = (signal: AbortSignal | undefined, onFault: FaultListener) => Promise<Link>;

/** How the supervisor restarts: at all, and how often within {@link RESTART_WINDOW_MS}. */
export interface RestartPolicy {
  readonly restart: boolean;
  readonly maxRestarts: number;
  /** Why `restart()` cannot load the model again (bytes given with restart off), if so. */
  readonly cannotReload?: string;
}

const RESTART_WINDOW_MS = 60_000;

/** The code a session that stopped after a fault rejects with. */
const FAULT_CODES: Readonly<Record<Fault['cause'], ErrorCode>> = {
  'worker-crashed': 'WORKER_CRASHED',
  'device-lost': 'RUN_FAILED',
  'session-failed': 'RUN_FAILED',
};

type State =
  | { readonly kind: 'up'; readonly link: Link }
  | { readonly kind: 'restarting'; readonly next: Promise<Link>; readonly cancel: (error: TensorlaneError) => void }
  | { readonly kind: 'stopped'; readonly error: TensorlaneError };

/** The link of a session, kept up across faults. */
export interface Supervisor {
  /** What the current worker loaded (the last one, while restarting or once stopped). */
  readonly reply: LoadReply;
  /** The error every call gets once the session stopped (after a fault it could not restart from, or disposed). */
  readonly stopped: TensorlaneError | undefined;
  /** Restarts so far, by cause. */
  readonly restarts: Readonly<Record<RestartCause, number>>;
  /** Sends `items` as one call; a call the worker hands back goes to the next one. Waits while a restart runs. */
  request(items: readonly Feeds[], options: CallOptions): Promise<Feeds[]>;
  /** The worker in use, once it serves: waits while a restart runs, as long as the call's signal allows. */
  link(options: CallOptions): Promise<Link>;
  /** A comlink call to the current worker, once it serves. */
  call<T>(invoke: (api: Remote<HostApi>) => Promise<Result<T>>, options: CallOptions): Promise<T>;
  /** Restarts on demand; resolves once the new worker serves. */
  restart(): Promise<void>;
  /** Stops for good: calls in flight and later ones reject with `DISPOSED`. */
  dispose(): Promise<void>;
}

/** Resolves when `promise` does, or rejects when the call's signal aborts (its caller's, or its timeout) first. */
function bounded<T>(promise: Promise<T>, { signal, what }: CallOptions): Promise<T> {
  if (signal === undefined) return promise;
  if (signal.aborted) return Promise.reject(abortError(signal, what));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortError(signal, what));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/**
 * Starts the session's first worker with `connect`, and supervises it: later workers come from `connect` too.
 * @param onRestart - told after each restart, once the new worker serves.
 * @throws what `connect` throws for the first worker.
 */
export async function supervise(
  connect: Connect,
  signal: AbortSignal | undefined,
  policy: RestartPolicy,
  onRestart: (detail: RestartDetail) => void,
): Promise<Supervisor> {
  const restarts: Record<RestartCause, number> = { 'worker-crashed': 0, 'device-lost': 0, 'session-failed': 0, requested: 0 };
  /** When each fault restart began, within the window. */
  const recent: number[] = [];

  /** Starts a worker whose faults are heard for as long as it is the one in use. */
  async function start(startSignal: AbortSignal | undefined): Promise<Link> {
    let link: Link | undefined;
    link = await connect(startSignal, (fault) => {
      if (state.kind === 'up' && state.link === link) onFault(link, fault);
    });
    return link;
  }
  const first = start(signal);
  let state: State = { kind: 'restarting', next: first, cancel: () => undefined };
  state = { kind: 'up', link: await first };
  let reply = state.link.reply;

  function stop(error: TensorlaneError): Promise<void> {
    const before = state;
    state = { kind: 'stopped', error };
    if (before.kind === 'restarting') before.cancel(error);
    return before.kind === 'up' ? before.link.connection.close(error, { release: error.code === 'DISPOSED' }) : Promise.resolve();
  }

  /**
   * Counts one more restart if the policy allows it (restart on, at most `maxRestarts` within the window); otherwise
   * says why not, in a few words.
   */
  function allowRestart(): string | undefined {
    const now = performance.now();
    while (recent.length > 0 && now - recent[0]! > RESTART_WINDOW_MS) recent.shift();
    if (!policy.restart) return "restart is 'off'";
    if (recent.length >= policy.maxRestarts) {
      return `${recent.length + 1} faults within ${RESTART_WINDOW_MS / 1000} s, more than maxRestarts (${policy.maxRestarts}) allows`;
    }
    recent.push(now);
    return undefined;
  }

  function onFault(link: Link, { cause, message }: Pick<Fault, 'cause' | 'message'>): void {
    const refused = allowRestart();
    if (refused === undefined) return void replace(link, cause, message).catch(() => undefined);
    const stopped = policy.restart
      ? `the session stopped: ${refused}; the last: ${message}`
      : `${message} (restart is 'off': the session stopped; create a new one)`;
    void stop(new TensorlaneError(FAULT_CODES[cause], stopped, { details: { cause, ...(policy.restart ? { restarts: { ...restarts } } : {}) } }));
  }

  /**
   * Starts the next worker. One that crashes while it loads (before it serves) is one more fault: another is started,
   * as long as `maxRestarts` allows; the model's bytes, if given as bytes, are still on the page (see create-session.ts).
   */
  async function startAgain(signal: AbortSignal): Promise<Link> {
    for (;;) {
      try {
        return await start(signal);
      } catch (error) {
        const failed = toTensorlaneError(error, 'WORKER_CRASHED');
        if (failed.code !== 'WORKER_CRASHED' || signal.aborted) throw failed;
        const refused = allowRestart();
        if (refused !== undefined) {
          throw new TensorlaneError('WORKER_CRASHED', `the new worker crashed while loading the model (${refused}): ${failed.message}`, { cause: failed });
        }
      }
    }
  }

  /** Moves from `old` to a new worker: takes back what `old` holds, starts the new one; callers then send there. */
  function replace(old: Link, cause: RestartCause, message: string): Promise<void> {
    // Disposing meanwhile cancels: the old worker is closed (ending its surrender) and the new one's load aborted.
    const controller = new AbortController();
    const next = old.connection.surrender().then(() => {
      controller.signal.throwIfAborted();
      return startAgain(controller.signal);
    });
    const cancel = (error: TensorlaneError) => {
      controller.abort(error);
      void old.connection.close(error, { release: true });
    };
    state = { kind: 'restarting', next, cancel };
    const current = () => state.kind === 'restarting' && state.next === next;
    return next.then(
      (link) => {
        if (!current()) return void link.connection.close(new TensorlaneError('DISPOSED', 'the session was disposed'), { release: true });
        state = { kind: 'up', link };
        reply = link.reply;
        restarts[cause]++;
        const total = Object.values(restarts).reduce((a, b) => a + b, 0);
        onRestart({ cause, message, backend: link.reply.backend, engine: link.reply.engine, restarts: total });
      },
      (error: unknown) => {
        const failed = toTensorlaneError(error, 'WORKER_CRASHED');
        const stopped = new TensorlaneError(failed.code, `the session stopped: restarting after "${message}" failed: ${failed.message}`, { cause: failed });
        if (current()) state = { kind: 'stopped', error: stopped };
        throw stopped;
      },
    );
  }

  /** The link in use, once it serves: waits while a restart runs, as long as the call's signal allows. */
  async function inUse(options: CallOptions): Promise<Link> {
    for (;;) {
      if (state.kind === 'up') return state.link;
      if (state.kind === 'stopped') throw state.error;
      // The call's signal ends the wait; how the restart ended is read from the state.
      await bounded(state.next, options).catch((error: unknown) => {
        if (options.signal?.aborted) throw error;
      });
    }
  }

  /**
   * Sends a call to the worker in use, once it serves; a call the worker hands back (Returned) goes again, to the
   * worker that then serves. Not an async function, as Session.#submit is not: a saturated page keeps thousands of
   * these in flight. While in flight it keeps only its pictures, to close if it ends here unsent or handed back (moved
   * ones are gone): not its tensors, whose moved buffers, once packed and posted, would otherwise live as long as it.
   */
  function attempt(items: readonly Feeds[], options: CallOptions, alone: boolean): Promise<Feeds[]> {
    const calling = alone ? { ...options, alone } : options;
    const sent = state.kind === 'up' ? state.link.connection.request(items, calling) : whenServing(items, calling);
    const pictures = hasPictures(items) ? items : undefined;
    return sent.catch((error: unknown) => {
      if (error instanceof Returned) return attempt(error.items, options, error.alone);
      if (pictures) closePictures(pictures);
      throw error;
    });
  }

  /** Sends a call once a worker serves: apart from `attempt`, whose answer handler would otherwise hold the items. */
  function whenServing(items: readonly Feeds[], options: CallOptions): Promise<Feeds[]> {
    return inUse(options).then(({ connection }) => connection.request(items, options));
  }

  return {
    get reply() {
      return reply;
    },
    get stopped() {
      return state.kind === 'stopped' ? state.error : undefined;
    },
    restarts,

    request: (items, options) => attempt(items, options, false),

    link: (options) => (state.kind === 'up' ? Promise.resolve(state.link) : inUse(options)),

    async call(invoke, options) {
      const { connection } = await inUse(options);
      return connection.call(invoke, options);
    },

    async restart() {
      if (state.kind === 'stopped') throw state.error;
      if (policy.cannotReload !== undefined) throw new TensorlaneError('INVALID_OPTIONS', policy.cannotReload);
      if (state.kind === 'restarting') return void (await inUse({ what: 'restart' }));
      await replace(state.link, 'requested', 'session.restart() was called');
    },

    async dispose() {
      const before = state;
      if (before.kind === 'stopped' && before.error.code === 'DISPOSED') return;
      const error = new TensorlaneError('DISPOSED', 'the session was disposed');
      await stop(error);
      // A worker still starting is closed once started, before this resolves.
      if (before.kind === 'restarting') await before.next.then((link) => link.connection.close(error, { release: true }), () => undefined);
    },
  };
}
