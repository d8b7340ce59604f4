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
        const { results, threads } = await page.evaluate(
          (args) => window.harness.perf.benchThreads(args.model, args.options, args.batch, args.calls, args.rounds),
          { model, options, batch, calls, rounds },
        );
        auto = threads['auto']!;
        const one = results['1']!['rowsPerSecond']!.median;
        const key = `${model.file.replace('.onnx', '')}.${batch}`;
        figures[`${key}.autoVs1`] = results['auto']!['rowsPerSecond']!.median / one;
        rows.push([
          labelOf(model, batch),
          ...options.map((o) => formatSample(results[String(o)]!['rowsPerSecond']!)),
          formatRatio(results['auto']!['rowsPerSecond']!.median / one),
        ]);
      }
    });
    figures['auto'] = auto;
    return {
      id: 'threads',
      title: '7. Threads: multi-threaded WASM on a cross-origin isolated page',
      text:
        `tensorlane sessions with each \`numThreads\` open in one cross-origin isolated page, taking turns: \`predict\` ` +
        `calls one after another at the batch shown, rows/s over the round, ${rounds} rounds. \`auto\` ran ` +
        `${auto} threads here (\`session.threads\`).`,
      header: ['model [batch]', ...options.map((o) => (o === 'auto' ? `auto (${auto}) rows/s` : `${o} thread${o === 1 ? '' : 's'} rows/s`)), 'auto/1'],
      rows,
      figures,
    };
  },
};
