// The stored backend choices of `backend: 'fastest'`: one Cache API entry per measurement, keyed by everything that
// decides which backend is faster (the model's bytes, the WebGPU adapter, the browser, the batch sizes measured,
// the WebAssembly threads, the WebGPU engines asked for, tensorlane's and onnxruntime-web's versions), so that a later load of the same model on the same device builds one
// session and measures nothing. The worker finds and stores them; the page lists and deletes them with the helpers
// below. Beside the model cache (model-cache.ts), in a cache of its own: deleting models keeps the choices.
import { digestOf } from './integrity.js';
import { cacheStorage, openForHelper } from './model-cache.js';
import type { AdapterInfo, BackendSelection, WebGpuEngineOption } from '../types/backends.js';

/** The Cache API cache that holds backend choices. */
export const CHOICE_CACHE_NAME = 'tensorlane-backends';
/** Entries are JSON under made-up URLs: the Cache API keys entries by http(s) URL. */
const ENTRY_BASE = 'https://backend-choices.tensorlane.invalid/';

/**
 * What a backend choice holds for: anything here changing means measuring again.
 * @example
 * ```ts
 * import { listBackendChoices, type BackendChoiceKey } from 'tensorlane';
 *
 * const keys: BackendChoiceKey[] = await listBackendChoices(); // each choice is its key plus what was chosen
 * console.log(keys.map(({ model, adapter }) => `${model} on ${adapter?.description ?? 'no WebGPU'}`));
 * ```
 */
export interface BackendChoiceKey {
  /** The SRI sha256 digest of the model's bytes. */
  readonly model: string;
  /** The WebGPU adapter measured, as it describes itself; undefined when WebGPU was not among the backends. */
  readonly adapter: Pick<AdapterInfo, 'vendor' | 'architecture' | 'device' | 'description'> | undefined;
  /** The browser (`navigator.userAgent`). */
  readonly browser: string;
  /** The batch sizes measured. */
  readonly batchSizes: readonly number[];
  /** The WebAssembly threads the sessions measured ran on (`session.threads`), which WASM's speed depends on. */
  readonly threads: number;
  /** The `webgpuEngine` option, which decides the WebGPU engines measured. Always set by tensorlane. */
  readonly webgpuEngine?: WebGpuEngineOption;
  /** tensorlane's version. */
  readonly tensorlane: string;
  /** onnxruntime-web's version. */
  readonly onnxruntime: string;
}

/**
 * A stored backend choice, as {@link listBackendChoices} lists it: its key, what was chosen, and when.
 * @example
 * ```ts
 * import { listBackendChoices, type BackendChoice } from 'tensorlane';
 *
 * for (const { model, chosen, reason, storedAt }: BackendChoice of await listBackendChoices()) {
 *   console.log(`${model}: ${chosen} since ${storedAt} (${reason})`);
 * }
 * ```
 */
export interface BackendChoice extends BackendChoiceKey, Omit<BackendSelection, 'fromCache'> {
  /** When it was measured and stored (ISO 8601). */
  readonly storedAt: string;
}

/** The entry's URL: the key's fields, in a fixed order, hashed. */
async function entryUrl(key: BackendChoiceKey): Promise<string> {
  const { model, adapter, browser, batchSizes, threads, webgpuEngine, tensorlane, onnxruntime } = key;
  const fields = [model, adapter?.vendor, adapter?.architecture, adapter?.device, adapter?.description, browser, batchSizes, threads, tensorlane, onnxruntime, webgpuEngine];
  const digest = await digestOf(new TextEncoder().encode(JSON.stringify(fields)));
  return `${ENTRY_BASE}${encodeURIComponent(digest)}`;
}

/** The choice stored for `key`, if any. @throws when the Cache API is unavailable or fails. */
export async function findChoice(key: BackendChoiceKey): Promise<BackendChoice | undefined> {
  const cache = await cacheStorage().open(CHOICE_CACHE_NAME);
  const response = await cache.match(await entryUrl(key));
  return response === undefined ? undefined : ((await response.json()) as BackendChoice);
}

/** Stores `selection` under `key`. Rejects as the Cache API does, e.g. with `QuotaExceededError`. */
export async function storeChoice(key: BackendChoiceKey, selection: BackendSelection): Promise<void> {
  const { fromCache, ...chosen } = selection;
  const choice: BackendChoice = { ...key, ...chosen, storedAt: new Date().toISOString() };
  const cache = await cacheStorage().open(CHOICE_CACHE_NAME);
  await cache.put(await entryUrl(key), new Response(JSON.stringify(choice), { headers: { 'content-type': 'application/json' } }));
}

const open = () => openForHelper(CHOICE_CACHE_NAME, 'backend choice cache');

/**
 * Lists the backend choices `backend: 'fastest'` has stored, one per model, device, browser and version measured.
 * @throws TensorlaneError `ENVIRONMENT_UNSUPPORTED` when the Cache API is unavailable (not a secure context).
 * @example
 * ```ts
 * import { listBackendChoices } from 'tensorlane';
 *
 * for (const { model, chosen, timings } of await listBackendChoices()) console.log(model, chosen, timings);
 * ```
 */
export async function listBackendChoices(): Promise<BackendChoice[]> {
  const cache = await open();
  const choices: BackendChoice[] = [];
  for (const request of await cache.keys()) {
    const choice = await (await cache.match(request))?.json().catch(() => undefined);
    if (choice !== undefined) choices.push(choice as BackendChoice);
  }
  return choices;
}

/**
 * Deletes stored backend choices: those of the model with digest `model` (`'sha256-…'`, as listed), or every one
 * when `model` is omitted, so that the next `backend: 'fastest'` load measures again. Resolves to the number deleted.
 * @throws TensorlaneError `ENVIRONMENT_UNSUPPORTED` when the Cache API is unavailable (not a secure context).
 * @example
 * ```ts
 * import { deleteBackendChoices } from 'tensorlane';
 *
 * await deleteBackendChoices('sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='); // that model's choices
 * await deleteBackendChoices(); // every stored choice
 * ```
 */
export async function deleteBackendChoices(model?: string): Promise<number> {
  const cache = await open();
  let deleted = 0;
  for (const request of await cache.keys()) {
    const choice = (await (await cache.match(request))?.json().catch(() => undefined)) as BackendChoice | undefined;
    if (model !== undefined && choice?.model !== model) continue;
    if (await cache.delete(request)) deleted++;
  }
  return deleted;
}
