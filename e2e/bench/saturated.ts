// 1 and 2. The floor (raw session.run at batch 64 in a hand-written module worker, inputs already there) against
// 2,000 concurrent one-row predicts through tensorlane.
import { formatRatio, formatSample } from './report.ts';
import { pick, withPage, type Section } from './harness.ts';
import { CONVNET, MLP, TINY, labelOf } from './models.ts';

export const saturated: Section = {
  id: 'saturated',
  async run(bench) {
    const count = pick(bench.mode, { full: 2000, quick: 2000, smoke: 100 });
    const rounds = pick(bench.mode, { full: 7, quick: 3, smoke: 1 });
    const floorRuns = pick(bench.mode, { full: 50, quick: 20, smoke: 2 });
    const models = pick(bench.mode, { full: [TINY, MLP, CONVNET], quick: [TINY, MLP], smoke: [TINY] });
    const rows: string[][] = [];
    const figures: Record<string, number> = {};
    await withPage(bench, true, async (page) => {
      for (const model of models) {
        const r = await page.evaluate(
          (args) => window.harness.perf.benchSaturated(args.model, args.count, args.rounds, 64, args.floorRuns),
          { model, count, rounds, floorRuns },
        );
        const ratio = r.tensorlane['rowsPerSecond']!.median / r.floor['rowsPerSecond']!.median;
        const name = model.file.replace('.onnx', '');
        figures[`${name}.ratio`] = ratio;
        figures[`${name}.pathMicrosPerCall`] = r.tensorlane['pathMicrosPerCall']!.median;
        figures[`${name}.rowsPerSecond`] = r.tensorlane['rowsPerSecond']!.median;
        rows.push([
          labelOf(model),
          formatSample(r.floor['rowsPerSecond']!),
          formatSample(r.tensorlane['rowsPerSecond']!),
          formatRatio(ratio),
          formatSample(r.tensorlane['p50']!, 1),
          formatSample(r.tensorlane['p95']!, 1),
          formatSample(r.tensorlane['pathMicrosPerCall']!, 1),
          r.floor['microsPerRow']!.median.toFixed(1),
          formatSample(r.tensorlane['runMicrosPerRow']!, 1),
          r.tensorlane['rowsPerRun']!.median.toFixed(1),
        ]);
      }
    });
    return {
      id: 'saturated',
      title: '1–2. Floor and saturated throughput',
      text:
        `The floor is \`session.run\` alone at batch 64 in a hand-written module worker, its input already there ` +
        `(${floorRuns} runs a round). Saturated: ${count} one-row \`predict\` calls fired at once through tensorlane ` +
        `(defaults: dynamic batching, \`maxBatchSize\` 64); latency from firing to each answer. *Path µs/call* is ` +
        `the burst's time less the time inside \`session.run\`, over the calls: what a call costs outside the model. ` +
        `${rounds} rounds.`,
      header: ['model', 'floor rows/s', 'tensorlane rows/s', 'tensorlane/floor', 'p50 ms', 'p95 ms', 'path µs/call', 'floor run µs/row', 'tensorlane run µs/row', 'rows/run'],
      rows,
      figures,
    };
  },
};
