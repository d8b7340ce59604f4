// 3. SDK overhead: predicts one after another, through tensorlane and through a hand-written worker with transfer
// lists both ways.
import { formatRatio, formatSample } from './report.ts';
import { pick, withPage, type Section } from './harness.ts';
import { MLP, TINY, labelOf } from './models.ts';

export const overhead: Section = {
  id: 'overhead',
  async run(bench) {
    const rounds = pick(bench.mode, { full: 9, quick: 3, smoke: 1 });
    const calls = pick(bench.mode, { full: 300, quick: 100, smoke: 5 });
    const cases = pick(bench.mode, {
      full: [{ model: TINY, batch: 1 }, { model: MLP, batch: 1 }, { model: MLP, batch: 64 }],
      quick: [{ model: MLP, batch: 1 }, { model: MLP, batch: 64 }],
      smoke: [{ model: MLP, batch: 1 }],
    });
    const rows: string[][] = [];
    const figures: Record<string, number> = {};
    await withPage(bench, true, async (page) => {
      for (const { model, batch } of cases) {
        const r = await page.evaluate(
          (args) => window.harness.perf.benchSequential(args.model, args.batch, args.calls, args.rounds),
          { model, batch, calls, rounds },
        );
        const ratio = r.tensorlane['microsPerCall']!.median / r.raw['microsPerCall']!.median;
        figures[`${model.file.replace('.onnx', '')}.${batch}.ratio`] = ratio;
        rows.push([
          labelOf(model, batch),
          formatSample(r.tensorlane['microsPerCall']!, 1),
          formatSample(r.raw['microsPerCall']!, 1),
          formatRatio(ratio),
          (r.tensorlane['microsPerCall']!.median - r.raw['microsPerCall']!.median).toFixed(1),
        ]);
      }
    });
    return {
      id: 'overhead',
      title: '3. SDK overhead, one call at a time',
      text:
        `${calls} \`predict\` calls one after another (each awaited), through tensorlane and through a minimal ` +
        `hand-written module worker around the same onnxruntime-web build (postMessage with transfer lists both ways, ` +
        `a Map of pending calls, no validation, no queue); µs per call over the round, ${rounds} rounds.`,
      header: ['model [batch]', 'tensorlane µs/call', 'hand-written µs/call', 'tensorlane/hand-written', 'difference µs'],
      rows,
      figures,
    };
  },
};
