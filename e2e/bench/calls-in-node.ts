// The ways `pnpm bench:calls` (calls.ts) compares, in one Node thread: tensorlane's real client and real worker host
// joined by a MessageChannel (as the unit tests run them), a hand-written pair (postMessage with the buffer
// transferred each way, a Map of pending calls), and `session.run` alone, all on onnxruntime-web's WASM backend.
import { Session as Inspector } from 'node:inspector/promises';
import { GCProfiler, getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import * as ort from 'onnxruntime-web';
import { createSession, type Session } from '../../packages/tensorlane/src/index.ts';
import { browserEnv, type BackendEnv } from '../../packages/tensorlane/src/worker/backend-table.ts';
import { serve } from '../../packages/tensorlane/src/worker/host.ts';
import { MODELS, seededFloats } from '../../test/models/zoo.ts';

/** onnxruntime-web's Node build runs the same WASM backend as the browser's `/wasm` build, which Node cannot load. */
const env: BackendEnv = { ...browserEnv, importOrt: async () => ort as unknown as Awaited<ReturnType<BackendEnv['importOrt']>> };

/** A worker that is a MessagePort, served by the real host in this thread. */
function portWorker(): Worker {
  const { port1, port2 } = new MessageChannel();
  serve(port2, env);
  return port1 as unknown as Worker;
}

/** The hand-written pair: a port that runs the session, and a function that calls it. */
function handWritten(session: ort.InferenceSession, dims: readonly number[]) {
  const { port1, port2 } = new MessageChannel();
  port2.onmessage = async ({ data: { id, x } }: MessageEvent<{ id: number; x: Float32Array }>) => {
    const { y } = await session.run({ x: new ort.Tensor('float32', x, dims) });
    const out = y!.data as Float32Array;
    port2.postMessage({ id, y: out }, [out.buffer]);
  };
  const pending = new Map<number, (y: Float32Array) => void>();
  port1.onmessage = ({ data: { id, y } }: MessageEvent<{ id: number; y: Float32Array }>) => {
    pending.get(id)!(y);
    pending.delete(id);
  };
  let next = 0;
  const call = (x: Float32Array) =>
    new Promise<Float32Array>((resolve) => {
      const id = next++;
      pending.set(id, resolve);
      port1.postMessage({ id, x }, [x.buffer]);
    });
  return { call, close: () => (port1.close(), port2.close()) };
}

/** Self time by function (onnxruntime-web's together) while `work` makes `calls` calls, µs a call, sampled every 50 µs. */
async function profile(work: () => Promise<void>, calls: number): Promise<string[]> {
  const inspector = new Inspector();
  inspector.connect();
  await inspector.post('Profiler.enable');
  await inspector.post('Profiler.setSamplingInterval', { interval: 50 });
  await inspector.post('Profiler.start');
  await work();
  const { profile } = await inspector.post('Profiler.stop');
  inspector.disconnect();
  const self = new Map<string, number>();
  const nodes = new Map(profile.nodes.map((node) => [node.id, node.callFrame]));
  profile.samples!.forEach((id, i) => {
    const { functionName, url } = nodes.get(id)!;
    // onnxruntime-web stays in node_modules (its JavaScript and its WebAssembly); the rest is this file's bundle.
    const name = /onnxruntime|^wasm/.test(url) ? 'onnxruntime-web' : functionName || (url ? '(anonymous)' : '(native)');
    self.set(name, (self.get(name) ?? 0) + profile.timeDeltas![i]!);
  });
  return [...self]
    .filter(([name]) => name !== '(idle)')
    .sort((a, b) => b[1] - a[1])
    .slice(0, 30)
    .map(([name, micros]) => `  ${(micros / calls).toFixed(2).padStart(6)} µs  ${name}`);
}

/**
 * Bytes of JavaScript heap allocated while `work` makes `calls` calls, a call: what the garbage collector will have to
 * scan or free, counted from the heap's size before and after each collection (typed arrays' contents, which live
 * outside the heap, are not counted). Unlike a time, the same code gives nearly the same figure on any machine.
 */
async function allocated(work: () => Promise<void>, calls: number): Promise<number> {
  const collections = new GCProfiler();
  collections.start();
  const start = getHeapStatistics().used_heap_size;
  await work();
  const end = getHeapStatistics().used_heap_size;
  const { statistics } = collections.stop() as { statistics: Array<Record<'beforeGC' | 'afterGC', { heapStatistics: { usedHeapSize: number } }>> };
  let bytes = 0;
  let from = start;
  for (const { beforeGC, afterGC } of statistics) {
    bytes += beforeGC.heapStatistics.usedHeapSize - from;
    from = afterGC.heapStatistics.usedHeapSize;
  }
  return (bytes + end - from) / calls;
}

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/**
 * Bytes of JavaScript heap that `count` one-row calls fired at once hold while in flight, a call: once sent, before
 * the worker (in this thread, a task later) has read them, after a full collection. The page's promises, records and
 * whatever they keep alive, which a saturated page's garbage collector copies at every minor collection.
 */
async function inFlight(session: Session, input: Float32Array, dims: readonly number[], count: number): Promise<number> {
  const inputs = Array.from({ length: count }, () => input.slice());
  gc();
  const before = process.memoryUsage().heapUsed;
  const pending = inputs.map((data) => session.predict({ x: { type: 'float32', data, dims } }));
  inputs.length = 0;
  for (let i = 0; i < 10; i++) await Promise.resolve(); // sent at the end of this task's microtasks
  gc();
  const during = process.memoryUsage().heapUsed;
  await Promise.all(pending);
  return (during - before) / count;
}

/**
 * The ways to make a call, on the MLP at batch `batch`: each makes `calls` calls, one after another, but `burst`, which
 * fires them at once.
 */
export async function openWays(batch: number) {
  ort.env.wasm.numThreads = 1;
  const dims = [batch, 256];
  const input = seededFloats(batch * 256, 1);
  const tensorlane: Session = await createSession({ model: MODELS['mlp.onnx'](), worker: portWorker, backend: 'wasm', numThreads: 1 });
  const session = await ort.InferenceSession.create(MODELS['mlp.onnx']());
  const byHand = handWritten(session, dims);
  const ways = {
    tensorlane: async (calls: number) => {
      for (let i = 0; i < calls; i++) await tensorlane.predict({ x: { type: 'float32', data: input.slice(), dims } });
    },
    byHand: async (calls: number) => {
      for (let i = 0; i < calls; i++) await byHand.call(input.slice());
    },
    run: async (calls: number) => {
      for (let i = 0; i < calls; i++) await session.run({ x: new ort.Tensor('float32', input.slice(), dims) });
    },
    /** `calls` predicts of the batch's rows fired at once, as a saturated page makes them. */
    burst: async (calls: number) => {
      const pending: Array<Promise<unknown>> = [];
      for (let i = 0; i < calls; i++) pending.push(tensorlane.predict({ x: { type: 'float32', data: input.slice(), dims } }));
      await Promise.all(pending);
    },
  };
  return {
    ways,
    profile: (way: keyof typeof ways, calls: number) => profile(() => ways[way](calls), calls),
    allocated: (way: keyof typeof ways, calls: number) => allocated(() => ways[way](calls), calls),
    inFlight: (count: number) => inFlight(tensorlane, input, dims, count),
    async close() {
      byHand.close();
      await session.release();
      await tensorlane.dispose();
    },
  };
}
