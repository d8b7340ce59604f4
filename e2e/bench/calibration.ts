// What `backend: 'fastest'` costs at load, through the built SDK: a first load (it measures each backend), a
// remembered load (the stored choice: one session, no measuring run), and a load on the chosen backend named outright,
// side by side. A WebGPU run still going when the budget runs out (text-direction on SwiftShader) keeps the GPU
// process busy after its session is disposed, into the next round: read that row's later loads with this in mind. On a
// machine without a GPU, WebGPU runs on SwiftShader (software): its figures say nothing about real GPUs.
import { pick, withPage, type Section } from './harness.ts';

const CASES = [
  { file: 'mlp.onnx', input: 'x', dims: [1, 256] },
  { file: 'fixed.onnx', input: 'x', dims: [1, 4] },
  { file: 'text-direction.onnx', input: 'x', dims: [1, 3, 48, 192], freeDimensions: { 'p2o.DynamicDimension.1': 48, 'p2o.DynamicDimension.2': 192 } },
];

export const calibration: Section = {
  id: 'calibration',
  async run(bench) {
    const sessions = pick(bench.mode, { full: 5, quick: 2, smoke: 1 });
    const cases = pick(bench.mode, { full: CASES, quick: CASES.slice(0, 2), smoke: CASES.slice(1, 2) });
    const rows: string[][] = [];
    const reasons: string[] = [];
    await withPage(bench, false, async (page) => {
      for (const model of cases) {
        const r = await page.evaluate(({ model, sessions }) => window.harness.measureCalibration(model, sessions), { model, sessions });
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
    });
    return {
      id: 'calibration',
      title: "Backend choice: what `backend: 'fastest'` costs at load",
      text:
        `Per model, ${sessions} rounds of a first load with the stored choices cleared, a load that finds the stored ` +
        `choice, and a load on the chosen backend named outright; medians, ms, on a page that is not cross-origin ` +
        `isolated. Why each was chosen: ${reasons.join('; ')}.`,
      header: ['model', 'chosen', 'load, chosen backend', 'load, fastest (first)', 'of which measuring', 'first: extra', 'load, fastest (remembered)', 'remembered: extra'],
      rows,
      figures: {},
    };
  },
};
