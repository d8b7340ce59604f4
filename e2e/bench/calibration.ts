// Benchmark: what backend: 'fastest' costs at load, in Chromium, through the built SDK: a first load (it measures
// each backend), a remembered load (the stored choice: one session, no measuring run), and a load on the chosen
// backend named outright, side by side. Prints figures; asserts nothing.
//   pnpm bench:calibration            (MLP, the fixed-batch Mul, text-direction; 5 rounds each)
//   MODELS=mlp.onnx SESSIONS=9 pnpm bench:calibration
// A WebGPU run still going when the budget runs out (text-direction on SwiftShader) keeps the GPU process busy after
// its session is disposed, into the next round: read that row's later loads with this in mind.
// On a machine without a GPU, WebGPU runs on SwiftShader (software): its figures say nothing about real GPUs.
import { printTable, runBench } from './harness.ts';

const SESSIONS = Number(process.env['SESSIONS'] ?? 5);
const ONLY = process.env['MODELS']?.split(','); // e.g. MODELS=mlp.onnx,fixed.onnx
const ALL = [
  { file: 'mlp.onnx', input: 'x', dims: [1, 256] },
  { file: 'fixed.onnx', input: 'x', dims: [1, 4] },
  { file: 'text-direction.onnx', input: 'x', dims: [1, 3, 48, 192], freeDimensions: { 'p2o.DynamicDimension.1': 48, 'p2o.DynamicDimension.2': 192 } },
];
const CASES = ALL.filter((c) => ONLY === undefined || ONLY.includes(c.file));

await runBench(async ({ browser, openPage }) => {
  const page = await openPage();
  console.log(`Chromium ${browser.version()}; ${SESSIONS} rounds per model (stored choices cleared, fastest, fastest again, the chosen backend); medians, ms`);
  const rows: string[][] = [];
  const reasons: string[] = [];
  for (const model of CASES) {
    const r = await page.evaluate(({ model, sessions }) => window.harness.measureCalibration(model, sessions), { model, sessions: SESSIONS });
    rows.push([
      `${model.file} [${model.dims.join(',')}]`,
      r.chosen,
      r.baseline.toFixed(1),
      r.first.load.toFixed(1),
      `${r.first.calibrationMs.toFixed(1)} (${r.first.runs} runs)`,
      `+${(r.first.load - r.baseline).toFixed(1)}`,
      r.remembered.load.toFixed(1),
      `${r.remembered.load - r.baseline >= 0 ? '+' : ''}${(r.remembered.load - r.baseline).toFixed(1)} (${r.remembered.runs} runs)`,
    ]);
    reasons.push(`${model.file}: ${r.reason}`);
  }
  const header = ['model', 'chosen', 'load, chosen backend', 'load, fastest (first)', 'of which measuring', 'first: extra', 'load, fastest (remembered)', 'remembered: extra'];
  printTable(header, rows);
  console.log(reasons.join('\n'));
});
