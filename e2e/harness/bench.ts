// In-page measurement for the bench scripts (bundled by Vite, so the scripts only pass parameters).
import { createSession, deleteBackendChoices, type Backend, type Session, type WebGpuEngineOption } from 'tensorlane';
import { seededFloats } from '../../test/models/zoo.ts';
import { sampleOf, type Sample } from '../bench/report.ts';
import type { ThroughputCase } from './throughput.ts';

/** One row of `model` (seed 1), fresh for each call. */
function oneRow(model: ThroughputCase) {
  const dims = [1, ...model.row];
  const size = model.row.reduce((a, b) => a * b, 1);
  return () => ({ [model.input]: { type: 'float32' as const, data: seededFloats(size, 1), dims } });
}

const adapterOf = (session: Session) => (session.adapter ? `${session.adapter.vendor} ${session.adapter.architecture}` : '');

export interface Latency {
  /** Over the sessions (load, first) and the steady runs, ms. */
  readonly load: Sample;
  readonly first: Sample;
  readonly steady: Sample;
  readonly adapter: string;
}

/**
 * Loads `model` in `sessions` fresh sessions, timing the load and the first predict of each, then times `runs`
 * further predicts on the first session.
 */
export async function measureLatency(model: ThroughputCase, backend: Backend, sessions: number, runs: number): Promise<Latency> {
  const feeds = oneRow(model);
  const load: number[] = [];
  const first: number[] = [];
  const steady: number[] = [];
  let adapter = '';
  for (let s = 0; s < sessions; s++) {
    const t0 = performance.now();
    const session = await createSession({ model: `models/${model.file}`, backend, batching: 'stack' });
    const t1 = performance.now();
    await session.predict(feeds());
    first.push(performance.now() - t1);
    load.push(t1 - t0);
    for (let r = 0; s === 0 && r < runs; r++) {
      const f = feeds();
      const t = performance.now();
      await session.predict(f);
      steady.push(performance.now() - t);
    }
    adapter = adapterOf(session);
    await session.dispose();
  }
  return { load: sampleOf(load), first: sampleOf(first), steady: sampleOf(steady), adapter };
}

export interface WarmupLatency {
  /** Over fresh sessions loaded alternately without and with warm-up, ms. */
  readonly cold: { readonly load: Sample; readonly first: Sample };
  readonly warm: { readonly load: Sample; readonly warmup: Sample; readonly first: Sample };
  readonly adapter: string;
}

/**
 * Times the first predict of `sessions` fresh sessions without warm-up and `sessions` with `warmup: true`,
 * alternating so that both see the same conditions; the first predict runs at batch 1, the warmed-up size.
 */
export async function measureWarmup(model: ThroughputCase, backend: Backend, sessions: number): Promise<WarmupLatency> {
  const feeds = oneRow(model);
  const cold = { load: [] as number[], first: [] as number[] };
  const warm = { load: [] as number[], warmup: [] as number[], first: [] as number[] };
  let adapter = '';
  for (let s = 0; s < sessions; s++) {
    for (const warmup of [false, true]) {
      const t0 = performance.now();
      const session = await createSession({
        model: `models/${model.file}`,
        backend,
        batching: 'stack',
        warmup: warmup && { batchSizes: [1], ...(model.freeDimensions ? { freeDimensions: model.freeDimensions } : {}) },
      });
      const t1 = performance.now();
      await session.predict(feeds());
      const first = performance.now() - t1;
      if (warmup) {
        warm.load.push(t1 - t0);
        warm.warmup.push((await session.stats()).warmup!.ms);
        warm.first.push(first);
      } else {
        cold.load.push(t1 - t0);
        cold.first.push(first);
      }
      adapter = adapterOf(session);
      await session.dispose();
    }
  }
  return {
    cold: { load: sampleOf(cold.load), first: sampleOf(cold.first) },
    warm: { load: sampleOf(warm.load), warmup: sampleOf(warm.warmup), first: sampleOf(warm.first) },
    adapter,
  };
}

export interface CalibrationCost {
  /** Over fresh sessions, ms. */
  readonly baseline: Sample;
  readonly first: { readonly load: Sample; readonly calibrationMs: Sample; readonly runs: Sample };
  readonly remembered: { readonly load: Sample; readonly runs: Sample };
  readonly chosen: string;
  readonly reason: string;
}

/**
 * What `backend: 'fastest'` costs at load, `sessions` times over: a first load (stored choices cleared: it measures),
 * a remembered load (the stored choice: it does not), and a load on the engine it chose, named outright.
 */
export async function measureCalibration(model: ThroughputCase, sessions: number): Promise<CalibrationCost> {
  // Dims other than the batch are fixed for every load alike, so that measuring can shape its inputs without warm-up.
  const overrides = model.freeDimensions ? { freeDimensionOverrides: model.freeDimensions } : {};
  const open = async (backend: 'fastest' | Backend, webgpuEngine: WebGpuEngineOption = 'auto') => {
    const t0 = performance.now();
    const session = await createSession({ model: `models/${model.file}`, backend, webgpuEngine, allowSoftwareAdapter: true, ...overrides });
    const load = performance.now() - t0;
    const { calibration } = await session.stats();
    await session.dispose();
    return { load, calibration, selection: session.selection, backend: session.backend, engine: session.engine };
  };
  const baseline: number[] = [];
  const first = { load: [] as number[], calibrationMs: [] as number[], runs: [] as number[] };
  const remembered = { load: [] as number[], runs: [] as number[] };
  let chosen = '';
  let reason = '';
  await open('wasm'); // the model file into the model cache, onnxruntime-web's files into the HTTP cache
  for (let s = 0; s < sessions; s++) {
    await deleteBackendChoices();
    const measured = await open('fastest');
    first.load.push(measured.load);
    first.calibrationMs.push(measured.calibration!.ms);
    first.runs.push(measured.calibration!.runs);
    const again = await open('fastest');
    remembered.load.push(again.load);
    remembered.runs.push(again.calibration!.runs);
    baseline.push((await open(measured.backend, measured.engine === 'wasm' ? 'auto' : measured.engine)).load);
    chosen = measured.engine === 'wasm' ? 'wasm' : `webgpu/${measured.engine}`;
    reason = measured.selection!.reason;
  }
  return {
    baseline: sampleOf(baseline),
    first: { load: sampleOf(first.load), calibrationMs: sampleOf(first.calibrationMs), runs: sampleOf(first.runs) },
    remembered: { load: sampleOf(remembered.load), runs: sampleOf(remembered.runs) },
    chosen,
    reason,
  };
}
