// Reading what the caller gave, where reading itself may throw (a getter, a proxy trap, a revoked proxy).
import { TensorlaneError, isTensorlaneError, messageOf, type ErrorCode } from '../errors.js';

/**
 * Runs a check of what the caller gave, `check(arg)`; anything it throws that is not a TensorlaneError (a getter or a
 * proxy trap of the caller's that throws, a revoked proxy) becomes one with `code`, naming `what` and keeping it as
 * `cause`.
 */
export function unreadable<T, A = undefined>(code: ErrorCode, what: string, check: (arg: A) => T, arg?: A): T {
  try {
    return check(arg as A);
  } catch (error) {
    if (isTensorlaneError(error)) throw error;
    throw new TensorlaneError(code, `${what} could not be read: ${messageOf(error)}`, { cause: error });
  }
}
