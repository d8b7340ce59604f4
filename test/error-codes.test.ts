// Every error code, each raised by a real cause through the real client and worker host (onnxruntime-web's WASM
// backend in Node): the table fails to compile when a code is added without a cause here.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Worker as NodeWorker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createSession, listCachedModels, type ErrorCode, type Session, type SessionOptions, type Tensor,
} from '../packages/tensorlane/src/index.ts';
import { fromWireError } from '../packages/tensorlane/src/wire/wire-error.ts';
import { createHost } from '../packages/tensorlane/src/worker/host.ts';
import { MODELS, seededFloats } from './models/zoo.ts';
import { buildDecoder } from './models/stateful.ts';
import { loadRequest, portWorker } from './node-worker.ts';

/** A real thread whose script throws as it starts, seen through the page's Worker events. */
function crashingWorker(): () => Worker {
  return () => {
    const thread = new NodeWorker("throw new Error('boom in the worker')", { eval: true });
    const events = new EventTarget();
    thread.on('error', (error) => events.dispatchEvent(Object.assign(new Event('error'), { message: error.message })));
    return Object.assign(events, {
      postMessage: (message: unknown) => thread.postMessage(message),
      terminate: () => void thread.terminate(),
    }) as unknown as Worker;
  };
}

const open = (options: Partial<SessionOptions> = {}): Promise<Session> =>
  createSession({ model: MODELS['mlp.onnx'](), worker: portWorker(), ...options });
const token = (id: number): Tensor<'int64'> => ({ type: 'int64', data: BigInt64Array.of(BigInt(id)), dims: [1, 1] });
const row = (): Tensor<'float32'> => ({ type: 'float32', data: seededFloats(256, 1), dims: [1, 256] });

let server: Server;
let base: string;
beforeAll(async () => {
  server = createServer((_, res) => res.writeHead(404, 'Not Found').end());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

/** For each code, a real cause and the start of the message it gives. */
const CAUSES = {
  INVALID_OPTIONS: [() => open({ maxBatchSize: 2.5 }), 'option "maxBatchSize" is 2.5; expected an integer >= 1'],
  MODEL_FETCH_FAILED: [() => open({ model: `${base}/missing.onnx` }), 'could not fetch model "http://127.0.0.1:'],
  INTEGRITY_MISMATCH: [() => open({ integrity: `sha256-${'A'.repeat(43)}=` }), 'the model has digest sha256-'],
  MODEL_LOAD_FAILED: [
    async () => {
      // The worker refuses a second model: one worker, one session.
      const host = createHost(() => undefined);
      await host.api.load(loadRequest());
      const second = await host.api.load(loadRequest());
      await host.api.dispose();
      if (!second.ok) throw fromWireError(second.error);
    },
    'this worker already holds a session; use one worker per model',
  ],
  MODEL_INVALID: [() => open({ model: new TextEncoder().encode('not a model') }), 'the model could not be loaded: '],
  BACKEND_UNAVAILABLE: [() => open({ backend: 'webgpu' }), 'no backend could run the model: webgpu/jsep: navigator.gpu is undefined'],
  INVALID_INPUT: [
    async () => {
      await using session = await open();
      await session.predict({ x: { type: 'float32', data: new Float32Array(255), dims: [1, 255] } });
    },
    'input "x" has dims [1,255] but the model expects 256 at dim 1',
  ],
  RUN_FAILED: [
    async () => {
      await using session = await createSession({ model: MODELS['lookup.onnx'](), worker: portWorker() });
      await session.predict({
        x: { type: 'float32', data: new Float32Array(4), dims: [1, 4] },
        i: { type: 'int64', data: BigInt64Array.of(9n), dims: [1, 1] },
      });
    },
    'onnxruntime-web failed to run the model: ',
  ],
  QUEUE_FULL: [
    async () => {
      await using session = await open({ maxQueueSize: 1, maxQueueDelayMs: 60_000 });
      void session.predict({ x: row() }).catch(() => undefined); // waits in the queue until dispose rejects it
      await session.predict({ x: row() });
    },
    'predict() of 1 rows would take the queue past maxQueueSize (1 rows; 1 are waiting)',
  ],
  ABORTED: [
    async () => {
      await using session = await open();
      await session.predict({ x: row() }, { signal: AbortSignal.abort(new Error('user left')) });
    },
    'predict was aborted: user left',
  ],
  TIMEOUT: [
    async () => {
      // Held in the worker's queue for a fuller batch, longer than the call may wait.
      await using session = await open({ maxQueueDelayMs: 60_000 });
      await session.predict({ x: row() }, { timeoutMs: 20 });
    },
    'predict took longer than its timeoutMs of 20 ms',
  ],
  DISPOSED: [
    async () => {
      const session = await open();
      await session.dispose();
      await session.predict({ x: row() });
    },
    'the session was disposed',
  ],
  WORKER_CRASHED: [() => open({ worker: crashingWorker() }), 'the worker threw: boom in the worker'],
  ENVIRONMENT_UNSUPPORTED: [
    async () => {
      // onnxruntime-web's Emscripten code, loaded by the causes above, makes Node's worker_threads Worker a global for
      // its threads; a server render has no Worker.
      const { Worker } = globalThis as { Worker?: unknown };
      delete (globalThis as { Worker?: unknown }).Worker;
      try {
        await expect(createSession({ model: MODELS['mlp.onnx']() })).rejects.toMatchObject({
          code: 'ENVIRONMENT_UNSUPPORTED',
          message: 'Worker is not defined: tensorlane runs models in a Web Worker, so it needs a browser (or pass options.worker)',
        });
      } finally {
        if (Worker !== undefined) Object.assign(globalThis, { Worker });
      }
      await listCachedModels(); // Node has no Cache API
    },
    'the model cache cannot be opened: the Cache API is unavailable here',
  ],
  STATE_LOST: [
    async () => {
      await using session = await createSession({ model: buildDecoder(), worker: portWorker() });
      const stream = session.openStream({ carry: { present_key: 'past_key', present_value: 'past_value' }, dims: { past: 0 } });
      await stream.step({ input_ids: token(1) });
      await session.restart();
      await stream.step({ input_ids: token(2) });
    },
    "step: stream 1's state went with a worker that restarted; reset() the stream",
  ],
  STATE_LIMIT: [
    async () => {
      await using session = await createSession({ model: buildDecoder(), worker: portWorker() });
      const carry = { present_key: 'past_key', present_value: 'past_value' };
      await using stream = session.openStream({ carry, dims: { past: 0 }, limits: { past: 1 } });
      await stream.step({ input_ids: token(1) });
      await stream.step({ input_ids: token(2) });
    },
    'stream 1: carried output "present_key" has dims [1,2,8]: past=2 at dim 1 is past its limit of 1',
  ],
} satisfies Record<ErrorCode, readonly [() => Promise<unknown>, string]>;

describe('error codes', () => {
  it.each(Object.entries(CAUSES))('should raise %s from a real cause', async (code, [cause, message]) => {
    await expect(cause()).rejects.toMatchObject({ name: 'TensorlaneError', code, message: expect.stringContaining(message) });
  });
});
