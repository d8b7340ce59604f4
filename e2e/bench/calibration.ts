// What `backend: 'fastest'` costs at load, through the built SDK: a first load (it measures each backend), a
// remembered load (the stored choice: one session, no measuring run), and a load on the chosen backend named outright,
// side by side. A WebGPU run still going when the budget runs out (text-direction on SwiftShader) keeps the GPU
// process busy after its session is disposed, into the next round: read that row's later loads with this in mind. On a
// machine without a GPU, WebGPU runs on SwiftShader (software): its figures say nothing about real GPUs.
import { formatSample } from './report.ts';
import { pick, withPage, type Section } from './harness.ts';
import { FIXED, MLP, TEXT_DIRECTION, labelOf } from './models.ts';

/** `+1.5`, `-0.3`: a difference of medians. */
const signed = (x: number) => `${x >= 0 ? '+' : ''}${x.toFixed(1)}`;

export const calibration: Section = {
  id: 'calibration',
  async run(bench) {
    const sessions = pick(bench.mode, { full: 5, quick: 2, smoke: 1 });
    const models = pick(bench.mode, { full: [MLP, FIXED, TEXT_DIRECTION], quick: [MLP, FIXED], smoke: [FIXED] });
    const rows: string[][] = [];
    const reasons: string[] = [];
    await withPage(bench, false, async (page) => {
      for (const model of models) {
        const r = await page.evaluate(({ model, sessions }) => window.harness.measureCalibration(model, sessions), { model, sessions });
        rows.push([
          labelOf(model),
          r.chosen,
          formatSample(r.baseline, 1),
          formatSample(r.first.load, 1),
          `${formatSample(r.first.calibrationMs, 1)} (${r.first.runs.median} runs)`,
          signed(r.first.load.median - r.baseline.median),
          formatSample(r.remembered.load, 1),
          `${signed(r.remembered.load.median - r.baseline.median)} (${r.remembered.runs.median} runs)`,
        ]);
        reasons.push(`${model.file}: ${r.reason}`);
      }
    });
    return {
      id: 'calibration',
      title: "Backend choice: what `backend: 'fastest'` costs at load",
      text:
        `Per model, ${sessions} rounds of a first load with the stored choices cleared (it measures every engine), a load ` +
        `that finds the stored choice, and a load on the chosen engine named outright; medians (min–max), ms, extras of the medians, on a ` +
        `page that is not cross-origin isolated. Why each was chosen: ${reasons.join('; ')}.`,
      header: ['model', 'chosen', 'load, chosen engine', 'load, fastest (first)', 'of which measuring', 'first: extra', 'load, fastest (remembered)', 'remembered: extra'],
      rows,
      figures: {},
    };
  },
};
