// Step 1 of the page: the options the model loads with, and what the session reports about itself.
import type { Session, TensorInfo } from 'tensorlane';
import { byId, h } from './dom.ts';

export interface LoadOptions {
  readonly backend: 'auto' | 'webgpu' | 'wasm';
  readonly batching: 'auto' | 'stack' | 'off';
  readonly allowSoftwareAdapter: boolean;
}

export const MODEL_URL = 'models/text-direction.onnx';

/** Reads the option controls. */
export function readOptions(): LoadOptions {
  const backend = byId<HTMLSelectElement>('backend-select').value as LoadOptions['backend'];
  const batching = byId<HTMLSelectElement>('batching-select').value as LoadOptions['batching'];
  const allowSoftwareAdapter = byId<HTMLInputElement>('software-adapter').checked;
  return { backend, batching, allowSoftwareAdapter };
}

/** Shows the createSession call the page makes with these options. */
export function showLoadCode(options: LoadOptions): void {
  byId('load-code').textContent =
    'const session = await createSession({\n' +
    `  model: '${MODEL_URL}', backend: '${options.backend}', batching: '${options.batching}', ` +
    `allowSoftwareAdapter: ${options.allowSoftwareAdapter},\n});`;
}

function describeTensor(info: TensorInfo): HTMLElement {
  const dims = info.dims.map((d) => (typeof d === 'number' ? String(d) : `"${d}"`)).join(', ');
  return h('code', {}, `${info.name}: ${info.type} [${dims}]`);
}

function list(items: readonly HTMLElement[]): HTMLElement[] {
  return items.flatMap((item, i) => (i === 0 ? [item] : [h('br'), item]));
}

/** Fills the facts list from a session loaded with `options`, or blanks it (while loading, or after a failed load). */
export function showSession(session: Session | undefined, options?: LoadOptions, placeholder = '…'): void {
  const backend = byId('backend');
  const fallback = byId('fallback');
  const adapter = byId('adapter');
  const inputs = byId('inputs');
  const outputs = byId('outputs');
  const batching = byId('batching');
  if (session === undefined) {
    backend.textContent = placeholder;
    delete backend.dataset['backend'];
    fallback.replaceChildren(h('li', { class: 'muted' }, placeholder));
    for (const element of [adapter, inputs, outputs, batching]) element.textContent = placeholder;
    return;
  }
  backend.textContent = session.backend === 'webgpu' ? 'WebGPU' : 'WASM';
  backend.dataset['backend'] = session.backend;

  fallback.replaceChildren(
    ...(session.fallback.length === 0
      ? [h('li', { class: 'muted' }, options?.backend === 'auto'
          ? 'none: WebGPU worked on the first try'
          : `none: backend '${options?.backend ?? session.backend}' was requested, so nothing else was tried`)]
      : session.fallback.map((attempt) =>
          h('li', { 'data-testid': 'fallback-attempt', 'data-backend': attempt.backend },
            h('strong', {}, `${attempt.backend} not used: `), attempt.reason),
        )),
  );

  const info = session.adapter;
  if (info === undefined) {
    adapter.replaceChildren(h('span', { class: 'muted' }, 'none (not running on WebGPU)'));
  } else {
    const name = [info.vendor, info.architecture, info.description].filter(Boolean).join(' · ') || 'unnamed adapter';
    adapter.replaceChildren(
      name,
      ...(info.isFallbackAdapter ? [' ', h('span', { class: 'tag warn' }, 'software adapter: slow, for testing only')] : []),
    );
  }

  inputs.replaceChildren(...list(session.inputs.map(describeTensor)));
  outputs.replaceChildren(...list(session.outputs.map(describeTensor)));
  batching.replaceChildren(
    h('strong', {}, session.batching.stacked ? 'stacked into one run: ' : 'one run per image: '),
    session.batching.reason,
  );
}
