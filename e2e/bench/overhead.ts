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
    const posts: { awake: number[]; asleep: number[] } = { awake: [], asleep: [] };
    await withPage(bench, true, async (page) => {
      for (const { model, batch } of cases) {
        const r = await page.evaluate(
          (args) => window.harness.perf.benchSequential(args.model, args.batch, args.calls, args.rounds),
          { model, batch, calls, rounds },
        );
        const ratio = r.tensorlane['microsPerCall']!.median / r.raw['microsPerCall']!.median;
        const outside = (paths: typeof r.raw) => paths['microsPerCall']!.median - paths['runMicrosPerCall']!.median;
        figures[`${model.file.replace('.onnx', '')}.${batch}.ratio`] = ratio;
        figures[`${model.file.replace('.onnx', '')}.${batch}.awake`] = r.awake['microsPerCall']!.median / r.raw['microsPerCall']!.median;
        posts.awake.push(r.postAwake['microsPerPost']!.median);
        posts.asleep.push(r.postAsleep['microsPerPost']!.median);
        rows.push([
          labelOf(model, batch),
          formatSample(r.tensorlane['microsPerCall']!, 1),
          formatSample(r.raw['microsPerCall']!, 1),
          formatRatio(ratio),
          formatSample(r.awake['microsPerCall']!, 1),
          formatRatio(r.awake['microsPerCall']!.median / r.raw['microsPerCall']!.median),
          (r.tensorlane['microsPerCall']!.median - r.raw['microsPerCall']!.median).toFixed(1),
          formatSample(r.tensorlane['runMicrosPerCall']!, 1),
          formatSample(r.raw['runMicrosPerCall']!, 1),
          (outside(r.tensorlane) - outside(r.raw)).toFixed(1),
        ]);
      }
    });
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
    figures['post.awake'] = median(posts.awake);
    figures['post.asleep'] = median(posts.asleep);
    return {
      id: 'overhead',
      title: '3. SDK overhead, one call at a time',
      text:
        `${calls} \`predict\` calls one after another (each awaited), through tensorlane and through a minimal ` +
        `hand-written module worker around the same onnxruntime-web build (postMessage with transfer lists both ways, ` +
        `a Map of pending calls, no validation, no queue); µs per call over the round, ${rounds} rounds. *Run µs*: of ` +
        `that, the time inside the model's run (tensorlane's runner, which makes onnxruntime-web's tensors and reads the ` +
        `outputs; \`session.run\` alone in the hand-written worker): two sessions of one model differ there, ` +
        `whatever wraps them. *Difference outside the run*: what tensorlane adds around it. Each call ` +
        `sends two messages, and a message costs most when its receiver sleeps: an empty \`postMessage\` from that ` +
        `worker took it ${figures['post.awake'].toFixed(1)} µs while the page's thread was awake, and ` +
        `${figures['post.asleep'].toFixed(1)} µs when it had fallen asleep and had to be woken (medians of 100, each ` +
        `round). Both workers pay it by default. *busyWaitMs 2* is tensorlane with its page and worker staying awake ` +
        `2 ms at most for the message they expect, in the same rounds.`,
      header: ['model [batch]', 'tensorlane µs/call', 'hand-written µs/call', 'tensorlane/hand-written', 'busyWaitMs 2 µs/call', 'busyWaitMs 2/hand-written', 'difference µs', 'tensorlane run µs', 'hand-written run µs', 'difference outside the run µs'],
      rows,
      figures,
    };
  },
};
