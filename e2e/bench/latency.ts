// Benchmark: model load, first prediction and steady-state prediction latency, on WebGPU and WASM side by side,
// in Chromium, through the built SDK. Prints figures; asserts nothing.
//   pnpm bench:latency                 (MLP and text-direction, 5 fresh sessions each, 30 steady runs)
// On a machine without a GPU, WebGPU runs on SwiftShader (software): its figures say nothing about real GPUs.
import { printTable, runBench } from './harness.ts';

const SESSIONS = Number(process.env['SESSIONS'] ?? 5);
const RUNS = Number(process.env['RUNS'] ?? 30);
const CASES = [
  { file: 'mlp.onnx', input: 'x', dims: [1, 256] },
  { file: 'text-direction.onnx', input: 'x', dims: [1, 3, 48, 192] },
];

await runBench(async ({ browser, openPage }) => {
  const page = await openPage();
  console.log(`Chromium ${browser.version()}; ${SESSIONS} fresh sessions per cell (load, first), ${RUNS} steady runs each; medians, ms`);
  const rows: string[][] = [];
  for (const model of CASES) {
    const measure = (backend: 'webgpu' | 'wasm') =>
      page.evaluate(
        ({ model, backend, sessions, runs }) => window.harness.measureLatency(model, backend, sessions, runs),
        { model, backend, sessions: SESSIONS, runs: RUNS },
      );
    const webgpu = await measure('webgpu');
    const wasm = await measure('wasm');
    rows.push([`${model.file} [${model.dims.join(',')}]`, `webgpu (${webgpu.adapter})`, ...[webgpu.load, webgpu.first, webgpu.steady].map((v) => v.toFixed(1)), '']);
    rows.push(['', 'wasm', ...[wasm.load, wasm.first, wasm.steady].map((v) => v.toFixed(1)), `${(webgpu.steady / wasm.steady).toFixed(0)}x`]);
  }
  const header = ['model', 'backend', 'load', 'first predict', 'steady predict', 'webgpu/wasm steady'];
  printTable(header, rows);
});
