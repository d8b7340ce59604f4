// 1 and 2. The floor (raw session.run at batch 64 in a hand-written module worker, inputs already there) against
// 2,000 concurrent one-row predicts through tensorlane; on WASM also the floor while the page's thread is busy, and
// on WebGPU (SwiftShader here: a few hundred calls) the same against the floor of onnxruntime-web's WebGPU build.
import { formatRatio, formatSample } from './report.ts';
import { pick, withPage, type Section } from './harness.ts';
import { CONVNET, MLP, TINY, labelOf } from './models.ts';
import { BASELINE } from './baseline.ts';

export const saturated: Section = {
  id: 'saturated',
  async run(bench) {
    const count = pick(bench.mode, { full: { wasm: 2000, webgpu: 200 }, quick: { wasm: 2000, webgpu: 0 }, smoke: { wasm: 100, webgpu: 0 } });
    const rounds = pick(bench.mode, { full: { wasm: 7, webgpu: 3 }, quick: { wasm: 3, webgpu: 0 }, smoke: { wasm: 1, webgpu: 0 } });
    const floorRuns = pick(bench.mode, { full: { wasm: 50, webgpu: 5 }, quick: { wasm: 20, webgpu: 0 }, smoke: { wasm: 2, webgpu: 0 } });
    const cells = pick(bench.mode, {
      full: [[TINY, 'wasm'], [MLP, 'wasm'], [CONVNET, 'wasm'], [MLP, 'webgpu']],
      quick: [[TINY, 'wasm'], [MLP, 'wasm']],
      smoke: [[TINY, 'wasm']],
    } as const);
    const rows: string[][] = [];
    const figures: Record<string, number> = {};
    await withPage(bench, true, async (page) => {
      for (const [model, backend] of cells) {
        const r = await page.evaluate(
          (args) => window.harness.perf.benchSaturated(args.model, args.count, args.rounds, 64, args.floorRuns, args.backend, args.baseline),
          { model, backend, count: count[backend], rounds: rounds[backend], floorRuns: floorRuns[backend], baseline: BASELINE !== undefined },
        );
        if (r.baseline) {
          // Not in the report: a comparison for the one who asked, printed as it comes.
          const [now, then] = [r.tensorlane, r.baseline].map((f) => f['rowsPerSecond']!);
          console.log(
            `[baseline] ${labelOf(model)} ${backend}: tensorlane ${formatSample(now!)} rows/s, at ${BASELINE} ${formatSample(then!)} rows/s: ` +
              `${formatRatio(now!.median / then!.median)}; paired in each round ${formatSample(r.baseline['ratio']!, 2)}; ` +
              `path µs/call ${formatSample(r.tensorlane['pathMicrosPerCall']!, 1)} against ${formatSample(r.baseline['pathMicrosPerCall']!, 1)}`,
          );
        }
        const ratio = r.tensorlane['rowsPerSecond']!.median / r.floor['rowsPerSecond']!.median;
        const byHand = r.byHand['rowsPerSecond']!.median / r.floor['rowsPerSecond']!.median;
        const busy = r.floorBusyPage && r.floorBusyPage['rowsPerSecond']!.median / r.floor['rowsPerSecond']!.median;
        const allocating = r.floorAllocatingPage && r.floorAllocatingPage['rowsPerSecond']!.median / r.floor['rowsPerSecond']!.median;
        // WASM figures keep their names of earlier runs (results.json); WebGPU's say so.
        const name = `${model.file.replace('.onnx', '')}${backend === 'webgpu' ? '.webgpu' : ''}`;
        figures[`${name}.ratio`] = ratio;
        figures[`${name}.pathMicrosPerCall`] = r.tensorlane['pathMicrosPerCall']!.median;
        figures[`${name}.rowsPerSecond`] = r.tensorlane['rowsPerSecond']!.median;
        figures[`${name}.byHandRatio`] = byHand;
        figures[`${name}.vsByHand`] = ratio / byHand;
        figures[`${name}.byHandRunMicrosPerRow`] = r.byHand['runMicrosPerRow']!.median;
        if (busy !== undefined) figures[`${name}.floorBusyRatio`] = busy;
        if (allocating !== undefined) figures[`${name}.floorAllocatingRatio`] = allocating;
        rows.push([
          labelOf(model),
          backend,
          formatSample(r.floor['rowsPerSecond']!),
          busy === undefined ? '' : `${formatSample(r.floorBusyPage!['rowsPerSecond']!)} (${formatRatio(busy)})`,
          allocating === undefined ? '' : `${formatSample(r.floorAllocatingPage!['rowsPerSecond']!)} (${formatRatio(allocating)})`,
          `${formatSample(r.byHand['rowsPerSecond']!)} (${formatRatio(byHand)})`,
          formatSample(r.tensorlane['rowsPerSecond']!),
          formatRatio(ratio),
          formatRatio(ratio / byHand),
          formatSample(r.tensorlane['p50']!, 1),
          formatSample(r.tensorlane['p95']!, 1),
          formatSample(r.tensorlane['pathMicrosPerCall']!, 1),
          r.floor['microsPerRow']!.median.toFixed(1),
          formatSample(r.byHand['runMicrosPerRow']!, 1),
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
        `(${floorRuns.wasm} runs a round on WASM, ${floorRuns.webgpu || 'none'} on WebGPU, onnxruntime-web's JSEP build as ` +
        `tensorlane's \`'auto'\` runs it). *Floor, page computing* and *allocating*: the same while the page's thread ` +
        `works without a break, on arithmetic alone or making what a burst makes (a small typed array and a promise a ` +
        `call, thousands alive), with their ratio to the floor: whether the page's work alone slows the worker's runs. Saturated: ${count.wasm} one-row ` +
        `\`predict\` calls fired at once through tensorlane (${count.webgpu || 'none'} on WebGPU; defaults: dynamic ` +
        `batching, \`maxBatchSize\` 64); latency from firing to each answer. *Path µs/call* is the burst's time less the ` +
        `time inside \`session.run\`, over the calls: what a call costs outside the model. *By hand*: the same burst through ` +
        `batching written by hand over the floor's own worker and session, the leanest form of the design: calls gather ` +
        `on the page, 64 at most, travel as one buffer laid out as the batch, run as they arrive with no queue and no copy ` +
        `in the worker, and come back as one buffer cut into views; no validation, cancel, timeout or recovery. Its ` +
        `ratio to the floor is what that design reaches on this machine. ${rounds.wasm} rounds on WASM ` +
        `(${rounds.webgpu || 'none'} on WebGPU).`,
      header: ['model', 'backend', 'floor rows/s', 'floor, page computing rows/s', 'floor, page allocating rows/s', 'by hand rows/s', 'tensorlane rows/s', 'tensorlane/floor', 'tensorlane/by hand', 'p50 ms', 'p95 ms', 'path µs/call', 'floor run µs/row', 'by hand run µs/row', 'tensorlane run µs/row', 'rows/run'],
      rows,
      figures,
    };
  },
};
