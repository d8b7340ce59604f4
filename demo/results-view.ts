// Step 2 of the page: one table row per image (as drawn, as the model sees it, the prediction), timings, and
// what became of the input buffers.
import type { SessionStats } from 'tensorlane';
import { byId, bytes, h, ms } from './dom.ts';
import { LABELS, SAMPLES, type Sample, type SampleCanvases } from './samples.ts';

interface Row {
  readonly sample: Sample;
  readonly element: HTMLTableRowElement;
  readonly prediction: HTMLTableCellElement;
  readonly canvases: SampleCanvases;
}

let rows: Row[] = [];

/** Builds the table rows; returns each sample's canvases. */
export function buildRows(): SampleCanvases[] {
  rows = SAMPLES.map((sample) => {
    const drawn = h('canvas', { class: 'drawn', role: 'img', 'aria-label': `${sample.title}, as drawn` });
    const input = h('canvas', { class: 'input', role: 'img', 'aria-label': `${sample.title}, as the model sees it` });
    const prediction = h('td', { class: 'prediction' });
    const element = h(
      'tr',
      { 'data-testid': `result-${sample.id}`, 'data-expected': sample.expected },
      h('td', {}, h('div', { class: 'title' }, sample.title), drawn),
      h('td', {}, input),
      prediction,
    );
    return { sample, element, prediction, canvases: { drawn, input } };
  });
  byId('rows').replaceChildren(...rows.map((row) => row.element));
  clearPredictions();
  return rows.map((row) => row.canvases);
}

/** A probability as a percentage, without rounding 0.99999 up to a flat 100%. */
function percent(p: number): string {
  if (p > 0.999) return '>99.9%';
  if (p < 0.001) return '<0.1%';
  return `${(p * 100).toFixed(1)}%`;
}

function bar(label: string, p: number, winner: boolean): HTMLElement {
  const fill = h('span', { class: 'fill' });
  fill.style.width = `${Math.max(0, Math.min(1, p)) * 100}%`;
  return h(
    'div',
    { class: winner ? 'bar winner' : 'bar' },
    h('span', { class: 'label' }, `P(${label})`),
    h('span', { class: 'track' }, fill),
    h('span', { class: 'value', title: String(p) }, percent(p)),
  );
}

/** Blanks the prediction column (before the first run, or when the images change). */
export function clearPredictions(note = 'press Classify'): void {
  for (const { element, prediction, sample } of rows) {
    for (const key of ['predicted', 'p0', 'p180', 'correct']) delete element.dataset[key];
    prediction.replaceChildren(h('span', { class: 'muted' }, `expected ${sample.expected}; ${note}`));
  }
}

/** Shows each image's probabilities [P(0°), P(180°)], in the order of SAMPLES. */
export function showPredictions(probabilities: readonly (readonly [number, number])[]): void {
  rows.forEach(({ element, prediction, sample }, i) => {
    const [p0, p180] = probabilities[i]!;
    const predicted = p0 >= p180 ? LABELS[0] : LABELS[1];
    const correct = predicted === sample.expected;
    Object.assign(element.dataset, { predicted, p0: String(p0), p180: String(p180), correct: String(correct) });
    prediction.replaceChildren(
      h(
        'div',
        { class: correct ? 'verdict ok' : 'verdict wrong' },
        h('strong', {}, predicted === '0°' ? '0°, upright' : '180°, upside down'),
        correct ? ' ✓' : ` ✗ (expected ${sample.expected})`,
      ),
      bar(LABELS[0], p0, predicted === LABELS[0]),
      bar(LABELS[1], p180, predicted === LABELS[1]),
    );
  });
}

export interface Timings {
  readonly loadMs?: number;
  readonly firstMs?: number;
  /** Durations of the repeated predictions after the first. */
  readonly laterMs?: readonly number[];
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Shows the timings known so far; `softwareAdapter` adds a warning that they mean nothing for real GPUs. */
export function showTimings(timings: Timings, softwareAdapter: boolean): void {
  byId('time-load').textContent = timings.loadMs === undefined ? '–' : `${ms(timings.loadMs)} (createSession: fetch, backend choice, session set-up)`;
  byId('time-first').textContent =
    timings.firstMs === undefined ? '–' : `${ms(timings.firstMs)} (the first call after loading: it compiles shaders and plans memory, unless createSession had warmup)`;
  const later = timings.laterMs;
  byId('time-median').textContent =
    later === undefined || later.length === 0
      ? '–'
      : `${ms(median(later))} median of ${later.length} runs (fastest ${ms(Math.min(...later))}, slowest ${ms(Math.max(...later))})`;
  const note = byId('timing-note');
  note.hidden = !softwareAdapter;
  note.textContent = softwareAdapter
    ? 'This WebGPU adapter is a software renderer (such as SwiftShader): these timings say nothing about a real GPU.'
    : '';
}

/** Shows what the worker's scheduler did: how many runs the images took, and how long they waited and ran. */
export function showStats(stats: SessionStats | undefined): void {
  byId('stats').textContent =
    stats === undefined
      ? '–'
      : `${stats.requests.resolved} calls, ${stats.rows.resolved} images in ${stats.runs} runs ` +
        `(${stats.meanRowsPerRun.toFixed(1)} per run); queue wait p50 ${ms(stats.queueWaitMs.p50)}, run p50 ${ms(stats.runMs.p50)}`;
}

/** Shows the inputs' buffer sizes before and after predictBatch: 0 after means they were moved, not copied. */
export function showTransfer(before: readonly number[], after: readonly number[]): void {
  const element = byId('transfer');
  const moved = after.every((n) => n === 0);
  element.dataset['after'] = after.join(',');
  element.dataset['moved'] = String(moved);
  element.replaceChildren(
    'Before ', h('code', {}, 'predictBatch()'), `, each of the ${before.length} input Float32Arrays held `,
    h('strong', {}, bytes(before[0] ?? 0)), '. Right after the call their ', h('code', {}, 'buffer.byteLength'), ' is ',
    h('strong', {}, after.map(bytes).join(', ')), ': ',
    moved
      ? 'the buffers were transferred to the worker, not copied, so a big input costs no copy on the main thread. ' +
        'Pass { copy: true } to keep using them.'
      : 'the buffers were copied, not transferred.',
  );
}
