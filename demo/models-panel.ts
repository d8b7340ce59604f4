// Section 2 of the page: one card per model with its loading progress, cache state, and what its session reports
// (backend, adapter, every fallback and why, threads, batching, memory).
import type { LoadProgress, MemoryStats, Session } from 'tensorlane';
import { backendLabel, byId, h, megabytes, ms } from './dom.ts';
import { describeIsolation, type Isolation } from './isolation.ts';
import { STAGES, STAGE_INFO, modelFile, type LoadChoice } from './ocr-models.ts';
import type { StageName } from './ocr/pipeline.ts';

interface Card {
  readonly element: HTMLElement;
  readonly progress: HTMLProgressElement;
  readonly phase: HTMLElement;
  readonly cache: HTMLElement;
  readonly backend: HTMLElement;
  readonly adapter: HTMLElement;
  readonly fallback: HTMLUListElement;
  readonly threads: HTMLElement;
  readonly selection: HTMLElement;
  readonly batching: HTMLElement;
  readonly memory: HTMLElement;
  /** Phases seen during the current load: 'cache' means the bytes came from the cache. */
  phases: Set<LoadProgress['phase']>;
}

const cards = new Map<StageName, Card>();

const value = (testId: string) => h('dd', { 'data-testid': testId }, '…');

/** Builds the cards, one per stage. */
export function buildModelCards(): void {
  const container = byId('model-cards');
  for (const stage of STAGES) {
    const { title, model } = STAGE_INFO[stage];
    const fallback = h('ul', { class: 'fallback', 'data-testid': 'fallback' });
    const c: Card = {
      element: h('article', { class: 'model-card', 'data-testid': `model-${stage}`, 'aria-label': title }),
      progress: h('progress', { max: '1', value: '0', 'aria-label': `${title}: loading progress` }),
      phase: h('span', { class: 'phase', 'data-testid': 'phase' }, 'waiting'),
      cache: value('cache'),
      backend: value('backend'),
      adapter: value('adapter'),
      fallback,
      threads: value('threads'),
      selection: value('selection'),
      batching: value('batching'),
      memory: value('memory'),
      phases: new Set(),
    };
    const facts: [string, HTMLElement][] = [
      ['Cache', c.cache], ['Backend', c.backend], ['Adapter', c.adapter], ['Fallbacks', h('dd', {}, fallback)],
      ['Threads', c.threads], ['Measured', c.selection], ['Batching', c.batching], ['Memory', c.memory],
    ];
    c.element.append(
      h('h3', {}, title, ' ', h('span', { class: 'hint' }, `${model} · ${megabytes(modelFile(stage).bytes)}`)),
      h('div', { class: 'progress-line' }, c.progress, c.phase),
      h('dl', { class: 'facts' }, ...facts.flatMap(([term, dd]) => [h('dt', {}, term), dd])),
    );
    container.append(c.element);
    cards.set(stage, c);
  }
}

function card(stage: StageName): Card {
  return cards.get(stage)!;
}

/** Blanks a card before a load; `cached` is whether its model is in the cache (or why that is unknown). */
export function showLoadStart(stage: StageName, cached: boolean | string): void {
  const c = card(stage);
  c.phases = new Set();
  c.progress.value = 0;
  c.phase.textContent = 'starting';
  c.cache.textContent =
    typeof cached === 'string' ? `unavailable: ${cached}` : cached ? 'in the cache: no download' : 'not cached: first visit downloads it';
  c.cache.dataset['cached'] = String(cached === true);
  for (const value of [c.backend, c.adapter, c.threads, c.selection, c.batching, c.memory]) value.textContent = '…';
  for (const key of MEMORY_KEYS) delete c.memory.dataset[key];
  delete c.element.dataset['backend'];
  c.fallback.replaceChildren();
}

const PHASES: Readonly<Record<LoadProgress['phase'], string>> = {
  download: 'downloading',
  cache: 'reading the cache',
  compile: 'building the session',
  calibrate: 'measuring the backends',
  warmup: 'warming up',
};

/** Shows one loading event. Bytes phases fill the bar; the session build is the last step. */
export function showProgress(stage: StageName, { phase, loaded, total }: LoadProgress): void {
  const c = card(stage);
  c.phases.add(phase);
  const bytes = phase === 'download' || phase === 'cache';
  c.progress.value = bytes && total ? loaded / total : phase === 'compile' ? 1 : c.progress.value;
  c.phase.textContent = bytes
    ? `${PHASES[phase]} ${megabytes(loaded)}${total ? ` of ${megabytes(total)}` : ''}`
    : PHASES[phase];
}

/** The threads onnxruntime-web's WebAssembly runtime runs on, as the session reports them, and why only 1. */
function threadsText(session: Session, isolation: Isolation): string {
  if (!isolation.isolated) return `${session.threads} (the page is not cross-origin isolated)`;
  return `${session.threads}${session.backend === 'webgpu' ? ', for the ops WebGPU leaves to the CPU' : ''}`;
}

/** Fills a card from its loaded session. */
export function showLoaded(stage: StageName, session: Session, choice: LoadChoice, isolation: Isolation, loadMs: number): void {
  const c = card(stage);
  const fromCache = c.phases.has('cache') && !c.phases.has('download');
  c.progress.value = 1;
  c.phase.textContent = `ready in ${ms(loadMs)}`;
  c.cache.textContent = fromCache
    ? 'read from the cache: no download'
    : session.warnings.length > 0
      ? `downloaded; ${session.warnings.join('; ')}`
      : 'downloaded, and now cached for the next visit';
  c.cache.dataset['source'] = fromCache ? 'cache' : 'network';
  c.backend.textContent = `${backendLabel(session.backend)}${session.backend === 'webgpu' ? ` (${session.engine} engine)` : ''}`;
  c.element.dataset['backend'] = session.backend;

  const adapter = session.adapter;
  if (adapter === undefined) c.adapter.replaceChildren(h('span', { class: 'muted' }, 'none (not on WebGPU)'));
  else {
    const name = [adapter.vendor, adapter.architecture, adapter.description].filter(Boolean).join(' · ') || 'unnamed adapter';
    c.adapter.replaceChildren(name, ...(adapter.isFallbackAdapter ? [' ', h('span', { class: 'tag warn' }, 'software: slow')] : []));
  }

  c.fallback.replaceChildren(
    ...(session.fallback.length === 0
      ? [h('li', { class: 'muted' }, choice.backend === 'webgpu' || choice.backend === 'wasm' ? `none: '${choice.backend}' was forced` : 'none')]
      : session.fallback.map((attempt) =>
          h('li', { 'data-testid': 'fallback-attempt', 'data-backend': attempt.backend }, h('strong', {}, `${attempt.backend}${attempt.engine && attempt.engine !== 'wasm' ? `/${attempt.engine}` : ''}: `), attempt.reason),
        )),
  );
  c.threads.textContent = threadsText(session, isolation);
  const selection = session.selection;
  c.selection.textContent =
    selection === undefined
      ? "only with 'fastest'"
      : `${selection.reason}${selection.fromCache ? ' (remembered from an earlier visit: nothing measured)' : ''}`;
  c.batching.textContent = `${session.batching.stacked ? 'stacks calls into one run' : 'one call per run'}: ${session.batching.reason}`;
  void showMemory(stage, session);
}

const MEMORY_KEYS = ['wasmHeapBytes', 'gpuBufferBytes', 'modelBytesKept'] as const satisfies readonly (keyof MemoryStats)[];

/**
 * Shows what a card's session holds in memory (session.stats().memory): its worker's WebAssembly heap, its GPU
 * buffers, and the model bytes the page keeps for restarts. Read again after each reading.
 */
export async function showMemory(stage: StageName, session: Session): Promise<void> {
  let memory: MemoryStats;
  try {
    ({ memory } = await session.stats());
  } catch {
    return; // disposed meanwhile: a newer load fills the card
  }
  const c = card(stage);
  const parts = [
    `WASM heap ${megabytes(memory.wasmHeapBytes)}`,
    memory.gpuBufferBytes > 0 ? `GPU buffers ${megabytes(memory.gpuBufferBytes)}` : 'no GPU buffers',
    memory.modelBytesKept > 0 ? `${megabytes(memory.modelBytesKept)} of model kept for restarts` : 'nothing kept for restarts (the model is a URL, cached)',
  ];
  c.memory.textContent = parts.join(' · ');
  for (const key of MEMORY_KEYS) c.memory.dataset[key] = String(memory[key]);
}

/** Notes that a card's model was deleted from the cache: the session keeps running; the next load downloads. */
export function showCacheCleared(stage: StageName): void {
  const c = card(stage);
  c.cache.textContent = 'deleted from the cache: the next load downloads it';
  c.cache.dataset['source'] = 'deleted';
}

/** Marks a card whose load failed or was superseded. */
export function showLoadFailed(stage: StageName, why: string): void {
  const c = card(stage);
  c.phase.textContent = why;
  c.backend.textContent = 'not loaded';
}

/** Shows the page's cross-origin isolation. */
export function showIsolation(isolation: Isolation): void {
  const element = byId('isolation');
  element.textContent = describeIsolation(isolation);
  element.dataset['isolated'] = String(isolation.isolated);
  element.dataset['by'] = isolation.isolated ? isolation.by : 'none';
}
