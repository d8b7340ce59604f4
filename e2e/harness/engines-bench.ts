// In-page half of `pnpm bench --only engines`: the WebGPU engines (and WASM for reference) side by side in one page,
// taking turns round by round (bench/alternate.ts). Each turn loads a fresh session on its engine and times the
// load, the first predict (shader compilation, memory planning) and then `runs` predicts one after another.
import { createSession, type Engine } from 'tensorlane';
import { seededFloats } from '../../test/models/zoo.ts';
import { alternate, type Figures } from '../bench/alternate.ts';
import type { ThroughputCase } from './throughput.ts';

const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[(xs.length - 1) >> 1]!;

async function turn(model: ThroughputCase, engine: Engine, runs: number): Promise<Figures> {
  const size = model.row.reduce((a, b) => a * b, 1);
  const feeds = () => ({ [model.input]: { type: 'float32' as const, data: seededFloats(size, 1), dims: [1, ...model.row] } });
  const t0 = performance.now();
  const session = await createSession({
    model: `models/${model.file}`,
    backend: engine === 'wasm' ? 'wasm' : 'webgpu',
    ...(engine === 'wasm' ? {} : { webgpuEngine: engine }),
    numThreads: 1,
  });
  const t1 = performance.now();
  try {
    if (session.engine !== engine) throw new Error(`asked for ${engine}, ran on ${session.engine}`);
    await session.predict(feeds());
    const t2 = performance.now();
    const each: number[] = [];
    for (let r = 0; r < runs; r++) {
      const f = feeds();
      const t = performance.now();
      await session.predict(f);
      each.push(performance.now() - t);
    }
    return { loadMs: t1 - t0, firstMs: t2 - t1, runMs: median(each) };
  } finally {
    await session.dispose();
  }
}

/** `engines` taking turns on `model` for `rounds` rounds (after one not kept): load, first predict, run, ms. */
export function benchEngines(model: ThroughputCase, engines: readonly Engine[], runs: number, rounds: number) {
  return alternate(rounds, Object.fromEntries(engines.map((engine) => [engine, () => turn(model, engine, runs)])) as Record<Engine, () => Promise<Figures>>);
}
