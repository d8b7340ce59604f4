// The page the browser tests drive: the real SDK, as a Vite app imports it, plus seeded input generators so that
// tests pass seeds, not megabytes, through page.evaluate.
import * as tensorlane from 'tensorlane';
import * as batching from '../../test/batching-scenarios.ts';
import { seededFloats } from '../../test/models/zoo.ts';
import { measureCalibration, measureLatency, measureWarmup } from './bench.ts';
import { measureThroughput } from './throughput.ts';

const harness = {
  tensorlane,
  seededFloats,
  measureLatency,
  measureThroughput,
  /** The dynamic batching scenarios that test/session.test.ts also runs in Node. */
  batching,
  measureWarmup,
  measureCalibration,
  /** A worker whose navigator has no gpu, as in a browser without WebGPU. */
  workerWithoutWebGpu: () => new Worker(new URL('./no-webgpu-worker.ts', import.meta.url), { type: 'module' }),
  /** A worker that awaits before importing tensorlane/worker. */
  slowStartWorker: () => new Worker(new URL('./slow-start-worker.ts', import.meta.url), { type: 'module' }),
  /** A worker whose Cache API rejects every put() with QuotaExceededError. */
  fullCacheWorker: () => new Worker(new URL('./full-cache-worker.ts', import.meta.url), { type: 'module' }),
  /** A worker in which every run on `backend` takes 100 ms longer. */
  slowBackendWorker: (backend: tensorlane.Backend) => () =>
    new Worker(new URL('./slow-backend-worker.ts', import.meta.url), { type: 'module', name: `slow:${backend}` }),
};

declare global {
  interface Window {
    harness: typeof harness;
  }
}

window.harness = harness;
document.body.dataset['ready'] = 'true';
