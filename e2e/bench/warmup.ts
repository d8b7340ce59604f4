// First-predict latency of fresh sessions without and with `warmup: true`, on WebGPU and WASM side by side.
// On a machine without a GPU, WebGPU runs on SwiftShader (software): its figures say nothing about real GPUs.
import { pick, withPage, type Section } from './harness.ts';

const CASES = [
  { file: 'mlp.onnx', input: 'x', dims: [1, 256] },
  // PaddleOCR exports name every dynamic dim; the warm-up needs the image size the app will feed.
  { file: 'text-direction.onnx', input: 'x', dims: [1, 3, 48, 192], freeDimensions: { 'p2o.DynamicDimension.1': 48, 'p2o.DynamicDimension.2': 192 } },
];

export const warmup: Section = {
  id: 'warmup',
  async run(bench) {
    const sessions = pick(bench.mode, { full: 5, quick: 2, smoke: 1 });
    const backends = pick(bench.mode, { full: ['webgpu', 'wasm'], quick: ['wasm'], smoke: ['wasm'] } as const);
    const cases = bench.mode === 'smoke' ? CASES.slice(0, 1) : CASES;
    const rows: string[][] = [];
    await withPage(bench, false, async (page) => {
      for (const model of cases) {
        for (const backend of backends) {
          const r = await page.evaluate((args) => window.harness.measureWarmup(args.model, args.backend, args.sessions), { model, backend, sessions });
          rows.push([
            `${model.file} [${model.dims.join(',')}]`,
            backend === 'webgpu' ? `webgpu (${r.adapter})` : 'wasm',
            r.cold.load.toFixed(1),
            r.cold.first.toFixed(1),
            r.warm.load.toFixed(1),
            r.warm.warmup.toFixed(1),
            r.warm.first.toFixed(1),
            `${(r.cold.first / r.warm.first).toFixed(1)}x`,
          ]);
        }
      }
    });
    return {
      id: 'warmup',
      title: 'Warm-up',
      text:
        `The first prediction of fresh sessions without and with \`warmup: true\` (batch size 1, the size then ` +
        `predicted), alternating the two kinds, ${sessions} of each, medians, ms. Warm-up moves the first-run cost ` +
        `into loading.`,
      header: ['model', 'backend', 'load', 'first predict', 'load (warm-up)', 'of which warm-up', 'first predict (warm-up)', 'first: cold/warm'],
      rows,
      figures: {},
    };
  },
};
