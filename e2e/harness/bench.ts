// In-page measurement for the bench scripts (bundled by Vite, so the scripts only pass parameters).
import { createSession, deleteBackendChoices, type Backend } from 'tensorlane';
import { seededFloats } from '../../test/models/zoo.ts';

export interface LatencyCase {
  readonly file: string;
  readonly input: string;
  readonly dims: readonly number[];
  /** Sizes of symbolic dims other than the batch, for the warm-up. */
  readonly freeDimensions?: Readonly<Record<string, number>>;
}

export interface Latency {
  /** Medians, ms. */
  readonly load: number;
  readonly first: number;
  readonly steady: number;
  readonly adapter: string;
}

const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/**
 * Loads `model` in `sessions` fresh sessions, timing the load and the first predict of each, then times `runs`
 * further predicts on the first session.
 */
export async function measureLatency(model: LatencyCase, backend: Backend, sessions: number, runs: number): Promise<Latency> {
  const size = model.dims.reduce((a, b) => a * b, 1);
  const feeds = () => ({ [model.input]: { type: 'float32' as const, data: seededFloats(size, 1), dims: model.dims } });
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
    adapter = session.adapter ? `${session.adapter.vendor} ${session.adapter.architecture}` : '';
    await session.dispose();
  }
  return { load: median(load), first: median(first), steady: median(steady), adapter };
}

export interface WarmupLatency {
  /** Medians, ms, over fresh sessions loaded alternately without and with warm-up. */
  readonly cold: { readonly load: number; readonly first: number };
  readonly warm: { readonly load: number; readonly warmup: number; readonly first: number };
  readonly adapter: string;
}

/**
 * Times the first predict of `sessions` fresh sessions without warm-up and `sessions` with `warmup: true`,
 * alternating so that both see the same conditions; the first predict runs at batch 1, the warmed-up size.
 */
export async function measureWarmup(model: LatencyCase, backend: Backend, sessions: number): Promise<WarmupLatency> {
  const size = model.dims.reduce((a, b) => a * b, 1);
  const feeds = () => ({ [model.input]: { type: 'float32' as const, data: seededFloats(size, 1), dims: model.dims } });
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
      adapter = session.adapter ? `${session.adapter.vendor} ${session.adapter.architecture}` : '';
      await session.dispose();
    }
  }
  return {
    cold: { load: median(cold.load), first: median(cold.first) },
    warm: { load: median(warm.load), warmup: median(warm.warmup), first: median(warm.first) },
    adapter,
  };
}

export interface CalibrationCost {
  /** Medians, ms, over fresh sessions. */
  readonly baseline: number;
  readonly first: { readonly load: number; readonly calibrationMs: number; readonly runs: number };
  readonly remembered: { readonly load: number; readonly runs: number };
  readonly chosen: string;
  readonly reason: string;
}

/**
 * What `backend: 'fastest'` costs at load, `sessions` times over: a first load (stored choices cleared: it measures),
 * a remembered load (the stored choice: it does not), and a load on the backend it chose, named outright.
 */
export async function measureCalibration(model: LatencyCase, sessions: number): Promise<CalibrationCost> {
  // Dims other than the batch are fixed for every load alike, so that measuring can shape its inputs without warm-up.
  const overrides = model.freeDimensions ? { freeDimensionOverrides: model.freeDimensions } : {};
  const open = async (backend: 'fastest' | Backend) => {
    const t0 = performance.now();
    const session = await createSession({ model: `models/${model.file}`, backend, allowSoftwareAdapter: true, ...overrides });
    const load = performance.now() - t0;
    const { calibration } = await session.stats();
    await session.dispose();
    return { load, calibration, selection: session.selection, backend: session.backend };
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
    baseline.push((await open(measured.backend)).load);
    chosen = measured.backend;
    reason = measured.selection!.reason;
  }
  return {
    baseline: median(baseline),
    first: { load: median(first.load), calibrationMs: median(first.calibrationMs), runs: median(first.runs) },
    remembered: { load: median(remembered.load), runs: median(remembered.runs) },
    chosen,
    reason,
  };
}
