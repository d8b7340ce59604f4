// Benchmark: model load, first prediction and steady-state prediction latency, on WebGPU and WASM side by side,
// in Chromium, through the built SDK. Prints figures; asserts nothing.
//   pnpm bench:latency                 (MLP and text-direction, 5 fresh sessions each, 30 steady runs)
// On a machine without a GPU, WebGPU runs on SwiftShader (software): its figures say nothing about real GPUs.
import { chromium } from '@playwright/test';
import { build, preview } from 'vite';
import { QUIET_ARGS, WEBGPU_ARGS, chromiumPath } from '../browser.ts';

const CONFIG = new URL('../vite.config.ts', import.meta.url).pathname;
const SESSIONS = Number(process.env['SESSIONS'] ?? 5);
const RUNS = Number(process.env['RUNS'] ?? 30);
const CASES = [
  { file: 'mlp.onnx', input: 'x', dims: [1, 256] },
  { file: 'text-direction.onnx', input: 'x', dims: [1, 3, 48, 192] },
];

await build({ configFile: CONFIG, logLevel: 'warn' });
const server = await preview({ configFile: CONFIG, preview: { port: 4175 } });
const browser = await chromium.launch({ executablePath: chromiumPath(), args: [...QUIET_ARGS, ...WEBGPU_ARGS] });
try {
  const page = await browser.newPage();
  await page.goto(server.resolvedUrls!.local[0]!);
  await page.waitForSelector('body[data-ready="true"]', { state: 'attached' });
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
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  console.log([line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n'));
} finally {
  await browser.close();
  await new Promise((resolve) => server.httpServer.close(resolve));
}
