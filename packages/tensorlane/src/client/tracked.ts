// What the page's calls to a worker share, predict's (calls.ts) and the streams' (stream-calls.ts): each is tracked
// by id until it settles, with the listener on its one signal (see `callSignal`) that gives up on it.
import type { TensorlaneError } from '../errors.js';
import { abortError } from './call-errors.js';

/** A call in flight: what gives up on it, when asked for. */
export interface Tracked {
  signal?: AbortSignal;
  onAbort?: () => void;
}

/** Gives up on `call` through `giveUp` when `signal` aborts; a listener only for a call with a signal. */
export function arm(call: Tracked, signal: AbortSignal | undefined, what: string, giveUp: (error: TensorlaneError) => void): void {
  if (signal === undefined) return;
  call.signal = signal;
  call.onAbort = () => giveUp(abortError(signal, what));
  signal.addEventListener('abort', call.onAbort, { once: true });
}

/** Forgets call `id` and its abort listener; returns it, to settle, if it was still pending. */
export function untrack<T extends Tracked>(calls: Map<number, T>, id: number): T | undefined {
  const call = calls.get(id);
  if (call === undefined) return undefined;
  calls.delete(id);
  if (call.onAbort) call.signal!.removeEventListener('abort', call.onAbort);
  return call;
}
