import { expose, type Endpoint } from 'comlink';
import { TensorlaneError, toTensorlaneError, toWireError, type ErrorCode } from '../errors.js';
import {
  READY, isCancel, isSubmit, type HostApi, type LoadReply, type LoadRequest, type ProgressSink, type Result, type Results,
  type Submission,
} from '../protocol.js';
import type { SchedulerStats } from '../session-types.js';
import { buffersOf } from '../tensor/transfer.js';
import { readFeeds } from '../tensor/validate.js';
import { browserEnv, type BackendEnv } from './backends.js';
import { loadModel } from './load-model.js';
import { createRun } from './run-model.js';
import { createScheduler, type ItemOutputs, type Outcome, type Scheduler } from './scheduler.js';

/**
 * Where the worker is: `idle` until the page asks for a model, `loading` while it loads, `ready` with the one
 * session and its queue, `disposed` for good. Every step after an `await` checks the state again: the page may have
 * disposed the session meanwhile.
 */
type State =
  | { readonly kind: 'idle' }
  | { readonly kind: 'loading' }
  | { readonly kind: 'ready'; readonly reply: LoadReply; readonly scheduler: Scheduler; release(): Promise<void> }
  | { readonly kind: 'disposed' };

/** The worker side of one connection: the comlink API, and the raw messages that need no reply. */
export interface Host {
  readonly api: HostApi;
  /** Queues calls; each is answered by `Results` messages. */
  submit(submissions: readonly Submission[]): void;
  /** Drops the queued items of call `id`; those running finish, and their outputs are not sent. */
  cancel(id: number): void;
}

async function settle<T>(fallbackCode: ErrorCode, work: () => Promise<T>): Promise<Result<T>> {
  try {
    return { ok: true, value: await work() };
  } catch (error) {
    return { ok: false, error: toWireError(error, fallbackCode) };
  }
}

/** The one place a `Results` message is built: outputs as they are, errors in their wire form. */
function encode(items: readonly ItemOutputs[], outcomes: readonly Outcome[]): Results {
  return {
    tensorlane: 'results',
    parts: items,
    done: outcomes.map(({ id, error }) => (error === undefined ? { id } : { id, error: toWireError(error, error.code) })),
  };
}

const disposedError = () => new TensorlaneError('DISPOSED', 'the session was disposed');

/**
 * The worker side: owns the one onnxruntime-web session, and queues every request in a {@link Scheduler}.
 * @param post - sends a `Results` message to the page, transferring the outputs' buffers.
 * @param env - how to import onnxruntime-web and reach WebGPU; the browser's by default.
 */
export function createHost(post: (results: Results) => void, env: BackendEnv = browserEnv): Host {
  let state: State = { kind: 'idle' };
  const onSettled = (items: readonly ItemOutputs[], outcomes: readonly Outcome[]) => post(encode(items, outcomes));

  async function load(request: LoadRequest, onProgress?: ProgressSink): Promise<LoadReply> {
    if (state.kind === 'disposed') throw disposedError();
    if (state.kind !== 'idle') throw new TensorlaneError('MODEL_LOAD_FAILED', 'this worker already holds a session; use one worker per model');
    state = { kind: 'loading' };
    let loaded: Awaited<ReturnType<typeof loadModel>>;
    try {
      loaded = await loadModel(request, env, onProgress);
    } catch (error) {
      if (state.kind === 'loading') state = { kind: 'idle' };
      throw error;
    }
    const { ort, session, reply } = loaded;
    if (state.kind !== 'loading') {
      // Disposed while loading: the session it built must not outlive the worker's use.
      await session.release().catch(() => undefined);
      throw disposedError();
    }
    const scheduler = createScheduler({
      stacked: reply.batching.stacked,
      maxBatchSize: request.maxBatchSize,
      maxQueueDelayMs: request.maxQueueDelayMs,
      run: createRun(ort, session, reply.backend),
      onSettled,
    });
    state = { kind: 'ready', reply, scheduler, release: () => session.release() };
    return reply;
  }

  return {
    api: {
      load: (request, onProgress) => settle('MODEL_LOAD_FAILED', () => load(request, onProgress)),

      stats(): Result<SchedulerStats> {
        if (state.kind !== 'ready') return { ok: false, error: toWireError(disposedError(), 'DISPOSED') };
        return { ok: true, value: state.scheduler.stats() };
      },

      async dispose(): Promise<void> {
        const before = state;
        if (before.kind === 'disposed') return;
        state = { kind: 'disposed' };
        if (before.kind !== 'ready') return;
        before.scheduler.dispose(disposedError());
        await before.release().catch(() => undefined);
      },
    },

    submit(submissions) {
      for (const { id, items } of submissions) {
        try {
          if (state.kind !== 'ready') {
            throw state.kind === 'disposed' ? disposedError() : new TensorlaneError('DISPOSED', 'no model is loaded in this worker');
          }
          const { inputs } = state.reply;
          const checked = items.map((item, i) => readFeeds(item, inputs, items.length > 1 ? `item ${i}: ` : ''));
          state.scheduler.submit(id, checked);
        } catch (error) {
          onSettled([], [{ id, error: toTensorlaneError(error, 'INVALID_INPUT') }]);
        }
      }
    },

    cancel(id) {
      if (state.kind === 'ready') state.scheduler.cancel(id);
    },
  };
}

/**
 * Serves a host on `endpoint` (the worker's global scope, or a MessagePort): comlink for the calls that answer, a
 * listener for the raw messages; then tells the page it is listening.
 */
export function serve(endpoint: Endpoint, env?: BackendEnv): void {
  const host = createHost((results) => endpoint.postMessage(results, buffersOf(results.parts.map((part) => part.outputs))), env);
  expose(host.api, endpoint);
  endpoint.addEventListener('message', (event) => {
    const { data } = event as MessageEvent;
    if (isSubmit(data)) host.submit(data.submissions);
    else if (isCancel(data)) host.cancel(data.id);
  });
  endpoint.postMessage(READY);
}
