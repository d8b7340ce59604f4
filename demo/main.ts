// The tensorlane demo: OCR with three PaddleOCR models, each in its own tensorlane session, plus panels that show the
// backend, loading and cache, throughput with batching, smoothness, the user's own model, and a voice activity meter.
// State for tests: <body data-status="starting|loading|reading|ready|error">. Query parameters: ?sample=<id> (the
// first image read) and ?backend=auto|fastest|webgpu|wasm.
import { backendLabel, byId, clearErrorIn, showErrorIn } from './dom.ts';
import { wireByoModel } from './byo-model.ts';
import { wireCamera } from './camera.ts';
import { SAMPLES, loadSample, markSample, wireImageSources } from './image-sources.ts';
import { ensureIsolation } from './isolation.ts';
import {
  buildModelCards, showCacheCleared, showIsolation, showLoadFailed, showLoadStart, showLoaded, showMemory, showProgress,
} from './models-panel.ts';
import { STAGES, cachedStages, clearModelCache, loadDictionary, loadOcrSessions, type LoadChoice } from './ocr-models.ts';
import { drawPicture, showLines, showStages } from './ocr-view.ts';
import type { Picture } from './ocr/canvas.ts';
import { readText, type OcrResult, type OcrSessions } from './ocr/pipeline.ts';
import { wireSmoothness } from './smoothness.ts';
import { wireThroughput } from './throughput.ts';
import { wireVad } from './vad.ts';

type Status = 'starting' | 'loading' | 'reading' | 'ready' | 'error';

interface Shown {
  readonly picture: Picture;
  readonly name: string;
  /** The sample's id, for a sample. */
  readonly sampleId?: string;
}

const errorElement = byId('error');
const againButton = byId<HTMLButtonElement>('ocr-again');
const backendForm = byId<HTMLFormElement>('backend-form');

let sessions: OcrSessions | undefined;
let loading: AbortController | undefined;
let shown: Shown | undefined;
let lastResult: OcrResult | undefined;
/** The image waiting to be read once the current read (or load) is done; only the latest is kept. */
let next: Shown | undefined;
let reading = false;

function setStatus(status: Status, text: string): void {
  document.body.dataset['status'] = status;
  const element = byId('status');
  element.dataset['status'] = status;
  element.textContent = text;
  againButton.disabled = status !== 'ready' || shown === undefined;
  // A new backend mid-read would dispose the sessions the read is using.
  for (const control of backendForm.elements) (control as HTMLSelectElement).disabled = status === 'reading';
}

function showError(error: unknown): void {
  showErrorIn(errorElement, error);
  console.error(error);
}

function readChoice(): LoadChoice {
  return {
    backend: byId<HTMLSelectElement>('backend-select').value as LoadChoice['backend'],
    allowSoftwareAdapter: byId<HTMLInputElement>('software-adapter').checked,
  };
}

function backendName(): string {
  const backends = new Set(sessions === undefined ? [] : STAGES.map((stage) => sessions![stage].backend));
  return [...backends].map(backendLabel).join(' and ');
}

/** Loads the three models with the backend controls' choice, replacing (and disposing) the sessions before. */
async function load(): Promise<void> {
  loading?.abort(new Error('superseded by a newer load'));
  const controller = new AbortController();
  loading = controller;
  const previous = sessions;
  sessions = undefined;
  if (previous !== undefined) for (const stage of STAGES) void previous[stage].dispose();
  clearErrorIn(errorElement);
  const choice = readChoice();
  setStatus('loading', `Loading the three models (backend: ${choice.backend})…`);
  const cached = await cachedStages();
  for (const stage of STAGES) showLoadStart(stage, 'unavailable' in cached ? cached.unavailable : cached.has(stage));
  const start = performance.now();
  try {
    const loaded = await loadOcrSessions(
      choice,
      controller.signal,
      (stage, progress) => loading === controller && showProgress(stage, progress),
      (stage, session) => loading === controller && showLoaded(stage, session, choice, isolation, performance.now() - start),
    );
    if (loading !== controller) {
      for (const stage of STAGES) void loaded[stage].dispose();
      return;
    }
    sessions = loaded;
    loading = undefined;
    setStatus('ready', `Ready: the models run on ${backendName()}.`);
    if (shown !== undefined) void read(shown);
  } catch (error) {
    // A newer load aborted this one on purpose: that load reports for itself.
    if (loading !== controller) return;
    loading = undefined;
    for (const stage of STAGES) showLoadFailed(stage, 'not loaded');
    showError(error);
    setStatus('error', 'The models could not be loaded (see the error). Change the backend to try again.');
  }
}

/** Reads the text in an image; while a read or a load is under way, the latest image waits its turn. */
async function read(image: Shown): Promise<void> {
  shown = image;
  next = image;
  if (reading || sessions === undefined) {
    if (sessions !== undefined || loading !== undefined) drawPicture(image.picture, image.name);
    return;
  }
  reading = true;
  try {
    while (next !== undefined && sessions !== undefined) {
      const { picture, name, sampleId } = next;
      next = undefined;
      const linesElement = byId('ocr-lines');
      delete linesElement.dataset['sample'];
      drawPicture(picture, name);
      showLines(undefined, 'Reading…');
      clearErrorIn(errorElement);
      setStatus('reading', `Reading "${name}" on ${backendName()}…`);
      const used: OcrSessions = sessions;
      try {
        lastResult = await readText(picture, used, await dictionary);
        drawPicture(picture, name, lastResult);
        showLines(lastResult);
        showStages(lastResult);
        for (const stage of STAGES) void showMemory(stage, used[stage]);
        linesElement.dataset['sample'] = sampleId ?? '';
        setStatus('ready', `Read "${name}" on ${backendName()}: ${lastResult.lines.length} lines.`);
      } catch (error) {
        if (sessions !== used) continue; // the sessions were replaced meanwhile: the new ones read the image again
        showLines(undefined, 'Reading failed.');
        showError(error);
        setStatus('error', 'Reading failed (see the error). Try again, or another image or backend.');
      }
    }
  } finally {
    reading = false;
  }
}

/** Takes a decoding image from any source and reads it. */
function onImage(image: Promise<ImageBitmap>, name: string, sampleId?: string): void {
  markSample(sampleId);
  image.then(
    (picture) => read({ picture, name, ...(sampleId === undefined ? {} : { sampleId }) }),
    (error: unknown) => {
      showError(error);
      setStatus('error', `"${name}" could not be decoded as an image.`);
    },
  );
}

window.addEventListener('error', (event) => showError(event.error ?? event.message));
window.addEventListener('unhandledrejection', (event) => showError(event.reason));

setStatus('starting', 'Checking cross-origin isolation…');
const isolation = await ensureIsolation();
showIsolation(isolation);
const dictionary = loadDictionary();
dictionary.catch(showError);

buildModelCards();
wireImageSources(onImage);
wireCamera(onImage, showError, () => sessions?.detection);
backendForm.addEventListener('change', () => void load());
backendForm.addEventListener('submit', (event) => event.preventDefault());
againButton.addEventListener('click', () => shown && void read(shown));
byId('clear-cache').addEventListener('click', async () => {
  const summary = byId('cache-summary');
  try {
    const deleted = await clearModelCache();
    summary.textContent = `Deleted ${deleted} cached file${deleted === 1 ? '' : 's'}: the next load downloads the models again.`;
    for (const stage of STAGES) showCacheCleared(stage);
  } catch (error) {
    showError(error);
  }
});
wireThroughput({ lines: () => lastResult?.lines.map((line) => line.image) ?? [], onError: showError });
wireSmoothness({ picture: () => shown?.picture, onError: showError });
wireByoModel();
wireVad({ onError: showError });

// Links may choose the first sample and the backend: ?sample=parcel&backend=wasm
const params = new URLSearchParams(location.search);
const select = byId<HTMLSelectElement>('backend-select');
if ([...select.options].some((option) => option.value === params.get('backend'))) select.value = params.get('backend')!;
const first = SAMPLES.find((sample) => sample.id === params.get('sample')) ?? SAMPLES[0]!;
onImage(loadSample(first), first.title, first.id);
await load();
