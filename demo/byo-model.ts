// Section 5: the user's own .onnx file, loaded by tensorlane on each backend in turn: its inputs and outputs, a run
// on random inputs and the latency, or the SDK's own error.
import { createSession, isTensorlaneError, type Backend, type Session, type TensorInfo } from 'tensorlane';
import { backendLabel, byId, clearErrorIn, errorText, h, median, ms, onDrop, showErrorIn } from './dom.ts';
import { QUIET_ORT } from './ocr-models.ts';
import { randomFeeds } from './random-feeds.ts';

const BACKENDS: readonly Backend[] = ['wasm', 'webgpu'];
/** Timed runs after the first, for the median. */
const REPEATS = 5;

type Outcome =
  | { readonly ok: true; readonly session: Session; readonly firstMs: number; readonly medianMs: number; readonly outputs: string }
  | { readonly ok: false; readonly error: unknown };

function describeTensor(info: TensorInfo): HTMLElement {
  const dims = info.dims.map((d) => (typeof d === 'number' ? String(d) : d)).join(', ');
  return h('code', {}, `${info.name}: ${info.type} [${dims}]`);
}

function tensorList(infos: readonly TensorInfo[]): HTMLElement {
  return h('ul', { class: 'plain' }, ...infos.map((info) => h('li', {}, describeTensor(info))));
}

/** Loads `bytes` (a copy of the file; it is moved to the worker) on `backend` and times runs on random inputs. */
async function tryBackend(bytes: ArrayBuffer, backend: Backend): Promise<Outcome> {
  let session: Session | undefined;
  try {
    session = await createSession({ model: bytes, backend, logSeverityLevel: QUIET_ORT });
    const feeds = () => randomFeeds(session!.inputs);
    let start = performance.now();
    const out = await session.predict(feeds());
    const firstMs = performance.now() - start;
    const times: number[] = [];
    for (let i = 0; i < REPEATS; i++) {
      const item = feeds(); // made before the clock starts
      start = performance.now();
      await session.predict(item);
      times.push(performance.now() - start);
    }
    const outputs = Object.entries(out).map(([name, tensor]) => `${name} [${tensor.dims.join(', ')}]`).join(', ');
    return { ok: true, session, firstMs, medianMs: median(times), outputs };
  } catch (error) {
    return { ok: false, error };
  } finally {
    void session?.dispose();
  }
}

function outcomeRow(backend: Backend, outcome: Outcome): HTMLElement {
  const name = backendLabel(backend);
  if (!outcome.ok) {
    return h(
      'tr',
      { 'data-testid': `byo-${backend}`, 'data-ok': 'false', 'data-code': isTensorlaneError(outcome.error) ? outcome.error.code : '' },
      h('th', { scope: 'row' }, name),
      h('td', { class: 'error-text' }, errorText(outcome.error)),
    );
  }
  const adapter = outcome.session.adapter;
  return h(
    'tr',
    { 'data-testid': `byo-${backend}`, 'data-ok': 'true', 'data-median-ms': outcome.medianMs.toFixed(3) },
    h('th', { scope: 'row' }, name),
    h(
      'td',
      {},
      `first run ${ms(outcome.firstMs)}, then ${ms(outcome.medianMs)} (median of ${REPEATS}); outputs ${outcome.outputs}`,
      ...(adapter?.isFallbackAdapter ? [' ', h('span', { class: 'tag warn' }, 'software adapter')] : []),
    ),
  );
}

/** Tries `file` on every backend and shows what happened. */
async function tryFile(file: File): Promise<void> {
  const status = byId('byo-status');
  const errorElement = byId('byo-error');
  const info = byId('byo-info');
  const rows = byId('byo-rows');
  clearErrorIn(errorElement);
  info.hidden = true;
  rows.replaceChildren();
  status.textContent = `Loading "${file.name}" (${file.size.toLocaleString('en-US')} bytes)…`;
  document.body.dataset['byo'] = 'running';
  const input = byId<HTMLInputElement>('byo-file');
  input.disabled = true; // one file at a time
  try {
    await tryOnEveryBackend(file, await file.arrayBuffer());
  } catch (error) {
    showErrorIn(errorElement, error);
    status.textContent = `"${file.name}" could not be read.`;
  } finally {
    input.disabled = false;
    document.body.dataset['byo'] = 'done';
  }
}

/** Runs the bytes of `file` on each backend in turn, filling the table, the model's facts or the error. */
async function tryOnEveryBackend(file: File, bytes: ArrayBuffer): Promise<void> {
  const status = byId('byo-status');
  const rows = byId('byo-rows');
  const outcomes: Outcome[] = [];
  for (const backend of BACKENDS) {
    status.textContent = `Running "${file.name}" on ${backend}…`;
    const outcome = await tryBackend(bytes.slice(0), backend);
    outcomes.push(outcome);
    rows.append(outcomeRow(backend, outcome));
  }
  const loaded = outcomes.find((outcome) => outcome.ok);
  if (loaded?.ok) {
    byId('byo-inputs').replaceChildren(tensorList(loaded.session.inputs));
    byId('byo-outputs').replaceChildren(tensorList(loaded.session.outputs));
    byId('byo-info').hidden = false;
    status.textContent = `"${file.name}": random inputs with symbolic dims set to 1.`;
  } else {
    // No backend loaded it: the first backend's error, as the SDK gave it, stands for the file; the table has each.
    const first = (outcomes[0] as { error: unknown }).error;
    showErrorIn(byId('byo-error'), first);
    status.textContent = `"${file.name}" could not be loaded.`;
  }
}

/** Wires the file picker and the drop zone. */
export function wireByoModel(): void {
  const input = byId<HTMLInputElement>('byo-file');
  input.addEventListener('change', () => {
    const file = input.files?.[0];
    if (file !== undefined) void tryFile(file);
    input.value = '';
  });
  onDrop(byId('byo-drop'), (files) => {
    const file = files[0];
    if (file !== undefined && !input.disabled) void tryFile(file);
  });
}
