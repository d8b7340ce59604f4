// 6. Smoothness: what the page feels during a burst of predictions, tensorlane against onnxruntime-web on the main
// thread.
import { alternate } from './alternate.ts';
import { formatSample } from './report.ts';
import { pick, type Section } from './harness.ts';
import { CONVNET, TEXT_DIRECTION, labelOf } from './models.ts';

export const smoothness: Section = {
  id: 'smoothness',
  async run(bench) {
    const count = pick(bench.mode, { full: 500, quick: 500, smoke: 20 });
    const rounds = pick(bench.mode, { full: 5, quick: 2, smoke: 1 });
    const models = pick(bench.mode, { full: [CONVNET, TEXT_DIRECTION], quick: [CONVNET], smoke: [CONVNET] });
    const rows: string[][] = [];
    const figures: Record<string, number> = {};
    const modes = ['tensorlane', 'ort-main'] as const;
    for (const model of models) {
      // A page per path, taking turns: a path must not feel the other's leftovers (onnxruntime-web on the main thread
      // leaves its page a collection to do).
      const pages = await Promise.all(modes.map((mode) => bench.openPage({ isolated: true }).then(async (page) => {
        await page.evaluate((args) => window.harness.perf.smoothnessOpen(args.model, args.mode), { model, mode });
        return page;
      })));
      try {
        const r = await alternate(rounds, {
          tensorlane: () => pages[0]!.evaluate((n) => window.harness.perf.smoothnessRound(n), count),
          'ort-main': () => pages[1]!.evaluate((n) => window.harness.perf.smoothnessRound(n), count),
        });
        for (const mode of modes) {
          const f = (key: string) => r[mode][key]!;
          figures[`${model.file.replace('.onnx', '')}.${mode}.longTasks`] = f('longTasks').max;
          rows.push([
            mode === 'tensorlane' ? labelOf(model) : '',
            mode === 'tensorlane' ? 'tensorlane' : 'onnxruntime-web, main thread',
            formatSample(f('longTasks')),
            formatSample(f('longestTaskMs')),
            formatSample(f('slowFrames')),
            formatSample(f('longestFrameMs')),
            formatSample(f('elapsedMs')),
          ]);
        }
      } finally {
        for (const page of pages) {
          await page.evaluate(() => window.harness.perf.smoothnessClose());
          await page.close();
        }
      }
    }
    return {
      id: 'smoothness',
      title: '6. Smoothness: the page during a burst',
      text:
        `${count} one-row predictions fired at once while the page draws frames, each path in a page of its own, the ` +
        `two taking turns: main-thread tasks over 50 ms ` +
        `(PerformanceObserver \`longtask\`) and frames (\`requestAnimationFrame\` intervals) over 50 ms, from the ` +
        `burst to the frame after its last answer; the garbage of making the inputs is collected (\`gc()\`) before each ` +
        `burst, in a task of its own. The text-direction classifier is not stacked (its dims have different names), so its ` +
        `calls run one by one on either path. ${rounds} rounds. The long-task columns are the measure: headless ` +
        `Chromium's \`requestAnimationFrame\` intervals here did not show onnxruntime-web's main-thread block, which ` +
        `the long-task observer reports.`,
      header: ['model', 'path', 'long tasks', 'longest task ms', 'frames > 50 ms', 'longest frame ms', 'burst ms'],
      rows,
      figures,
    };
  },
};
