// Benchmark: first-predict latency of fresh sessions without and with `warmup: true`, on WebGPU and WASM side by
// side, in Chromium, through the built SDK. Prints figures; asserts nothing.
//   pnpm bench:warmup                 (MLP and text-direction, 5 sessions of each kind per backend)
// On a machine without a GPU, WebGPU runs on SwiftShader (software): its figures say nothing about real GPUs.
import { printTable, runBench } from './harness.ts';

const SESSIONS = Number(process.env['SESSIONS'] ?? 5);
const CASES = [
  { file: 'mlp.onnx', input: 'x', dims: [1, 256] },
  // PaddleOCR exports name every dynamic dim; the warm-up needs the image size the app will feed.
  { file: 'text-direction.onnx', input: 'x', dims: [1, 3, 48, 192], freeDimensions: { 'p2o.DynamicDimension.1': 48, 'p2o.DynamicDimension.2': 192 } },
];

await runBench(async ({ browser, openPage }) => {
  const page = await openPage();
  console.log(`Chromium ${browser.version()}; ${SESSIONS} fresh sessions without and ${SESSIONS} with warmup: true per row, alternating; medians, ms`);
  const rows: string[][] = [];
  for (const model of CASES) {
    for (const backend of ['webgpu', 'wasm'] as const) {
      const r = await page.evaluate(
        ({ model, backend, sessions }) => window.harness.measureWarmup(model, backend, sessions),
        { model, backend, sessions: SESSIONS },
      );
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
  const header = ['model', 'backend', 'load', 'first predict', 'load (warm-up)', 'of which warm-up', 'first predict (warm-up)', 'first: cold/warm'];
  printTable(header, rows);
});
