// What the page's calls to a worker share, predict's (calls.ts) and the streams' (stream-calls.ts): each is tracked
// by id until it settles, with the abort listener and the timer that give up on it.
import type { TensorlaneError } from '../errors.js';
import { abortError, timeoutError } from './call-errors.js';

/** A call in flight: what gives up on it, when asked for. */
export interface Tracked {
  timer?: ReturnType<typeof setTimeout>;
  signal?: AbortSignal;
  onAbort?: () => void;
}

/** Gives up on `call` through `giveUp` when `signal` aborts or `deadline` passes; a listener and a timer only if asked. */
export function arm(
  call: Tracked,
  { signal, deadline, timeoutMs, what }: { signal?: AbortSignal | undefined; deadline?: number | undefined; timeoutMs?: number | undefined; what: string },
  giveUp: (error: TensorlaneError) => void,
): void {
  if (signal) {
    call.signal = signal;
    call.onAbort = () => giveUp(abortError(signal, what));
    signal.addEventListener('abort', call.onAbort, { once: true });
  }
  if (deadline !== undefined) call.timer = setTimeout(() => giveUp(timeoutError(what, timeoutMs)), Math.max(0, deadline - performance.now()));
}

/** Forgets call `id`, its timer and its abort listener; returns it, to settle, if it was still pending. */
export function untrack<T extends Tracked>(calls: Map<number, T>, id: number): T | undefined {
  const call = calls.get(id);
  if (call === undefined) return undefined;
  calls.delete(id);
  if (call.timer !== undefined) clearTimeout(call.timer);
  if (call.onAbort) call.signal!.removeEventListener('abort', call.onAbort);
  return call;
}
