import { TensorlaneError, type TensorlaneErrorOptions } from '../errors.js';
import type { Fault } from '../wire/protocol.js';

/**
 * A run that left the session unable to run again, or that the session's end interrupted. Its runs reject with it
 * from then on; the scheduler stops starting runs, and the host tells the page (`Fault`), which moves the calls not
 * answered to a new worker.
 */
export class SessionBroken extends TensorlaneError {
  /**
   * @param fault - what the page is told: the cause, and a message saying what happened.
   * @param blame - whether the run's own inputs may have broken it (a native run failure, a WebAssembly abort): the
   *   request is then rejected with this error instead of being run again; a lost device blames no request.
   * @param message - what the blamed request is rejected with.
   */
  constructor(
    readonly fault: Omit<Fault, 'tensorlane'>,
    readonly blame: boolean,
    message: string,
    options?: TensorlaneErrorOptions,
  ) {
    super(fault.cause === 'worker-crashed' ? 'WORKER_CRASHED' : 'RUN_FAILED', message, options);
  }
}

/** A backend attempt that failed in a way the next engine or backend may get past. */
export class AttemptFailed extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}
