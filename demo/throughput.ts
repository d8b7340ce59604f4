// Section 3: N text lines sent to the direction model at once, as N predict() calls, through fresh sessions with
// maxBatchSize 1 (one call per run), 4, 16 and 64; lines per second for each, per backend, charted.
import { createSession, type Backend } from 'tensorlane';
import { createChart } from './chart.ts';
import { backendLabel, byId, h, msValue } from './dom.ts';
import { MEASURED_SIZES, QUIET_ORT, modelFile } from './ocr-models.ts';
import { OCR_INPUT } from './ocr-models.ts';
import { DIRECTION_WIDTH } from './ocr/direction.ts';
import { LINE_IMAGE, lineInput } from './ocr/line-input.ts';

/** The maxBatchSize of each measured session: 1 is one call per run. */
export const BATCH_SIZES = [1, 4, 16, 64] as const;
const BACKENDS: readonly Backend[] = ['wasm', 'webgpu'];
const COLOURS: Readonly<Record<Backend, string>> = { wasm: '#3456d1', webgpu: '#c0362c' };

/** What the throughput panel needs from the page. */
export interface ThroughputSource {
  /** The upright line images of the last OCR result. */
  readonly lines: () => readonly OffscreenCanvas[];
  readonly onError: (error: unknown) => void;
}

interface Point {
  readonly linesPerSecond: number;
  readonly runs: number;
  /** Mean time inside onnxruntime-web's run, per run. */
  readonly runMean: number;
  /** Lines per run, on average. */
  readonly rowsPerRun: number;
  /** The session ran on a software WebGPU adapter. */
  readonly software: boolean;
}

/**
 * Measures one session: a warm-up at load of one full run (shader compilation on WebGPU, memory planning; not
 * counted in stats()), then `lines` sent all at once as pictures, timed until the last answer.
 */
async function measure(backend: Backend, maxBatchSize: number, lines: readonly OffscreenCanvas[]): Promise<Point> {
  const file = modelFile('direction');
  const session = await createSession({
    model: file.url,
    integrity: file.integrity,
    backend,
    batching: 'stack',
    maxBatchSize,
    warmup: { batchSizes: [Math.min(maxBatchSize, lines.length)], freeDimensions: MEASURED_SIZES.direction },
    logSeverityLevel: QUIET_ORT,
    images: { [OCR_INPUT]: LINE_IMAGE },
  });
  try {
    // Snapshotted before the clock starts (predict moves its pictures, and lines repeat), so copying is not measured.
    const pictures = await Promise.all(lines.map((line) => createImageBitmap(line)));
    const burst = pictures.map((picture) => ({ [OCR_INPUT]: lineInput(picture, DIRECTION_WIDTH) }));
    const start = performance.now();
    await Promise.all(burst.map((item) => session.predict(item)));
    const elapsed = performance.now() - start;
    const stats = await session.stats();
    return {
      linesPerSecond: (lines.length / elapsed) * 1000,
      runs: stats.runs,
      runMean: stats.runMs.mean,
      rowsPerRun: stats.meanRowsPerRun,
      software: session.adapter?.isFallbackAdapter === true,
    };
  } finally {
    await session.dispose();
  }
}

/** Wires the form: the slider, the backend boxes, and Measure. */
export function wireThroughput(source: ThroughputSource): void {
  const form = byId<HTMLFormElement>('throughput-form');
  const count = byId<HTMLInputElement>('throughput-count');
  const run = byId<HTMLButtonElement>('throughput-run');
  const rows = byId('throughput-rows');
  const note = byId('throughput-note');
  const chart = createChart(
    byId('throughput-chart'),
    BACKENDS.map((backend) => ({ label: backendLabel(backend), colour: COLOURS[backend] })),
    { x: 'calls per run, at most', y: 'lines / s', xLog2: true, height: 240 },
  );
  count.addEventListener('input', () => (byId('throughput-count-value').textContent = count.value));
  const refresh = () => (run.disabled = form.dataset['running'] === 'true');
  refresh();

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const lines = source.lines();
    const backends = [...form.querySelectorAll<HTMLInputElement>('input[name=backend]:checked')].map((box) => box.value as Backend);
    if (lines.length === 0 || backends.length === 0) {
      note.textContent = lines.length === 0 ? 'Read an image with text first: its lines are what is sent.' : 'Choose a backend.';
      return;
    }
    const n = Number(count.value);
    form.dataset['running'] = 'true';
    refresh();
    const inputs = Array.from({ length: n }, (_, i) => lines[i % lines.length]!);
    const series: Record<Backend, (number | null)[]> = { wasm: BATCH_SIZES.map(() => null), webgpu: BATCH_SIZES.map(() => null) };
    rows.replaceChildren();
    let software = false;
    note.textContent = `Measuring ${n} lines (${lines.length} different ones, repeated)…`;
    try {
      for (const backend of backends) {
        for (const [i, maxBatchSize] of BATCH_SIZES.entries()) {
          const point = await measure(backend, maxBatchSize, inputs);
          series[backend][i] = point.linesPerSecond;
          software ||= point.software;
          chart.setData([[...BATCH_SIZES], series.wasm, series.webgpu]);
          rows.append(
            h(
              'tr',
              { 'data-testid': 'throughput-row', 'data-backend': backend, 'data-max-batch': String(maxBatchSize), 'data-rate': point.linesPerSecond.toFixed(1) },
              h('td', {}, backendLabel(backend)),
              h('td', {}, maxBatchSize === 1 ? '1 (no batching)' : String(maxBatchSize)),
              h('td', {}, point.linesPerSecond.toFixed(0)),
              h('td', {}, String(point.runs)),
              h('td', {}, point.rowsPerRun.toFixed(1)),
              h('td', {}, msValue(point.runMean)),
            ),
          );
        }
      }
      note.textContent =
        ratioNote(series, backends) +
        (software ? ' WebGPU ran on a software adapter (such as SwiftShader): its figures say nothing about a real GPU.' : '');
    } catch (error) {
      note.textContent = 'The measurement failed (see the error above).';
      source.onError(error);
    } finally {
      form.dataset['running'] = 'false';
      refresh();
    }
  });
}

/** What batching bought on each backend: the best rate over the one-call-per-run rate. */
function ratioNote(series: Readonly<Record<Backend, readonly (number | null)[]>>, backends: readonly Backend[]): string {
  return backends
    .map((backend) => {
      const rates = series[backend] as number[];
      const best = Math.max(...rates);
      const at = BATCH_SIZES[rates.indexOf(best)];
      const name = backendLabel(backend);
      return at === 1
        ? `${name}: one call per run was fastest here; batching did not pay for this model on this machine.`
        : `${name}: ${(best / rates[0]!).toFixed(1)}x the lines/s of one call per run (best at ${at} per run).`;
    })
    .join(' ');
}
