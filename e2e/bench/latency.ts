// Model load, first prediction and steady-state prediction, on WebGPU and WASM side by side, through the built SDK.
// On a machine without a GPU, WebGPU runs on SwiftShader (software): its figures say nothing about real GPUs.
import { formatSample } from './report.ts';
import { pick, withPage, type Section } from './harness.ts';
import { MLP, TEXT_DIRECTION, labelOf } from './models.ts';

export const latency: Section = {
  id: 'latency',
  async run(bench) {
    const sessions = pick(bench.mode, { full: 5, quick: 2, smoke: 1 });
    const runs = pick(bench.mode, { full: 30, quick: 10, smoke: 2 });
    const backends = pick(bench.mode, { full: ['webgpu', 'wasm'], quick: ['wasm'], smoke: ['wasm'] } as const);
    const models = pick(bench.mode, { full: [MLP, TEXT_DIRECTION], quick: [MLP, TEXT_DIRECTION], smoke: [MLP] });
    const rows: string[][] = [];
    await withPage(bench, false, async (page) => {
      for (const model of models) {
        const measured = [];
        for (const backend of backends) {
          const r = await page.evaluate((args) => window.harness.measureLatency(args.model, args.backend, args.sessions, args.runs), { model, backend, sessions, runs });
          measured.push({ backend, ...r });
        }
        for (const [i, r] of measured.entries()) {
          const wasm = measured.find((m) => m.backend === 'wasm')!;
          rows.push([
            i === 0 ? labelOf(model) : '',
            r.backend === 'webgpu' ? `webgpu (${r.adapter})` : 'wasm',
            ...[r.load, r.first, r.steady].map((s) => formatSample(s, 1)),
            r.backend === 'webgpu' ? `${(r.steady.median / wasm.steady.median).toFixed(0)}x` : '',
          ]);
        }
      }
    });
    return {
      id: 'latency',
      title: 'Load and latency',
      text:
        `Model load, first prediction (includes WebGPU's shader compilation) and steady-state prediction, medians ` +
        `(min–max) of ${sessions} fresh sessions (load, first) and ${runs} steady runs, ms, on a page that is not ` +
        `cross-origin isolated (\`numThreads: 'auto'\` runs 1 thread there).`,
      header: ['model', 'backend', 'load', 'first predict', 'steady predict', 'webgpu/wasm steady'],
      rows,
      figures: {},
    };
  },
};
