import { expose, transfer, type Endpoint } from 'comlink';
import type * as Ort from 'onnxruntime-web';
import { TensorlaneError, messageOf, toWireError, type ErrorCode } from '../errors.js';
import {
  READY, type Feeds, type HostApi, type LoadReply, type LoadRequest, type ProgressSink, type Result, type Tensor,
} from '../protocol.js';
import { chunkByRows, rowsOf, stack, unstack } from '../tensor/stack.js';
import { buffersOf, readFeeds } from '../tensor/validate.js';
import { browserEnv, type BackendEnv, type OrtModule } from './backend.js';
import { loadModel } from './load-model.js';

interface Loaded {
  readonly ort: OrtModule;
  readonly session: Ort.InferenceSession;
  readonly reply: LoadReply;
}

/** A request waiting for the session. `start` runs it; `drop` settles it without running. */
interface Job {
  readonly id: number;
  start(): Promise<void>;
  drop(error: TensorlaneError): void;
}

async function settle<T>(fallbackCode: ErrorCode, work: () => Promise<T>): Promise<Result<T>> {
  try {
    return { ok: true, value: await work() };
  } catch (error) {
    return { ok: false, error: toWireError(error, fallbackCode) };
  }
}

/** A Result whose tensors' buffers move to the page instead of being copied. */
function transferred<T extends Feeds | Feeds[]>(value: T): Result<T> {
  return transfer({ ok: true, value } as const, buffersOf(Array.isArray(value) ? value : [value]));
}

/**
 * The worker side: owns the one onnxruntime-web session and runs one request at a time, in arrival order. A
 * failed run rejects its own request only. Exposed to the page through comlink by `worker/entry.ts`; tests expose
 * it on a MessageChannel.
 * @param env - how to import onnxruntime-web and reach WebGPU; the browser's by default.
 */
export function createHost(env: BackendEnv = browserEnv): HostApi {
  let loaded: Loaded | undefined;
  let loading = false;
  let disposed = false;
  const waiting: Job[] = [];
  let busy = false;
  const active = new Set<number>();
  const cancelled = new Set<number>();

  const aborted = (id: number) => new TensorlaneError('ABORTED', `request ${id} was cancelled by its caller`);
  const gone = () => new TensorlaneError('DISPOSED', 'the session was disposed');

  async function pump(): Promise<void> {
    if (busy) return;
    busy = true;
    for (let job = waiting.shift(); job !== undefined; job = waiting.shift()) await job.start();
    busy = false;
  }

  /** Queues `work` behind the requests already waiting; it settles alone, whatever the others do. */
  function schedule<T>(id: number, work: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      waiting.push({
        id,
        start: async () => {
          if (cancelled.has(id)) return reject(aborted(id));
          if (disposed) return reject(gone());
          await work().then(resolve, reject);
        },
        drop: reject,
      });
      void pump();
    });
  }

  function session(): Loaded {
    if (disposed) throw gone();
    if (loaded === undefined) throw new TensorlaneError('DISPOSED', 'no model is loaded in this worker');
    return loaded;
  }

  async function run({ ort, session }: Loaded, feeds: Feeds): Promise<Record<string, Tensor>> {
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

  /** Runs request `id`; if it was cancelled while running, its result is dropped rather than sent back. */
  async function track<T>(id: number, work: () => Promise<T>): Promise<T> {
    active.add(id);
    try {
      const value = await work();
      if (cancelled.has(id)) throw aborted(id);
      return value;
    } finally {
      active.delete(id);
      cancelled.delete(id);
    }
  }

  return {
    load: (request: LoadRequest, onProgress?: ProgressSink) =>
      settle('MODEL_LOAD_FAILED', async () => {
        if (loading || loaded !== undefined || disposed) {
          throw new TensorlaneError('MODEL_LOAD_FAILED', 'this worker already holds a session; use one worker per model');
        }
        loading = true;
        try {
          loaded = await loadModel(request, env, onProgress);
          return loaded.reply;
        } finally {
          loading = false;
        }
      }),

    predict: (id: number, feeds: Feeds) =>
      settle('RUN_FAILED', () =>
        track(id, async () => {
          const current = session();
          const checked = readFeeds(feeds, current.reply.inputs);
          return schedule(id, () => run(current, checked));
        }),
      ).then((result) => (result.ok ? transferred(result.value) : result)),

    predictBatch: (id: number, items: readonly Feeds[], batchSize: number) =>
      settle('RUN_FAILED', () =>
        track(id, async () => {
          const current = session();
          const checked = items.map((item, i) => readFeeds(item, current.reply.inputs, `item ${i}: `));
          const results: Feeds[] = [];
          if (!current.reply.batching.stacked) {
            for (const item of checked) results.push(await schedule(id, () => run(current, item)));
            return results;
          }
          const rows = rowsOf(checked);
          for (const [start, end] of chunkByRows(rows, batchSize)) {
            const outputs = await schedule(id, () => run(current, stack(checked.slice(start, end))));
            results.push(...unstack(outputs, rows.slice(start, end)));
          }
          return results;
        }),
      ).then((result) => (result.ok ? transferred(result.value) : result)),

    cancel(id: number): void {
      const index = waiting.findIndex((job) => job.id === id);
      if (index >= 0) waiting.splice(index, 1)[0]!.drop(aborted(id));
      else if (active.has(id)) cancelled.add(id);
    },

    async dispose(): Promise<void> {
      if (disposed) return;
      disposed = true;
      for (const job of waiting.splice(0)) job.drop(gone());
      await loaded?.session.release().catch(() => undefined);
      loaded = undefined;
    },
  };
}

/** Serves a host on `endpoint` (the worker's global scope, or a MessagePort) and tells the page it is listening. */
export function serve(endpoint: Endpoint, env?: BackendEnv): void {
  expose(createHost(env), endpoint);
  endpoint.postMessage(READY);
}
