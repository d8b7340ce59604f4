// Tiny DOM helpers: the demo uses no framework.
import { isTensorlaneError, type Backend } from 'tensorlane';

/** The element with this id; throws if the page lacks it. */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (element === null) throw new Error(`the page has no #${id}`);
  return element as T;
}

type Child = Node | string;

/** Creates an element with attributes (`class`, `data-*`, …) and children. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Readonly<Record<string, string>> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  element.append(...children);
  return element;
}

/** A backend's name as the page shows it. */
export function backendLabel(backend: Backend): string {
  return backend === 'webgpu' ? 'WebGPU' : 'WASM';
}

/** Formats milliseconds without the unit, for table cells whose header gives it. */
export function msValue(value: number): string {
  return value >= 100 ? Math.round(value).toLocaleString('en-US') : value.toFixed(1);
}

/** Formats milliseconds for display. */
export function ms(value: number): string {
  return `${msValue(value)} ms`;
}

/** Formats a byte count in MB (10⁶ bytes), as download sizes are usually given. */
export function megabytes(value: number): string {
  return `${(value / 1e6).toFixed(1)} MB`;
}

/** The median of some numbers. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** An error as one line: `CODE: message` for tensorlane's errors, `Name: message` for others. */
export function errorText(error: unknown): string {
  if (isTensorlaneError(error)) return `${error.code}: ${error.message}`;
  return error instanceof Error ? `${error.name}: ${error.message}` : `Error: ${String(error)}`;
}

/** Shows `error` in `element` (a hidden-by-default error paragraph), with its code in `data-code`. */
export function showErrorIn(element: HTMLElement, error: unknown): void {
  element.hidden = false;
  element.textContent = errorText(error);
  if (isTensorlaneError(error)) element.dataset['code'] = error.code;
  else delete element.dataset['code'];
}

/** Hides an error paragraph. */
export function clearErrorIn(element: HTMLElement): void {
  element.hidden = true;
  element.textContent = '';
  delete element.dataset['code'];
}

/** Calls `onFiles` with the files dropped on `element`, which is marked `.over` while a drag hovers it. */
export function onDrop(element: HTMLElement, onFiles: (files: FileList) => void): void {
  element.addEventListener('dragover', (event) => {
    event.preventDefault();
    element.classList.add('over');
  });
  element.addEventListener('dragleave', () => element.classList.remove('over'));
  element.addEventListener('drop', (event) => {
    event.preventDefault();
    element.classList.remove('over');
    if (event.dataTransfer !== null) onFiles(event.dataTransfer.files);
  });
}
