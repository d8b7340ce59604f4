// Pictures and video in: live video (640x480 at 30 fps) into an image model through the usual hand-written page
// pipeline (canvas, getImageData, a loop, predict) against tensorlane's pictures (session.stream: each frame moved to
// the worker as it comes), a fast and a slow model, contenders taking turns in one page. Main-thread time per frame comes from Chrome's own count of the page's busy time (Performance.getMetrics'
// TaskDuration) around each run, less the source's (frames drawn and closed, nobody reading them).
import type { CDPSession } from '@playwright/test';
import { formatSample, sampleOf } from './report.ts';
import { pick, withPage, type Section } from './harness.ts';
import type { BenchModel, Contender } from '../harness/pictures-bench.ts';

const CONTENDERS: readonly Contender[] = ['source', 'page', 'frames', 'camera'];
const LABEL: Record<Exclude<Contender, 'source'>, string> = {
  page: 'page pipeline (canvas, getImageData, loop, predict)',
  frames: 'tensorlane session.stream (each frame moved)',
  camera: 'tensorlane session.stream (a camera track, read in the worker)',
};
const MODELS: Record<BenchModel, string> = { 'channel-means': 'fast: channel-means, 16x16', convnet: 'slow: convnet, 32x32' };

async function busySeconds(cdp: CDPSession): Promise<number> {
  const { metrics } = (await cdp.send('Performance.getMetrics')) as { metrics: { name: string; value: number }[] };
  return metrics.find((m) => m.name === 'TaskDuration')!.value;
}

export const pictures: Section = {
  id: 'pictures',
  async run(bench) {
    const backends = pick(bench.mode, { full: ['webgpu', 'wasm'], quick: ['webgpu'], smoke: ['wasm'] } as const);
    const rounds = pick(bench.mode, { full: 5, quick: 3, smoke: 1 });
    const seconds = pick(bench.mode, { full: 4, quick: 2, smoke: 0.5 });
    const rows: string[][] = [];
    const figures: Record<string, number> = {};
    await withPage(bench, false, async (page) => {
      const cdp = await page.context().newCDPSession(page);
      await cdp.send('Performance.enable', { timeDomain: 'threadTicks' });
      for (const backend of backends) {
        // Smoke: the fast model alone, enough to keep the section running.
        for (const model of (bench.mode === 'smoke' ? ['channel-means'] : Object.keys(MODELS)) as BenchModel[]) {
          const adapter = await page.evaluate((a) => window.harness.picturesBench.prepare(a.model, a.backend), { model, backend });
          const busy: Record<string, number[]> = {};
          const runs: Record<string, { results: number; offered: number; latencies: number[]; bytes: number; seconds: number }> = {};
          for (let round = 0; round < rounds; round++) {
            for (const contender of CONTENDERS) {
              const before = await busySeconds(cdp);
              const r = await page.evaluate((a) => window.harness.picturesBench.runContender(a.contender, a.model, a.backend, a.seconds), { contender, model, backend, seconds });
              const ms = ((await busySeconds(cdp)) - before) * 1000;
              // Per frame of the source: the canvas's frames, or the camera's (30 fps).
              (busy[contender] ??= []).push(ms / (contender === 'camera' ? r.seconds * 30 : r.offered));
              const run = (runs[contender] ??= { results: 0, offered: 0, latencies: [], bytes: 0, seconds: 0 });
              run.results += r.results;
              run.offered += r.offered;
              run.latencies.push(...r.latencies);
              run.bytes += r.pixelBytesRead;
              run.seconds += r.seconds;
            }
          }
          const source = sampleOf(busy['source']!).median;
          for (const contender of CONTENDERS.filter((c): c is Exclude<Contender, 'source'> => c !== 'source')) {
            const run = runs[contender]!;
            // The camera's frames are not drawn on the page: nothing to take away.
            const mainMs = Math.max(0, sampleOf(busy[contender]!).median - (contender === 'camera' ? 0 : source));
            const fps = run.results / run.seconds;
            // The camera's frames: 30 a second, whether or not they reached the worker (the browser lets go of those
            // that come while the worker is busy).
            const offered = contender === 'camera' ? run.seconds * 30 : run.offered;
            const dropped = `${(100 * Math.max(0, 1 - run.results / offered)).toFixed(0)}%`;
            const key = `${backend}.${model}.${contender}`;
            if (run.results === 0 || run.latencies.length === 0) {
              rows.push([backend === 'webgpu' ? adapter : backend, MODELS[model], LABEL[contender], mainMs.toFixed(2), '–', 'no result', '0.0', dropped]);
              continue;
            }
            const bytes = run.bytes / run.results;
            const latency = sampleOf(run.latencies);
            rows.push([
              backend === 'webgpu' ? adapter : backend, MODELS[model], LABEL[contender], mainMs.toFixed(2), Math.round(bytes).toLocaleString('en-US'),
              formatSample(latency, 0), fps.toFixed(1), dropped,
            ]);
            Object.assign(figures, { [`${key}.mainMsPerFrame`]: mainMs, [`${key}.pixelBytesPerFrame`]: bytes, [`${key}.latencyMs`]: latency.median, [`${key}.fps`]: fps });
          }
        }
      }
    });
    return {
      id: 'pictures',
      title: 'Pictures and video: the page pipeline against tensorlane',
      text:
        `Live video, 640x480 frames drawn at 30 fps for ${seconds} s a run, into an image model: the pipeline apps write ` +
        `by hand (the latest frame drawn to a canvas, \`getImageData\`, a loop that resizes, normalises and lays out ` +
        `NCHW floats, \`predict\`; frames arriving meanwhile dropped but the newest) against \`session.stream\` with ` +
        `\`images\` (each frame moved to the worker as it comes, an async iterable of \`VideoFrame\`s), and \`session.stream\` ` +
        `on Chromium's fake camera (640x480 at 30 fps, its track read in the worker; its latency is the stream's own, from a ` +
        `frame's arrival in the worker), ${rounds} rounds, contenders taking turns. Main thread: ms of the page's busy time per frame ` +
        `(Chrome's TaskDuration), less the canvas source's own drawing (none for the camera). Pixel bytes: bytes of pixels JavaScript read on the CPU ` +
        `per result (the page's \`getImageData\`; for tensorlane, the worker's CPU conversions, counted by \`stats().pictures.cpu\`). ` +
        `Latency: from a frame's making to its result, median (min–max) over every result. WebGPU here is SwiftShader ` +
        `(software): compare within a model, not against a real GPU.`,
      header: ['backend', 'model', 'pipeline', 'main thread, ms/frame', 'pixel bytes read on the CPU/frame', 'latency, ms', 'results/s', 'frames dropped'],
      rows,
      figures,
    };
  },
};
