// Model load, first prediction and steady-state prediction, on WebGPU and WASM side by side, through the built SDK.
// On a machine without a GPU, WebGPU runs on SwiftShader (software): its figures say nothing about real GPUs.
import { pick, withPage, type Section } from './harness.ts';

const CASES = [
  { file: 'mlp.onnx', input: 'x', dims: [1, 256] },
  { file: 'text-direction.onnx', input: 'x', dims: [1, 3, 48, 192] },
];

export const latency: Section = {
  id: 'latency',
  async run(bench) {
    const sessions = pick(bench.mode, { full: 5, quick: 2, smoke: 1 });
    const runs = pick(bench.mode, { full: 30, quick: 10, smoke: 2 });
    const backends = pick(bench.mode, { full: ['webgpu', 'wasm'], quick: ['wasm'], smoke: ['wasm'] } as const);
    const cases = bench.mode === 'smoke' ? CASES.slice(0, 1) : CASES;
    const rows: string[][] = [];
    await withPage(bench, false, async (page) => {
      for (const model of cases) {
        const measured = [];
        for (const backend of backends) {
          const r = await page.evaluate((args) => window.harness.measureLatency(args.model, args.backend, args.sessions, args.runs), { model, backend, sessions, runs });
          measured.push({ backend, ...r });
        }
        for (const [i, r] of measured.entries()) {
          const wasm = measured.find((m) => m.backend === 'wasm')!;
          rows.push([
            i === 0 ? `${model.file} [${model.dims.join(',')}]` : '',
            r.backend === 'webgpu' ? `webgpu (${r.adapter})` : 'wasm',
            ...[r.load, r.first, r.steady].map((v) => v.toFixed(1)),
            r.backend === 'webgpu' ? `${(r.steady / wasm.steady).toFixed(0)}x` : '',
          ]);
        }
      }
    });
    return {
      id: 'latency',
      title: 'Load and latency',
      text:
        `Model load, first prediction (includes WebGPU's shader compilation) and steady-state prediction, medians ` +
        `of ${sessions} fresh sessions (load, first) and ${runs} steady runs, ms, on a page that is not cross-origin ` +
        `isolated (\`numThreads: 'auto'\` runs 1 thread there).`,
      header: ['model', 'backend', 'load', 'first predict', 'steady predict', 'webgpu/wasm steady'],
      rows,
      figures: {},
    };
  },
};
