// What the Node tests of the client and the worker host share: a "worker" that is a MessagePort served by the real
// host in this thread, a full load request, an environment that counts onnxruntime-web's sessions, and the check
// that a session on the MLP still serves.
import type * as Ort from 'onnxruntime-web';
import { expect } from 'vitest';
import type { Engine } from '../packages/tensorlane/src/types/backends.ts';
import type { Session } from '../packages/tensorlane/src/index.ts';
import type { LoadRequest } from '../packages/tensorlane/src/wire/protocol.ts';
import { browserEnv, type BackendEnv } from '../packages/tensorlane/src/worker/backend-table.ts';
import { serve } from '../packages/tensorlane/src/worker/host.ts';
import { MODELS, mlpReference, seededFloats } from './models/zoo.ts';

/** A `worker` factory whose "worker" is a MessagePort served by a real host in this thread, on `env`. */
export function portWorker(env: BackendEnv = browserEnv): () => Worker {
  return () => {
    const { port1, port2 } = new MessageChannel();
    serve(port2, env);
    return port1 as unknown as Worker;
  };
}

/** A load request for the worker host, as the client would send it: the MLP on wasm, unless `overrides` say otherwise. */
export function loadRequest(overrides: Partial<LoadRequest> = {}): LoadRequest {
  return {
    model: MODELS['mlp.onnx'](), backend: 'wasm', webgpuEngine: 'auto', allowSoftwareAdapter: false, batching: 'auto', maxBatchSize: 64, maxQueueDelayMs: 0, busyWaitMs: 0,
    cache: false, returnBytes: false, numThreads: 1, ...overrides,
  };
}

/** `base`, recording the engine of each session onnxruntime-web creates and of each it releases. */
export function countingEnv(base: BackendEnv = browserEnv) {
  const counts = { created: [] as Engine[], released: [] as Engine[] };
  const env: BackendEnv = {
    ...base,
    async importOrt(engine) {
      const ort = await base.importOrt(engine);
      const create = async (...args: Parameters<typeof ort.InferenceSession.create>): Promise<Ort.InferenceSession> => {
        const session = await (ort.InferenceSession.create as (...a: typeof args) => Promise<Ort.InferenceSession>)(...args);
        counts.created.push(engine);
        const release = session.release.bind(session);
        session.release = () => (counts.released.push(engine), release());
        return session;
      };
      return { ...ort, InferenceSession: { ...ort.InferenceSession, create } } as unknown as typeof ort;
    },
  };
  return { env, counts };
}

/** That `actual` are the MLP's reference outputs for the rows `x`. */
export function expectMlpOutputs(actual: ArrayLike<number>, x: Float32Array): void {
  expect(Array.from(actual)).toEqual(Array.from(mlpReference(x)).map((v) => expect.closeTo(v, 5)));
}

/** That `session` (on the MLP) still answers a call of two rows, made from `seed`, with the reference values. */
export async function expectServes(session: Session, seed: number): Promise<void> {
  const x = seededFloats(2 * 256, seed);
  const { y } = await session.predict({ x: { type: 'float32', data: x.slice(), dims: [2, 256] } });
  expect(y!.dims).toEqual([2, 10]);
  expectMlpOutputs(y!.data as Float32Array, x);
}
