// 7. Threads: tensorlane's WASM with 1, 2, 4 and `auto` threads on a cross-origin isolated page.
import { formatRatio, formatSample } from './report.ts';
import { pick, withPage, type Section } from './harness.ts';
import { CONVNET, MLP, labelOf } from './models.ts';

export const threads: Section = {
  id: 'threads',
  async run(bench) {
    const rounds = pick(bench.mode, { full: 7, quick: 2, smoke: 1 });
    const options = pick(bench.mode, { full: [1, 2, 4, 'auto'], quick: [1, 2, 'auto'], smoke: [1, 'auto'] } as const);
    const cases = pick(bench.mode, {
      full: [[MLP, 1], [MLP, 64], [CONVNET, 1], [CONVNET, 64]],
      quick: [[MLP, 64], [CONVNET, 64]],
      smoke: [[MLP, 1]],
    } as const);
    const rows: string[][] = [];
    const figures: Record<string, number> = {};
    let auto = 0;
    await withPage(bench, true, async (page) => {
      for (const [model, batch] of cases) {
        const calls = pick(bench.mode, { full: batch === 1 ? 300 : 40, quick: batch === 1 ? 100 : 15, smoke: 3 });
        const { results, threads, together } = await page.evaluate(
          (args) => window.harness.perf.benchThreads(args.model, args.options, args.batch, args.calls, args.rounds, args.together),
          { model, options, batch, calls, rounds, together: batch > 1 },
        );
        auto = threads['auto']!;
        const one = results['1']!['rowsPerSecond']!.median;
        const key = `${model.file.replace('.onnx', '')}.${batch}`;
        figures[`${key}.autoVs1`] = results['auto']!['rowsPerSecond']!.median / one;
        rows.push([
          labelOf(model, batch),
          ...options.map((o) => formatSample(results[String(o)]!['rowsPerSecond']!)),
          formatRatio(results['auto']!['rowsPerSecond']!.median / one),
          together ? formatSample(together) : '',
        ]);
      }
    });
    figures['auto'] = auto;
    return {
      id: 'threads',
      title: '7. Threads: multi-threaded WASM on a cross-origin isolated page',
      text:
        `tensorlane on a cross-origin isolated page with each \`numThreads\`, one session at a time (each round opens, ` +
        `warms up, measures and disposes one per option, in turn): \`predict\` calls one after another at the batch ` +
        `shown, rows/s over the round, ${rounds} rounds. ` +
        `\`auto\` ran ${auto} thread${auto === 1 ? '' : 's'} here (\`session.threads\`). ` +
        `*Two open* is one of two sessions of 2 threads open at once, taking turns, as two models of one page would be.`,
      header: ['model [batch]', ...options.map((o) => (o === 'auto' ? `auto (${auto}) rows/s` : `${o} thread${o === 1 ? '' : 's'} rows/s`)), 'auto/1', '2 threads, two open, rows/s'],
      rows,
      figures,
    };
  },
};
