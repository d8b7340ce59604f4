// The WebGPU engines side by side: JSEP (onnxruntime-web's default build), the native WebGPU execution provider
// (`onnxruntime-web/webgpu`) and the same built with JS Promise Integration (`onnxruntime-web/jspi`), with WASM for
// reference, taking turns in one page. The tiny model's run time is the per-call cost of the engine (its model costs
// next to nothing). On a machine without a GPU, WebGPU runs on SwiftShader (software): read the ratios between the
// WebGPU engines, not their times against WASM or real GPUs.
import { formatRatio, formatSample } from './report.ts';
import { pick, withPage, type Section } from './harness.ts';
import { CONVNET, MLP, TINY, labelOf } from './models.ts';

const ENGINES = ['jsep', 'native', 'jspi', 'wasm'] as const;
const FIGURES = [['loadMs', 'load'], ['firstMs', 'first predict'], ['runMs', 'run']] as const;

export const engines: Section = {
  id: 'engines',
  async run(bench) {
    const rounds = pick(bench.mode, { full: 5, quick: 2, smoke: 1 });
    const runs = pick(bench.mode, { full: 20, quick: 5, smoke: 2 });
    const models = pick(bench.mode, { full: [TINY, MLP, CONVNET], quick: [TINY, MLP], smoke: [TINY] });
    const rows: string[][] = [];
    const figures: Record<string, number> = {};
    await withPage(bench, false, async (page) => {
      for (const model of models) {
        const r = await page.evaluate((args) => window.harness.benchEngines(args.model, args.engines, args.runs, args.rounds), {
          model, engines: [...ENGINES], runs, rounds,
        });
        for (const [key, label] of FIGURES) {
          const ratio = (engine: 'native' | 'jspi') => r[engine][key]!.median / r.jsep[key]!.median;
          for (const engine of ['native', 'jspi'] as const) figures[`${model.file.replace('.onnx', '')}.${key}.${engine}/jsep`] = ratio(engine);
          rows.push([
            labelOf(model),
            label,
            ...ENGINES.map((engine) => formatSample(r[engine][key]!, 1)),
            formatRatio(ratio('native')),
            formatRatio(ratio('jspi')),
          ]);
        }
      }
    });
    return {
      id: 'engines',
      title: 'WebGPU engines: JSEP, native, JSPI',
      text:
        `Per model, ${rounds} rounds in which each engine in turn loads a fresh session (\`backend: 'webgpu'\` with ` +
        `\`webgpuEngine\` named; \`'wasm'\` for reference), predicts once (shader compilation) and then ${runs} times ` +
        `one after another at batch 1; medians (min–max) over the rounds of the load, the first predict and the ` +
        `median predict, ms. The identity model's run is the engine's per-call cost. Ratios are of the medians, ` +
        `against JSEP.`,
      header: ['model', 'figure', 'webgpu/jsep', 'webgpu/native', 'webgpu/jspi', 'wasm', 'native/jsep', 'jspi/jsep'],
      rows,
      figures,
    };
  },
};
