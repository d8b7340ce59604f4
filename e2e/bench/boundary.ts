// 4. The boundary: one large tensor to the worker and back.
import { formatRatio, formatSample } from './report.ts';
import { pick, withPage, type Section } from './harness.ts';

export const boundary: Section = {
  id: 'boundary',
  async run(bench) {
    const sizes = pick(bench.mode, { full: [1, 16, 64, 256], quick: [1, 16], smoke: [1] });
    const rounds = pick(bench.mode, { full: 7, quick: 3, smoke: 1 });
    const rows: string[][] = [];
    const figures: Record<string, number> = {};
    await withPage(bench, true, async (page) => {
      for (const mib of sizes) {
        const r = await page.evaluate((args) => window.harness.perf.benchBoundary(args.mib, args.rounds), { mib, rounds: mib >= 256 ? Math.min(rounds, 3) : rounds });
        const t = r.tensorlane['ms']!.median;
        figures[`${mib}.vsRaw`] = t / r.raw['ms']!.median;
        figures[`${mib}.vsTransfer`] = t / r.transfer['ms']!.median;
        figures[`${mib}.outsideRunVsTransfer`] = (t - r.tensorlane['runMs']!.median) / r.transfer['ms']!.median;
        rows.push([
          `${mib} MiB`,
          formatSample(r.tensorlane['ms']!, 2),
          formatSample(r.tensorlane['runMs']!, 2),
          formatSample(r.raw['ms']!, 2),
          formatSample(r.transfer['ms']!, 2),
          formatSample(r.clone['ms']!, 2),
          formatRatio(t / r.raw['ms']!.median),
          formatRatio(t / r.transfer['ms']!.median),
          formatRatio((t - r.tensorlane['runMs']!.median) / r.transfer['ms']!.median),
        ]);
      }
    });
    return {
      id: 'boundary',
      title: '4. The boundary: one tensor to the worker and back',
      text:
        `One float32 tensor round trip, ms: tensorlane \`predict\` on the identity model (\`run\` is the time inside ` +
        `onnxruntime-web, which copies the input into WebAssembly memory and the output out of it); the hand-written ` +
        `worker running the same model; a bare echo worker (no model) with a transfer list, and with structured ` +
        `clone. *Outside run* is tensorlane's time less its run, against the bare transfer. ${rounds} rounds ` +
        `(3 at 256 MiB).`,
      header: ['size', 'tensorlane', 'of which run', 'hand-written', 'bare transfer', 'structured clone', 'tensorlane/hand-written', 'tensorlane/transfer', 'outside run/transfer'],
      rows,
      figures,
    };
  },
};
