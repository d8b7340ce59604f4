// 5. Under load: bursts of single-row requests through tensorlane with dynamic batching, with maxBatchSize 1,
// onnxruntime-web's own worker proxy (WASM only) and onnxruntime-web on the main thread, all open in one page and
// taking turns. On a machine without a GPU, WebGPU runs on SwiftShader: its figures say nothing about real GPUs.
import type { ThroughputMode } from '../harness/throughput.ts';
import { formatRatio, formatSample } from './report.ts';
import { pick, withPage, type Section } from './harness.ts';
import { CONVNET, MLP, TINY, labelOf } from './models.ts';

const LABEL: Record<ThroughputMode, string> = {
  tensorlane: '(a) tensorlane, dynamic batching',
  'tensorlane-unbatched': '(b) tensorlane, maxBatchSize 1',
  'tensorlane-auto': "(e) tensorlane, dynamic batching, numThreads 'auto'",
  'ort-proxy': '(c) onnxruntime-web proxy worker',
  'ort-main': '(d) onnxruntime-web, main thread',
};
const MODES = {
  wasm: ['tensorlane', 'tensorlane-unbatched', 'ort-proxy', 'ort-main', 'tensorlane-auto'],
  webgpu: ['tensorlane', 'tensorlane-unbatched', 'ort-main'],
} as const satisfies Record<string, readonly ThroughputMode[]>;

export const batching: Section = {
  id: 'batching',
  async run(bench) {
    // A WebGPU burst without batching takes ~20 ms a request on SwiftShader: fewer requests, one round.
    const count = pick(bench.mode, { full: { wasm: 2000, webgpu: 200 }, quick: { wasm: 2000, webgpu: 0 }, smoke: { wasm: 100, webgpu: 0 } });
    const rounds = pick(bench.mode, { full: { wasm: 5, webgpu: 1 }, quick: { wasm: 2, webgpu: 0 }, smoke: { wasm: 1, webgpu: 0 } });
    const cells = pick(bench.mode, {
      full: [[TINY, 'wasm'], [MLP, 'wasm'], [CONVNET, 'wasm'], [MLP, 'webgpu'], [CONVNET, 'webgpu']],
      quick: [[TINY, 'wasm'], [MLP, 'wasm'], [CONVNET, 'wasm']],
      smoke: [[TINY, 'wasm']],
    } as const);
    const rows: string[][] = [];
    const figures: Record<string, number> = {};
    await withPage(bench, true, async (page) => {
      for (const [model, backend] of cells) {
        const modes = MODES[backend];
        const r = await page.evaluate(
          (args) => window.harness.perf.benchUnderLoad(args.model, args.backend, args.modes, args.count, args.rounds),
          { model, backend, modes, count: count[backend], rounds: rounds[backend] },
        );
        const a = r.tensorlane!['rowsPerSecond']!.median;
        const name = model.file.replace('.onnx', '');
        for (const mode of modes) {
          const f = r[mode]!;
          // (e) is read against (d): what each gives without configuration.
          const auto = mode === 'tensorlane-auto';
          const ratio = auto ? f['rowsPerSecond']!.median / r['ort-main']!['rowsPerSecond']!.median : a / f['rowsPerSecond']!.median;
          const label = auto ? 'e/d' : `a/${LABEL[mode][1]}`;
          if (mode !== 'tensorlane') figures[`${name}.${backend}.${label}`] = ratio;
          // The most batching can give: a one-row run's cost over a row's share of a batched run (inside run).
          const cap = mode === 'tensorlane-unbatched' ? f['runMicrosPerRow']!.median / r.tensorlane!['runMicrosPerRow']!.median : undefined;
          if (cap !== undefined) {
            figures[`${name}.${backend}.cap`] = cap;
            figures[`${name}.${backend}.a/b of cap`] = ratio / cap;
          }
          rows.push([
            mode === 'tensorlane' ? labelOf(model) : '',
            mode === 'tensorlane' ? backend : '',
            LABEL[mode],
            formatSample(f['rowsPerSecond']!),
            formatSample(f['p50']!, 1),
            formatSample(f['p95']!, 1),
            f['rowsPerRun'] ? f['rowsPerRun'].median.toFixed(1) : '',
            f['runMicrosPerRow'] ? f['runMicrosPerRow'].median.toFixed(1) : '',
            mode === 'tensorlane' ? '' : `${label} = ${formatRatio(ratio)}${cap === undefined ? '' : ` (cap ${formatRatio(cap)})`}`,
          ]);
        }
      }
    });
    return {
      id: 'batching',
      title: '5. Under load: dynamic batching and the alternatives',
      text:
        `Bursts of ${count.wasm} single-row requests fired at once (${count.webgpu || 'none'} on WebGPU), through ` +
        `(a) tensorlane with dynamic batching (defaults), (b) tensorlane with \`maxBatchSize: 1\`, (c) onnxruntime-web's ` +
        `own worker proxy (\`env.wasm.proxy\`, WASM only) and (d) onnxruntime-web on the main thread; (c) and (d) run ` +
        `the requests one after another through a promise chain, the usual way to keep runs of one session apart. All ` +
        `paths are open in one page and take turns, ${rounds.wasm} rounds on WASM (${rounds.webgpu || 'none'} on ` +
        `WebGPU); latency from firing to each answer; *run µs/row* is the time inside onnxruntime-web's \`run\`, from ` +
        `\`session.stats()\`. (a)–(d) run WASM on 1 thread; (e) is tensorlane with every default, \`numThreads: 'auto'\` ` +
        `included (one thread per core but one on this cross-origin isolated page), against (d) with onnxruntime-web's ` +
        `own default (half the cores: 1 here). The *cap* of batching is (b)'s run µs/row over (a)'s: what a one-row run costs ` +
        `against a row's share of a batched run, the most a/b could be if nothing but the runs cost.`,
      header: ['model', 'backend', 'path', 'rows/s', 'p50 ms', 'p95 ms', 'rows/run', 'run µs/row', 'ratio'],
      rows,
      figures,
    };
  },
};
