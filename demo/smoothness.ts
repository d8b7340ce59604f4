// Section 4: an animation and a live frame-time graph while the detector runs back to back for 5 s, either in
// tensorlane's worker or with onnxruntime-web on the main thread (both on WASM, one thread), with the frame figures
// of each kept side by side.
import { createSession } from 'tensorlane';
import { createChart } from './chart.ts';
import { byId, h, msValue } from './dom.ts';
import { OCR_INPUT as DETECTION_INPUT, QUIET_ORT, modelFile } from './ocr-models.ts';
import type { Picture } from './ocr/canvas.ts';
import { DETECTION_IMAGE, detectionFeeds } from './ocr/detect.ts';

const RUN_MS = 5000;
/** A frame longer than this is a stutter anyone sees. */
export const LONG_FRAME_MS = 50;
/** Frames shown in the graph. */
const GRAPH_FRAMES = 300;

type Where = 'worker' | 'main';

/** The detector loaded for one 5 s run: `run` runs it once on the picture, `release` frees it. */
interface Runner {
  readonly run: () => Promise<unknown>;
  readonly release: () => Promise<void>;
}

/** What the smoothness meter needs from the page. */
export interface SmoothnessSource {
  readonly picture: () => Picture | undefined;
  readonly onError: (error: unknown) => void;
}

/** What one 5 s run measured. */
export interface FrameFigures {
  readonly runs: number;
  readonly frames: number;
  readonly fps: number;
  readonly p95: number;
  readonly longest: number;
  readonly long: number;
}

/** Frame figures from the durations between animation frames over `elapsed` ms. */
export function frameFigures(durations: readonly number[], elapsed: number, runs: number): FrameFigures {
  const sorted = [...durations].sort((a, b) => a - b);
  return {
    runs,
    frames: durations.length,
    fps: (durations.length / elapsed) * 1000,
    p95: sorted[Math.min(sorted.length - 1, Math.ceil(0.95 * sorted.length) - 1)] ?? 0,
    longest: sorted.at(-1) ?? 0,
    long: durations.filter((d) => d > LONG_FRAME_MS).length,
  };
}

/** Draws the animation at time `t` (ms): a ball crossing the canvas and a spinner; a stutter shows as a jump. */
function drawAnimation(canvas: HTMLCanvasElement, t: number): void {
  const context = canvas.getContext('2d')!;
  const { width, height } = canvas;
  context.fillStyle = '#f3f4f7';
  context.fillRect(0, 0, width, height);
  const phase = (t / 1500) % 2;
  const x = 20 + (width - 40) * (phase < 1 ? phase : 2 - phase);
  context.fillStyle = '#3456d1';
  context.beginPath();
  context.arc(x, height / 2, 14, 0, 2 * Math.PI);
  context.fill();
  context.strokeStyle = '#c0362c';
  context.lineWidth = 4;
  context.beginPath();
  const angle = (t / 500) * Math.PI;
  context.moveTo(width - 30, 30);
  context.lineTo(width - 30 + 18 * Math.cos(angle), 30 + 18 * Math.sin(angle));
  context.stroke();
}

/** Wires the form and its run. */
export function wireSmoothness(source: SmoothnessSource): void {
  const form = byId<HTMLFormElement>('smoothness-form');
  const button = byId<HTMLButtonElement>('smoothness-run');
  const canvas = byId<HTMLCanvasElement>('smoothness-animation');
  const rows = byId('smoothness-rows');
  const chart = createChart(
    byId('frame-chart'),
    [{ label: 'frame time', colour: '#3456d1' }, { label: `${LONG_FRAME_MS} ms`, colour: '#c0362c', reference: true }],
    { x: 'seconds', y: 'ms per frame', height: 160 },
  );
  const results = new Map<Where, FrameFigures>();
  drawAnimation(canvas, 0);
  button.disabled = false;

  /** The detector, by `where`, on `picture`; one thread either way. */
  async function prepare(where: Where, picture: Picture): Promise<Runner> {
    const file = modelFile('detection');
    if (where === 'main') {
      const { createMainThreadModel, detectionInputOnPage } = await import('./main-thread-ort.ts');
      const { data, dims } = detectionInputOnPage(picture);
      const model = await createMainThreadModel(file.url, file.integrity);
      return { run: () => model.run(data, dims), release: () => model.release() };
    }
    const session = await createSession({
      model: file.url,
      integrity: file.integrity,
      backend: 'wasm',
      numThreads: 1,
      logSeverityLevel: QUIET_ORT,
      images: { [DETECTION_INPUT]: DETECTION_IMAGE },
    });
    // Copied per call (snapshotted off the main thread): tensorlane moves its inputs, and every run reads the same picture.
    return { run: () => session.predict(detectionFeeds(session, picture), { copy: true }), release: () => session.dispose() };
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const picture = source.picture();
    if (picture === undefined) return;
    const where = new FormData(form).get('where') as Where;
    button.disabled = true;
    form.dataset['running'] = 'true';
    button.textContent = 'Preparing…';
    let runner: Runner | undefined;
    let running = true;
    try {
      runner = await prepare(where, picture);
      button.textContent = 'Running…';
      const durations: number[] = [];
      const xs: number[] = [];
      const start = performance.now();
      let last: number | undefined;
      const frame = (now: number) => {
        if (!running) return;
        // Frame times are the gaps between frames, from the first frame drawn after the start.
        if (last !== undefined) {
          durations.push(now - last);
          xs.push((now - start) / 1000);
        }
        last = now;
        drawAnimation(canvas, now);
        const from = Math.max(0, durations.length - GRAPH_FRAMES);
        chart.setData([xs.slice(from), durations.slice(from), xs.slice(from).map(() => LONG_FRAME_MS)]);
        requestAnimationFrame(frame);
      };
      requestAnimationFrame(frame);
      let runs = 0;
      while (performance.now() - start < RUN_MS) {
        await runner.run();
        runs++;
        // Let a frame draw between runs, as a page running a model on its main thread would have to: without it the
        // page would not draw at all until the loop ends.
        await new Promise(requestAnimationFrame);
      }
      const elapsed = performance.now() - start;
      results.set(where, frameFigures(durations, elapsed, runs));
      showResults(rows, results);
    } catch (error) {
      source.onError(error);
    } finally {
      // Also after a failed run: the animation loop stops, and the next Run does not stack a second one.
      running = false;
      await runner?.release().catch(source.onError);
      form.dataset['running'] = 'false';
      button.textContent = 'Run for 5 s';
      button.disabled = false;
    }
  });
}

function showResults(rows: HTMLElement, results: ReadonlyMap<Where, FrameFigures>): void {
  rows.replaceChildren(
    ...(['worker', 'main'] as const)
      .filter((where) => results.has(where))
      .map((where) => {
        const f = results.get(where)!;
        return h(
          'tr',
          {
            'data-testid': `smoothness-${where}-row`,
            'data-fps': f.fps.toFixed(1),
            'data-long': String(f.long),
            'data-longest': f.longest.toFixed(1),
            'data-runs': String(f.runs),
          },
          h('th', { scope: 'row' }, where === 'worker' ? 'Worker' : 'Main thread'),
          h('td', {}, String(f.runs)),
          h('td', {}, f.fps.toFixed(0)),
          h('td', {}, msValue(f.p95)),
          h('td', {}, msValue(f.longest)),
          h('td', {}, `${f.long} of ${f.frames}`),
        );
      }),
  );
}

