// 6. Smoothness: what the page feels during a burst of predictions, tensorlane against onnxruntime-web on the main
// thread.
import { formatSample } from './report.ts';
import { pick, withPage, type Section } from './harness.ts';
import { CONVNET, TEXT_DIRECTION, labelOf } from './models.ts';

export const smoothness: Section = {
  id: 'smoothness',
  async run(bench) {
    const count = pick(bench.mode, { full: 500, quick: 500, smoke: 20 });
    const rounds = pick(bench.mode, { full: 5, quick: 2, smoke: 1 });
    const models = pick(bench.mode, { full: [CONVNET, TEXT_DIRECTION], quick: [CONVNET], smoke: [CONVNET] });
    const rows: string[][] = [];
    const figures: Record<string, number> = {};
    await withPage(bench, true, async (page) => {
      for (const model of models) {
        const r = await page.evaluate((args) => window.harness.perf.benchSmoothness(args.model, args.count, args.rounds), { model, count, rounds });
        for (const mode of ['tensorlane', 'ort-main'] as const) {
          const f = r[mode];
          figures[`${model.file.replace('.onnx', '')}.${mode}.longTasks`] = f['longTasks']!.max;
          rows.push([
            mode === 'tensorlane' ? labelOf(model) : '',
            mode === 'tensorlane' ? 'tensorlane' : 'onnxruntime-web, main thread',
            formatSample(f['longTasks']!),
            formatSample(f['longestTaskMs']!),
            formatSample(f['slowFrames']!),
            formatSample(f['longestFrameMs']!),
            formatSample(f['elapsedMs']!),
          ]);
        }
      }
    });
    return {
      id: 'smoothness',
      title: '6. Smoothness: the page during a burst',
      text:
        `${count} one-row predictions fired at once while the page draws frames: main-thread tasks over 50 ms ` +
        `(PerformanceObserver \`longtask\`) and frames (\`requestAnimationFrame\` intervals) over 50 ms, from the ` +
        `burst to the frame after its last answer; the garbage of making the inputs is collected (\`gc()\`) before each ` +
        `burst. The text-direction classifier is not stacked (its dims have different names), so its calls run one by ` +
        `one on either path. ${rounds} rounds.`,
      header: ['model', 'path', 'long tasks', 'longest task ms', 'frames > 50 ms', 'longest frame ms', 'burst ms'],
      rows,
      figures,
    };
  },
};
