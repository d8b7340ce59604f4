import { proxy, transfer } from 'comlink';
import { TensorlaneError } from '../errors.js';
import type { LoadProgress } from '../types/options.js';
import type { SessionOptions } from '../types/options.js';
import type { Session } from '../types/session.js';
import { checkSessionOptions } from './check-options.js';
import { abortError } from './call-errors.js';
import { connect, type FaultListener, type WorkerLike } from './connection.js';
import { SessionImpl } from './session.js';
import { unreadable } from './unreadable.js';
import type { Connect } from './supervisor.js';
import { buffersOfSources, type LoadRequest } from '../wire/protocol.js';

/** Calls the user's callback; an exception in it is reported, not allowed to break loading. */
function progressSink(onProgress: (progress: LoadProgress) => void): (progress: LoadProgress) => void {
  return (progress) => {
    try {
      onProgress(progress);
    } catch (error) {
      setTimeout(() => {
        throw error;
      });
    }
  };
}

function defaultWorker(): Worker {
  return new Worker(new URL('../worker/entry.js', import.meta.url), { type: 'module', name: 'tensorlane' });
}

/**
 * Loads an ONNX model in a dedicated worker and returns a session to run it.
 * @param options - the model and where to run it; see {@link SessionOptions}.
 * @throws TensorlaneError `INVALID_OPTIONS`, `MODEL_FETCH_FAILED`, `INTEGRITY_MISMATCH`, `MODEL_INVALID`,
 * `BACKEND_UNAVAILABLE`, `RUN_FAILED` (a warm-up run), `ABORTED`, `WORKER_CRASHED`, `ENVIRONMENT_UNSUPPORTED`.
 * @example
 * ```ts
 * import { createSession } from 'tensorlane';
 *
 * const session = await createSession({
 *   model: '/models/mlp.onnx',
 *   onProgress: ({ phase, loaded, total }) => console.log(phase, loaded, total),
 *   warmup: { batchSizes: [1, 8] },
 * });
 * console.log(session.backend, session.fallback); // 'webgpu' [] or 'wasm' [{ backend: 'webgpu', reason: '…' }]
 * const x = new Float32Array(2 * 256);
 * const { y } = await session.predict({ x: { type: 'float32', data: x, dims: [2, 256] } });
 * // x.buffer is now detached: it moved to the worker. y.data is a Float32Array of 2 * 10.
 * await session.dispose();
 * ```
 */
export async function createSession(options: SessionOptions): Promise<Session> {
  const { request, transfer: transferList, page } = unreadable('INVALID_OPTIONS', 'createSession() options', () => checkSessionOptions(options));
  if (page.signal?.aborted) throw abortError(page.signal, 'createSession');
  const makeWorker = page.worker ?? defaultWorker;
  const sink = page.onProgress === undefined ? undefined : proxy(progressSink(page.onProgress));

  // The model's bytes (if given as bytes) move to the first worker and come back with its reply (returnBytes), or
  // when its threads could not start: the page keeps them for restarts. A restart's worker gets a copy, so that the
  // bytes stay on the page if it crashes while loading them (the next worker then loads them, see supervisor.ts).
  let sources: { request: LoadRequest; transfer: ArrayBuffer[] } = { request, transfer: transferList };
  let loads = 0;
  /** Why the session runs on one thread, once its threads could not start: every later worker starts with one. */
  let threadsFailed: string | undefined;
  const load = async (signal: AbortSignal | undefined, onFault: FaultListener) => {
    const connection = connect(makeWorker() as WorkerLike, onFault, request.busyWaitMs);
    try {
      const first = loads++ === 0;
      const sent = first || sources.transfer.length === 0 ? sources.request : { ...structuredClone(sources.request), returnBytes: false };
      const moved = sent === sources.request ? sources.transfer : buffersOfSources(sent);
      const reply = await connection.call((api) => api.load(transfer(sent, moved), sink), { signal, what: 'createSession' });
      if (reply.returned) sources = { request: { ...sent, ...reply.returned }, transfer: buffersOfSources(reply.returned) };
      if ('threadsFailed' in reply) void connection.close(new TensorlaneError('DISPOSED', reply.threadsFailed));
      return { connection, reply };
    } catch (error) {
      void connection.close(error as TensorlaneError);
      throw error;
    }
  };
  const start: Connect = async (signal, onFault) => {
    const loaded = loads;
    let { connection, reply } = await load(signal, onFault);
    if ('threadsFailed' in reply) {
      // onnxruntime-web starts its runtime once per worker: this and every later worker runs one thread. The load
      // again takes the failed one's place (the first moves the bytes, as the options say).
      threadsFailed = reply.threadsFailed;
      loads = loaded;
      sources = { ...sources, request: { ...sources.request, numThreads: 1 } };
      ({ connection, reply } = await load(signal, onFault));
      // Never on one thread: the worker watches thread starts only with more.
      if ('threadsFailed' in reply) throw new TensorlaneError('BACKEND_UNAVAILABLE', reply.threadsFailed);
    }
    return { connection, reply: threadsFailed === undefined ? reply : { ...reply, warnings: [threadsFailed, ...reply.warnings] } };
  };
  // With restart: 'off' the worker keeps the bytes it was given (and frees them with the session): nothing to load again.
  const cannotReload = transferList.length > 0 && !request.returnBytes
    ? "session.restart() needs the model's bytes again, but they were not kept (restart: 'off'): create a new session, or pass restart: 'auto' or the model as a URL"
    : undefined;
  // Kept between loads only when the worker hands them back (returnBytes); while a worker loads, they are there.
  const modelBytesKept = () => (request.returnBytes ? sources.transfer.reduce((sum, buffer) => sum + buffer.byteLength, 0) : 0);
  return SessionImpl.open(start, { ...page, modelBytesKept, ...(cannotReload ? { cannotReload } : {}) }, page.signal);
}
