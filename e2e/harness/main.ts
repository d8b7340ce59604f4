// The page the browser tests drive: the real SDK, as a Vite app imports it, plus seeded input generators so that
// tests pass seeds, not megabytes, through page.evaluate.
import * as tensorlane from 'tensorlane';
import * as batching from '../../test/batching-scenarios.ts';
import { convNetReference, seededFloats } from '../../test/models/zoo.ts';
import { measureCalibration, measureLatency, measureWarmup } from './bench.ts';
import * as perf from './perf.ts';
import * as stress from './stress.ts';
import { memorySteps } from './memory.ts';
import { chaos } from './chaos.ts';
import { measureRecovery } from './recovery.ts';
import { faultWorkerCount, faultWorkers, frameCounts, injectFault } from './fault-workers.ts';
import { fuzz } from '../../test/fuzz.ts';
import * as conformance from './conformance.ts';
import { benchEngines } from './engines-bench.ts';
import * as streams from './streams.ts';
import * as pictures from './pictures.ts';
import * as picturesBench from './pictures-bench.ts';

const harness = {
  tensorlane,
  seededFloats,
  convNetReference,
  measureLatency,
  /** The in-page halves of `pnpm bench`'s sections. */
  perf,
  /** The dynamic batching scenarios that test/session.test.ts also runs in Node. */
  batching,
  measureWarmup,
  measureCalibration,
  measureRecovery,
  /** The WebGPU engines and WASM taking turns: load, first predict, run (engines-bench.ts). */
  benchEngines,
  /** Load, soak and create/dispose cycles (stress.ts). */
  stress,
  /** What stats().memory says as a session's memory moves (memory.ts). */
  memorySteps,
  /** Sessions under load while faults strike (chaos.ts). */
  chaos,
  /** The seeded malformed calls that test/fuzz.test.ts also runs in Node. */
  fuzz,
  /** A worker whose navigator has no gpu, as in a browser without WebGPU. */
  workerWithoutWebGpu: () => new Worker(new URL('./no-webgpu-worker.ts', import.meta.url), { type: 'module' }),
  /** A worker that awaits before importing tensorlane/worker. */
  slowStartWorker: () => new Worker(new URL('./slow-start-worker.ts', import.meta.url), { type: 'module' }),
  /** A worker whose Cache API rejects every put() with QuotaExceededError. */
  fullCacheWorker: () => new Worker(new URL('./full-cache-worker.ts', import.meta.url), { type: 'module' }),
  /** A worker in which every run on `engine` takes 100 ms longer. */
  slowBackendWorker: (engine: tensorlane.Engine) => () =>
    new Worker(new URL('./slow-backend-worker.ts', import.meta.url), { type: 'module', name: `slow:${engine}` }),
  /** A worker whose WebAssembly threads cannot start: their script is `'missing'`, or `'silent'` (never answers). */
  threadlessWorker: (how: 'missing' | 'silent') => () =>
    new Worker(new URL('./threadless-worker.ts', import.meta.url), { type: 'module', name: `threadless:${how}` }),
  /** Workers with test hooks and the faults to inject into them (fault-workers.ts). */
  faultWorkers,
  injectFault,
  faultWorkerCount,
  /** Raw onnxruntime-web of each build, and tensorlane on each engine, for the conformance suite. */
  conformance,
  /** Streams and listening (e2e/streams.spec.ts). */
  streams,
  frameCounts,
  /** Pictures of every kind from seeded pixels, and the reference conversion (pictures.ts). */
  pictures,
  /** Live video through the page's hand-written pipeline and through tensorlane's pictures (pnpm bench --only pictures). */
  picturesBench,
};

declare global {
  interface Window {
    harness: typeof harness;
  }
}

window.harness = harness;
document.body.dataset['ready'] = 'true';
