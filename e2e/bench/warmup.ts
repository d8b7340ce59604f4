// First-predict latency of fresh sessions without and with `warmup: true`, on WebGPU and WASM side by side.
// On a machine without a GPU, WebGPU runs on SwiftShader (software): its figures say nothing about real GPUs.
import { formatSample } from './report.ts';
import { pick, withPage, type Section } from './harness.ts';
import { MLP, TEXT_DIRECTION, labelOf } from './models.ts';

export const warmup: Section = {
  id: 'warmup',
  async run(bench) {
    const sessions = pick(bench.mode, { full: 5, quick: 2, smoke: 1 });
    const backends = pick(bench.mode, { full: ['webgpu', 'wasm'], quick: ['wasm'], smoke: ['wasm'] } as const);
    const models = pick(bench.mode, { full: [MLP, TEXT_DIRECTION], quick: [MLP, TEXT_DIRECTION], smoke: [MLP] });
    const rows: string[][] = [];
    await withPage(bench, false, async (page) => {
      for (const model of models) {
        for (const backend of backends) {
          const r = await page.evaluate((args) => window.harness.measureWarmup(args.model, args.backend, args.sessions), { model, backend, sessions });
          rows.push([
            labelOf(model),
            backend === 'webgpu' ? `webgpu (${r.adapter})` : 'wasm',
            ...[r.cold.load, r.cold.first, r.warm.load, r.warm.warmup, r.warm.first].map((s) => formatSample(s, 1)),
            `${(r.cold.first.median / r.warm.first.median).toFixed(1)}x`,
          ]);
        }
      }
    });
    return {
      id: 'warmup',
      title: 'Warm-up',
      text:
        `The first prediction of fresh sessions without and with \`warmup: true\` (batch size 1, the size then ` +
        `predicted), alternating the two kinds, ${sessions} of each, medians (min–max), ms. Warm-up moves the ` +
        `first-run cost into loading.`,
      header: ['model', 'backend', 'load', 'first predict', 'load (warm-up)', 'of which warm-up', 'first predict (warm-up)', 'first: cold/warm'],
      rows,
      figures: {},
    };
  },
};
