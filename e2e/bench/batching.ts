// Benchmark: throughput of many concurrent single-row requests, in Chromium, on WASM and WebGPU, through
// (a) tensorlane with dynamic batching, (b) tensorlane with maxBatchSize 1, (c) onnxruntime-web's own worker proxy
// (WASM only) and (d) onnxruntime-web on the main thread. Prints figures and ratios from the same run; asserts
// nothing.
//   pnpm bench:batching                      (2,000 requests per burst; REQUESTS=500 for a quicker look)
// Each cell: one session, a warm-up burst of 100, then REPEATS bursts (default 5 on WASM, 1 on WebGPU, where a
// burst without batching takes a minute on SwiftShader); medians printed.
//   MODEL=mlp BACKEND=wasm pnpm bench:batching   (only the cells whose model file / backend start so)
// On a machine without a GPU, WebGPU runs on SwiftShader (software): its figures say nothing about real GPUs.
import type { Throughput, ThroughputMode } from '../harness/throughput.ts';
import { printTable, runBench } from './harness.ts';

const REQUESTS = Number(process.env['REQUESTS'] ?? 2000);
const REPEATS = { wasm: Number(process.env['REPEATS'] ?? 5), webgpu: Number(process.env['REPEATS'] ?? 1) };
const MODELS = [
  { file: 'mlp.onnx', input: 'x', row: [256] },
  { file: 'convnet.onnx', input: 'image', row: [3, 32, 32] },
];
const MODES: Record<'webgpu' | 'wasm', ThroughputMode[]> = {
  wasm: ['tensorlane', 'tensorlane-unbatched', 'ort-proxy', 'ort-main'],
  webgpu: ['tensorlane', 'tensorlane-unbatched', 'ort-main'],
};
const LABEL: Record<ThroughputMode, string> = {
  tensorlane: '(a) tensorlane, dynamic batching',
  'tensorlane-unbatched': '(b) tensorlane, maxBatchSize 1',
  'ort-proxy': '(c) onnxruntime-web proxy worker',
  'ort-main': '(d) onnxruntime-web, main thread',
};

await runBench(async ({ browser, openPage }) => {
  console.log(
    `Chromium ${browser.version()}; bursts of ${REQUESTS} single-row requests fired at once; medians of ${REPEATS.wasm} bursts on wasm, ` +
      `${REPEATS.webgpu} on webgpu; latency from firing to each answer`,
  );
  const rows: string[][] = [];
  for (const model of MODELS.filter((m) => m.file.startsWith(process.env['MODEL'] ?? ''))) {
    for (const backend of (['wasm', 'webgpu'] as const).filter((b) => b.startsWith(process.env['BACKEND'] ?? ''))) {
      const results = new Map<ThroughputMode, Throughput>();
      for (const mode of MODES[backend]) {
        // A fresh page per cell: onnxruntime-web's proxy setting is global to a page.
        const page = await openPage();
        results.set(mode, await page.evaluate(
          ({ model, backend, mode, count, repeats }) => window.harness.measureThroughput(model, backend, mode, count, repeats),
          { model, backend, mode, count: REQUESTS, repeats: REPEATS[backend] },
        ));
        await page.close();
        const r = results.get(mode)!;
        console.log(`  ${model.file} ${backend} ${LABEL[mode]}: ${r.rowsPerSecond.toFixed(0)} rows/s, p50 ${r.p50.toFixed(0)} ms`);
      }
      const a = results.get('tensorlane')!.rowsPerSecond;
      for (const [mode, r] of results) {
        rows.push([
          mode === 'tensorlane' ? `${model.file} [1,${model.row.join(',')}]` : '',
          mode === 'tensorlane' ? backend : '',
          LABEL[mode],
          r.rowsPerSecond.toFixed(0),
          r.p50.toFixed(0),
          r.p95.toFixed(0),
          r.meanRowsPerRun.toFixed(1),
          r.runMicrosPerRow === undefined ? '' : r.runMicrosPerRow.toFixed(1),
          mode === 'tensorlane' ? '' : `a/${LABEL[mode][1]} = ${(a / r.rowsPerSecond).toFixed(1)}x`,
        ]);
      }
    }
  }
  const header = ['model', 'backend', 'path', 'rows/s', 'p50 ms', 'p95 ms', 'rows/run', 'run µs/row', 'ratio'];
  printTable(header, rows);
});
