import { expose, type Endpoint } from 'comlink';
import type * as Ort from 'onnxruntime-web';
import { TensorlaneError, messageOf, toWireError, type ErrorCode } from '../errors.js';
import {
  READY, type Backend, type Feeds, type HostApi, type LoadReply, type LoadRequest, type ProgressSink, type Result, type Results,
  type SchedulerStats, type Submission, type Tensor,
} from '../protocol.js';
import { buffersOf, readFeeds } from '../tensor/validate.js';
import { browserEnv, type BackendEnv, type OrtModule } from './backend.js';
import { loadModel } from './load-model.js';
import { createScheduler, type Scheduler } from './scheduler.js';

interface Loaded {
  readonly reply: LoadReply;
  readonly session: Ort.InferenceSession;
  readonly scheduler: Scheduler;
}

async function settle<T>(fallbackCode: ErrorCode, work: () => Promise<T>): Promise<Result<T>> {
  try {
    return { ok: true, value: await work() };
  } catch (error) {
    return { ok: false, error: toWireError(error, fallbackCode) };
  }
}

/** Runs the model once on tensorlane tensors; a failure inside onnxruntime-web is `RUN_FAILED`. */
async function runOnce(ort: OrtModule, session: Ort.InferenceSession, feeds: Feeds): Promise<Feeds> {
  const ortFeeds: Record<string, Ort.Tensor> = {};
  for (const [name, t] of Object.entries(feeds)) {
    ortFeeds[name] = new ort.Tensor(t.type, t.data as Ort.Tensor.DataType as Float32Array, t.dims);
  }
  let results: Ort.InferenceSession.ReturnType;
  try {
    results = await session.run(ortFeeds);
  } catch (error) {
    throw new TensorlaneError('RUN_FAILED', `onnxruntime-web failed to run the model: ${messageOf(error)}`, { cause: error });
  }
  const outputs: Record<string, Tensor> = {};
  for (const [name, t] of Object.entries(results)) {
    // Outputs left on the GPU (preferredOutputLocation: 'gpu-buffer') are read back here: only bytes leave the worker.
    const data = t.location === 'cpu' ? t.data : await t.getData(true);
    outputs[name] = { type: t.type as Tensor['type'], data: data as Tensor['data'], dims: [...t.dims] };
  }
  return outputs;
}

/**
 * On WebGPU, after a run fails inside onnxruntime-web's native code ("failed to call OrtRun()", e.g. a Reshape that
 * cannot reshape), onnxruntime-web 1.30's next run of that session never settles (seen on SwiftShader). From then on
 * every run fails at once with `RUN_FAILED` saying so, instead of hanging every queued call. Failures in its
 * JavaScript kernels ("[WebGPU] Kernel … failed") leave the session usable and pass through as they are.
 */
function guardWebGpu(backend: Backend, run: (feeds: Feeds) => Promise<Feeds>): (feeds: Feeds) => Promise<Feeds> {
  if (backend !== 'webgpu') return run;
  let broken: TensorlaneError | undefined;
  return async (feeds) => {
    if (broken) throw broken;
    try {
      return await run(feeds);
    } catch (error) {
      if (/failed to call OrtRun\(\)/.test(messageOf(error))) {
        broken = new TensorlaneError(
          'RUN_FAILED',
          `this WebGPU session cannot run again: an earlier run failed inside onnxruntime-web (${messageOf(error)}), after which its runs never finish; create a new session`,
          { cause: error },
        );
      }
      throw error;
    }
  };
}

/**
 * The worker side: owns the one onnxruntime-web session, and queues every request in a {@link Scheduler}. Exposed
 * to the page through comlink by `worker/entry.ts`; tests expose it on a MessageChannel.
 * @param post - sends a `Results` message to the page, transferring the outputs' buffers.
 * @param env - how to import onnxruntime-web and reach WebGPU; the browser's by default.
 */
export function createHost(post: (results: Results) => void, env: BackendEnv = browserEnv): HostApi {
  let loaded: Loaded | undefined;
  let loading = false;
  let disposed = false;

  const gone = () => new TensorlaneError('DISPOSED', 'the session was disposed');

  return {
    load: (request: LoadRequest, onProgress?: ProgressSink) =>
      settle('MODEL_LOAD_FAILED', async () => {
        if (loading || loaded !== undefined || disposed) {
          throw new TensorlaneError('MODEL_LOAD_FAILED', 'this worker already holds a session; use one worker per model');
        }
        loading = true;
        try {
          const { ort, session, reply } = await loadModel(request, env, onProgress);
          const scheduler = createScheduler({
            stacked: reply.batching.stacked,
            maxBatchSize: request.maxBatchSize,
            maxQueueDelayMs: request.maxQueueDelayMs,
            run: guardWebGpu(reply.backend, (feeds) => runOnce(ort, session, feeds)),
            post,
          });
          loaded = { session, reply, scheduler };
          return reply;
        } finally {
          loading = false;
        }
      }),

    submit(submissions: readonly Submission[]): void {
      for (const { id, items } of submissions) {
        try {
          if (disposed) throw gone();
          if (loaded === undefined) throw new TensorlaneError('DISPOSED', 'no model is loaded in this worker');
          const { inputs } = loaded.reply;
          const checked = items.map((item, i) => readFeeds(item, inputs, items.length > 1 ? `item ${i}: ` : ''));
          loaded.scheduler.submit(id, checked);
        } catch (error) {
          post({ tensorlane: 'results', parts: [], done: [{ id, error: toWireError(error, 'INVALID_INPUT') }] });
        }
      }
    },

    cancel(id: number): void {
      loaded?.scheduler.cancel(id);
    },

    stats(): Result<SchedulerStats> {
      if (loaded === undefined) return { ok: false, error: toWireError(gone(), 'DISPOSED') };
      return { ok: true, value: loaded.scheduler.stats() };
    },

    async dispose(): Promise<void> {
      if (disposed) return;
      disposed = true;
      loaded?.scheduler.dispose(gone());
      await loaded?.session.release().catch(() => undefined);
      loaded = undefined;
    },
  };
}

/** Serves a host on `endpoint` (the worker's global scope, or a MessagePort) and tells the page it is listening. */
export function serve(endpoint: Endpoint, env?: BackendEnv): void {
  const post = (results: Results) => endpoint.postMessage(results, buffersOf(results.parts.map((part) => part.outputs)));
  expose(createHost(post, env), endpoint);
  endpoint.postMessage(READY);
}
