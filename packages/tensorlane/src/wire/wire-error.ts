// An error as it crosses the boundary: comlink would keep only an Error's name, message and stack, so errors travel
// as `WireError`s (protocol.ts) and are rebuilt as TensorlaneErrors, code, details and cause intact, on the other side.
import { TensorlaneError, toTensorlaneError, type ErrorCode } from '../errors.js';
import type { WireError } from './protocol.js';

/** Converts anything thrown into a wire error; errors that are not tensorlane's get `fallbackCode`. */
export function toWireError(error: unknown, fallbackCode: ErrorCode): WireError {
  const { code, message, details, cause } = toTensorlaneError(error, fallbackCode);
  return {
    code,
    message,
    ...(details === undefined ? {} : { details }),
    ...(cause === undefined ? {} : { cause: describeCause(cause) }),
  };
}

/** Rebuilds a {@link TensorlaneError} from its wire form. */
export function fromWireError(wire: WireError): TensorlaneError {
  let cause: Error | undefined;
  if (wire.cause !== undefined) {
    cause = new Error(wire.cause.message);
    cause.name = wire.cause.name;
  }
  return new TensorlaneError(wire.code, wire.message, {
    ...(cause === undefined ? {} : { cause }),
    ...(wire.details === undefined ? {} : { details: wire.details }),
  });
}

function describeCause(cause: unknown): { name: string; message: string } {
  if (cause instanceof Error) return { name: cause.name, message: cause.message };
  return { name: 'Error', message: String(cause) };
}
