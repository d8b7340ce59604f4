// Section 1's results: the image with its boxes and text drawn over it, the list of lines read, and where the time
// went, stage by stage.
import { byId, h, ms, msValue } from './dom.ts';
import { STAGES, STAGE_INFO } from './ocr-models.ts';
import type { Picture } from './ocr/canvas.ts';
import type { OcrResult } from './ocr/pipeline.ts';

const BOX_COLOURS = ['#3456d1', '#c0362c', '#1f8a4c', '#8a3fd1', '#b86e00'];

/** Draws `picture` on the page's canvas, with `result`'s boxes and text when given. */
export function drawPicture(picture: Picture, name: string, result?: OcrResult): void {
  const canvas = byId<HTMLCanvasElement>('ocr-canvas');
  canvas.width = picture.width;
  canvas.height = picture.height;
  const context = canvas.getContext('2d')!;
  context.drawImage(picture, 0, 0);
  if (result === undefined) {
    canvas.setAttribute('aria-label', `${name}, being read`);
    byId('ocr-caption').textContent = `${name}, ${picture.width} × ${picture.height} px`;
    return;
  }
  const unit = Math.max(1.5, Math.max(picture.width, picture.height) / 400);
  result.lines.forEach((line, i) => {
    const colour = BOX_COLOURS[i % BOX_COLOURS.length]!;
    context.lineWidth = unit;
    context.strokeStyle = colour;
    context.beginPath();
    line.corners.forEach((p, j) => (j === 0 ? context.moveTo(p.x, p.y) : context.lineTo(p.x, p.y)));
    context.closePath();
    context.stroke();
    // The text on a label above the box (below it at the top edge), turned as the box is.
    const [tl, tr] = line.corners;
    const size = Math.round(7 * unit);
    context.save();
    context.translate(tl.x, tl.y);
    context.rotate(Math.atan2(tr.y - tl.y, tr.x - tl.x));
    context.font = `600 ${size}px system-ui, "DejaVu Sans", sans-serif`;
    const label = line.text;
    const width = context.measureText(label).width + 2 * unit;
    const above = tl.y - size - 2 * unit >= 0;
    const y = above ? -size - 2 * unit : 0;
    context.fillStyle = colour;
    context.fillRect(0, y, width, size + 2 * unit);
    context.fillStyle = '#fff';
    context.textBaseline = 'top';
    context.fillText(label, unit, y + unit);
    context.restore();
  });
  const text = result.lines.map((line) => line.text).join(' / ');
  canvas.setAttribute('aria-label', result.lines.length === 0 ? `${name}: no text found` : `${name}, text found: ${text}`);
  byId('ocr-caption').textContent =
    `${name}, ${picture.width} × ${picture.height} px: ${result.lines.length} lines read in ${ms(result.totalMs)}` +
    (result.dropped > 0 ? ` (${result.dropped} more boxes read with too little confidence, not shown)` : '');
}

/** Lists the lines read, each with its upright crop, confidence, and whether it was turned. */
export function showLines(result: OcrResult | undefined, note = ''): void {
  const list = byId('ocr-lines');
  if (result === undefined || result.lines.length === 0) {
    list.replaceChildren(h('li', { class: 'muted empty' }, result === undefined ? note : 'No text found.'));
    delete list.dataset['text'];
    return;
  }
  list.replaceChildren(
    ...result.lines.map((line) => {
      const crop = h('canvas', { class: 'crop', 'aria-hidden': 'true' });
      crop.width = line.image.width;
      crop.height = line.image.height;
      crop.getContext('2d')!.drawImage(line.image, 0, 0);
      return h(
        'li',
        { 'data-testid': 'ocr-line', 'data-text': line.text, 'data-upside-down': String(line.upsideDown) },
        h('span', { class: 'line-text' }, line.text),
        h(
          'span',
          { class: 'line-meta' },
          `${Math.round(line.confidence * 100)}% sure`,
          ...(line.upsideDown ? [' · ', h('span', { class: 'tag' }, 'was upside down')] : []),
        ),
        crop,
      );
    }),
  );
  list.dataset['text'] = result.lines.map((line) => line.text).join('\n');
}

/** Fills the timings table. */
export function showStages(result: OcrResult | undefined): void {
  const rows = byId('stage-rows');
  const note = byId('stage-note');
  if (result === undefined) {
    rows.replaceChildren();
    note.textContent = '';
    return;
  }
  rows.replaceChildren(
    ...STAGES.map((stage) => {
      const t = result.stages[stage];
      return h(
        'tr',
        { 'data-testid': `stage-${stage}`, 'data-calls': String(t.calls), 'data-runs': String(t.runs) },
        h('th', { scope: 'row' }, STAGE_INFO[stage].short),
        h('td', {}, msValue(t.preMs)),
        h('td', {}, t.calls === 0 ? '–' : msValue(t.queueMs)),
        h('td', {}, t.calls === 0 ? '–' : msValue(t.runMs)),
        h('td', {}, msValue(t.postMs)),
        h('td', { class: 'nowrap' }, `${t.calls} → ${t.runs}`),
      );
    }),
  );
  const lines = result.stages.recognition;
  note.textContent =
    `Whole pipeline ${ms(result.totalMs)} on the page's clock. ` +
    (lines.calls > 1
      ? `The ${lines.calls} lines went to recognition as ${lines.calls} concurrent predict() calls; the worker ran them in ${lines.runs} run${lines.runs === 1 ? '' : 's'} (lines of similar width share a run).`
      : 'Images with several lines show the batching: their lines go out as concurrent calls.');
}
