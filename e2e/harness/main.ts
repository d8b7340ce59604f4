// The page the browser tests drive: the real SDK, as a Vite app imports it, plus seeded input generators so that
// tests pass seeds, not megabytes, through page.evaluate.
import * as tensorlane from 'tensorlane';
import * as batching from '../../test/batching-scenarios.ts';
import { seededFloats } from '../../test/models/zoo.ts';
import { measureCalibration, measureLatency, measureWarmup } from './bench.ts';
import * as perf from './perf.ts';
import * as stress from './stress.ts';
import { measureRecovery } from './recovery.ts';
import { fuzz } from '../../test/fuzz.ts';

/** Every worker faultWorkers() started, the last one current: tests post `{ fault }` to it. */
const faultWorkerLog: Worker[] = [];

const harness = {
  tensorlane,
  seededFloats,
  measureLatency,
  /** The in-page halves of `pnpm bench`'s sections. */
  perf,
  /** The dynamic batching scenarios that test/session.test.ts also runs in Node. */
  batching,
  measureWarmup,
  measureCalibration,
  measureRecovery,
  /** Load, soak and create/dispose cycles (stress.ts). */
  stress,
  /** The seeded malformed calls that test/fuzz.test.ts also runs in Node. */
  fuzz,
  /** A worker whose navigator has no gpu, as in a browser without WebGPU. */
  workerWithoutWebGpu: () => new Worker(new URL('./no-webgpu-worker.ts', import.meta.url), { type: 'module' }),
  /** A worker that awaits before importing tensorlane/worker. */
  slowStartWorker: () => new Worker(new URL('./slow-start-worker.ts', import.meta.url), { type: 'module' }),
  /** A worker whose Cache API rejects every put() with QuotaExceededError. */
  fullCacheWorker: () => new Worker(new URL('./full-cache-worker.ts', import.meta.url), { type: 'module' }),
  /** A worker in which every run on `backend` takes 100 ms longer. */
  slowBackendWorker: (backend: tensorlane.Backend) => () =>
    new Worker(new URL('./slow-backend-worker.ts', import.meta.url), { type: 'module', name: `slow:${backend}` }),
  /**
   * A `worker` factory of workers with test hooks (see fault-worker.ts): the n-th worker gets the n-th name (the
   * last one from then on), e.g. `['', 'no-adapter']`: the first normal, every later one without a GPU adapter.
   */
  faultWorkers: (names: readonly string[] = ['']) => {
    let started = 0;
    return () => {
      const name = names[Math.min(started++, names.length - 1)]!;
      const worker = new Worker(new URL('./fault-worker.ts', import.meta.url), { type: 'module', name });
      faultWorkerLog.push(worker);
      return worker;
    };
  },
  /** Injects a fault into the worker faultWorkers() started last. */
  injectFault: (fault: 'destroy-device' | 'throw' | 'reject') => faultWorkerLog.at(-1)!.postMessage({ fault }),
  /** How many workers faultWorkers() has started (since the page loaded). */
  faultWorkerCount: () => faultWorkerLog.length,
};

declare global {
  interface Window {
    harness: typeof harness;
  }
}

window.harness = harness;
document.body.dataset['ready'] = 'true';
