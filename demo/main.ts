// The tensorlane demo: loads PaddleOCR's text-direction classifier with createSession() and classifies text line
// images with predictBatch(). State for tests: <body data-status="loading|ready|classifying|error">.
import { createSession, isTensorlaneError, type Session } from 'tensorlane';
import { byId } from './dom.ts';
import { buildRows, clearPredictions, showPredictions, showStats, showTimings, showTransfer, type Timings } from './results-view.ts';
import { drawSamples, modelInputs, type SampleCanvases } from './samples.ts';
import { INPUT_DIMS } from './text-image.ts';
import { MODEL_URL, readOptions, showLoadCode, showSession } from './session-view.ts';

/** Predictions timed after the first one, for the median. */
const REPEATS = 5;

type Status = 'loading' | 'ready' | 'classifying' | 'error';

interface Loaded {
  readonly session: Session;
  timings: Timings;
}

const optionsForm = byId<HTMLFormElement>('options');
const textInput = byId<HTMLInputElement>('text');
const classifyButton = byId<HTMLButtonElement>('classify');
const canvases: SampleCanvases[] = buildRows();

let loaded: Loaded | undefined;
let loading: AbortController | undefined;

function setStatus(status: Status, text: string): void {
  document.body.dataset['status'] = status;
  const element = byId('status');
  element.dataset['status'] = status;
  element.textContent = text;
  const busy = status === 'loading' || status === 'classifying';
  classifyButton.disabled = busy || loaded === undefined;
  // Reloading or editing the images mid-run would dispose the session or change what is being classified.
  for (const control of [...optionsForm.elements, textInput]) {
    (control as HTMLInputElement).disabled = status === 'classifying';
  }
}

/** Shows an error as `code: message` (tensorlane's errors), or `name: message` (anything else). */
function showError(error: unknown): void {
  const element = byId('error');
  element.hidden = false;
  if (isTensorlaneError(error)) {
    element.dataset['code'] = error.code;
    element.textContent = `${error.code}: ${error.message}`;
  } else {
    delete element.dataset['code'];
    element.textContent = error instanceof Error ? `${error.name}: ${error.message}` : `Error: ${String(error)}`;
  }
  console.error(error);
}

function clearError(): void {
  const element = byId('error');
  element.hidden = true;
  element.textContent = '';
  delete element.dataset['code'];
}

/** Loads the model with the options on the page, replacing (and disposing) the previous session. */
async function load(): Promise<void> {
  loading?.abort(new Error('superseded by a newer load'));
  const controller = new AbortController();
  loading = controller;
  void loaded?.session.dispose();
  loaded = undefined;
  const options = readOptions();
  showLoadCode(options);
  clearError();
  showSession(undefined);
  clearPredictions();
  showTimings({}, false);
  showStats(undefined);
  setStatus('loading', `Loading the model (backend: ${options.backend})…`);
  const start = performance.now();
  try {
    const session = await createSession({ model: MODEL_URL, ...options, signal: controller.signal });
    if (loading !== controller) return void session.dispose();
    loaded = { session, timings: { loadMs: performance.now() - start } };
    showSession(session, options);
    showTimings(loaded.timings, session.adapter?.isFallbackAdapter === true);
    setStatus('ready', `Ready: the model runs on ${session.backend === 'webgpu' ? 'WebGPU' : 'WASM'}. Press Classify.`);
  } catch (error) {
    // A newer load aborted this one on purpose: that load reports for itself.
    if (loading !== controller) return;
    showSession(undefined, undefined, 'not loaded');
    showError(error);
    setStatus('error', 'The model could not be loaded (see the error). Change an option above to try again.');
  } finally {
    if (loading === controller) loading = undefined;
  }
}

/** One tensor per image, under the model's input name. */
function feedsFor(inputs: Float32Array[], inputName: string) {
  return inputs.map((data) => ({ [inputName]: { type: 'float32' as const, data, dims: INPUT_DIMS } }));
}

/** Classifies every image: one timed predictBatch shown, then REPEATS more for the median. */
async function classify(): Promise<void> {
  const current = loaded;
  if (current === undefined) return;
  const { session } = current;
  const inputName = session.inputs[0]!.name;
  const outputName = session.outputs[0]!.name;
  const software = session.adapter?.isFallbackAdapter === true;
  clearError();
  setStatus('classifying', `Classifying on ${session.backend === 'webgpu' ? 'WebGPU' : 'WASM'}…`);
  try {
    const inputs = modelInputs(canvases);
    const before = inputs.map((data) => data.buffer.byteLength);
    let start = performance.now();
    const outputs = await session.predictBatch(feedsFor(inputs, inputName));
    const elapsed = performance.now() - start;
    showTransfer(before, inputs.map((data) => data.buffer.byteLength));
    showPredictions(
      outputs.map((output) => {
        const p = output[outputName]!.data as Float32Array;
        return [p[0]!, p[1]!] as const;
      }),
    );
    current.timings = { ...current.timings, firstMs: current.timings.firstMs ?? elapsed };
    showTimings(current.timings, software);

    const later: number[] = [];
    for (let i = 0; i < REPEATS; i++) {
      const feeds = feedsFor(modelInputs(canvases), inputName); // fresh buffers: the previous ones were moved
      start = performance.now();
      await session.predictBatch(feeds);
      later.push(performance.now() - start);
    }
    current.timings = { ...current.timings, laterMs: later };
    showTimings(current.timings, software);
    showStats(await session.stats());
    setStatus('ready', `Done: ${outputs.length} images classified on ${session.backend === 'webgpu' ? 'WebGPU' : 'WASM'}.`);
  } catch (error) {
    showError(error);
    setStatus('error', 'Classification failed (see the error). You can press Classify again.');
  }
}

function redraw(): void {
  drawSamples(textInput.value, canvases);
  clearPredictions(loaded === undefined ? 'load the model first' : 'press Classify');
}

optionsForm.addEventListener('change', () => void load());
optionsForm.addEventListener('submit', (event) => event.preventDefault());
textInput.addEventListener('input', redraw);
classifyButton.addEventListener('click', () => void classify());
// Anything that escapes the handlers above is shown too, never swallowed.
window.addEventListener('error', (event) => showError(event.error ?? event.message));
window.addEventListener('unhandledrejection', (event) => showError(event.reason));

await document.fonts.ready;
redraw();
void load();
