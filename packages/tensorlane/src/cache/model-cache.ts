// The model cache: model files stored with the Cache API, keyed by URL, each entry carrying the SRI digest of its
// bytes. The worker reads and writes it while loading; the page lists and deletes entries with the helpers below.
// The Cache API rather than OPFS: it is reachable from the page and from workers alike (OPFS's fast writes are
// worker-only), it stores a body with its headers (URL, digest, size, date) in one entry with no index to keep,
// and it is where transformers.js and web-llm keep their models, so users know where to look in devtools.
import { TensorlaneError, messageOf } from '../errors.js';
import { resolveUrl } from '../client/url.js';

/** The Cache API cache that holds models. */
export const MODEL_CACHE_NAME = 'tensorlane-models';
const INTEGRITY = 'x-tensorlane-integrity';
const STORED_AT = 'x-tensorlane-stored-at';

/**
 * A cached model file, as {@link listCachedModels} lists it.
 * @example
 * ```ts
 * import { listCachedModels, type CachedModel } from 'tensorlane';
 *
 * const models: CachedModel[] = await listCachedModels();
 * const total = models.reduce((n, m) => n + m.bytes, 0); // bytes the cache holds
 * ```
 */
export interface CachedModel {
  /** The absolute URL it was downloaded from: the cache key. */
  readonly url: string;
  /** The SRI sha256 digest of its bytes. */
  readonly integrity: string;
  /** Its size in bytes. */
  readonly bytes: number;
  /** When it was stored (ISO 8601). */
  readonly storedAt: string;
}

/** A cache hit: the stored body to read, its digest and size. */
export interface CacheHit {
  readonly response: Response;
  readonly integrity: string;
  readonly bytes: number;
}

/** The Cache API. @throws where it is unavailable (not a secure context). */
export function cacheStorage(): CacheStorage {
  const storage = (globalThis as { caches?: CacheStorage }).caches;
  if (storage === undefined) {
    throw new Error('the Cache API is unavailable here (caches is undefined: not a secure context? serve over https or from localhost)');
  }
  return storage;
}

/** Opens the model cache. @throws when the Cache API is unavailable or refuses (e.g. an opaque origin). */
export async function openModelCache(): Promise<Cache> {
  return cacheStorage().open(MODEL_CACHE_NAME);
}

/**
 * The entry for `url`, if there is one; with `integrity`, only an entry stored with that digest counts (another
 * digest is another version of the file).
 */
export async function findCached(cache: Cache, url: string, integrity?: string): Promise<CacheHit | undefined> {
  const response = await cache.match(url);
  const stored = response?.headers.get(INTEGRITY);
  if (response === undefined || stored == null || (integrity !== undefined && stored !== integrity)) return undefined;
  return { response, integrity: stored, bytes: Number(response.headers.get('content-length') ?? 0) };
}

/** Stores `bytes` under `url` with their digest. Rejects as the Cache API does, e.g. with `QuotaExceededError`. */
export function storeCached(cache: Cache, url: string, bytes: Uint8Array, integrity: string): Promise<void> {
  const headers = {
    'content-type': 'application/octet-stream',
    'content-length': String(bytes.length),
    [INTEGRITY]: integrity,
    [STORED_AT]: new Date().toISOString(),
  };
  return cache.put(url, new Response(bytes as Uint8Array<ArrayBuffer>, { headers }));
}

/**
 * Lists the model files in the cache (models and external data alike).
 * @throws TensorlaneError `ENVIRONMENT_UNSUPPORTED` when the Cache API is unavailable (not a secure context).
 * @example
 * ```ts
 * for (const { url, bytes } of await listCachedModels()) console.log(url, bytes);
 * ```
 */
export async function listCachedModels(): Promise<CachedModel[]> {
  const cache = await open();
  const out: CachedModel[] = [];
  for (const request of await cache.keys()) {
    const response = await cache.match(request);
    const integrity = response?.headers.get(INTEGRITY);
    if (response === undefined || integrity == null) continue;
    out.push({
      url: request.url,
      integrity,
      bytes: Number(response.headers.get('content-length') ?? 0),
      storedAt: response.headers.get(STORED_AT) ?? '',
    });
  }
  return out;
}

/**
 * Deletes cached model files: the one at `url` (resolved against the page, like `createSession`'s `model`), or
 * every one when `url` is omitted. Resolves to the number of files deleted.
 * @throws TensorlaneError `ENVIRONMENT_UNSUPPORTED` when the Cache API is unavailable (not a secure context).
 * @example
 * ```ts
 * import { deleteCachedModels } from 'tensorlane';
 *
 * await deleteCachedModels('/models/net.onnx'); // 1: that file is gone; the next createSession downloads it
 * await deleteCachedModels(); // every cached model
 * ```
 */
export async function deleteCachedModels(url?: string | URL): Promise<number> {
  if (url === undefined) {
    const count = (await listCachedModels()).length;
    await cacheStorage().delete(MODEL_CACHE_NAME);
    return count;
  }
  return (await (await open()).delete(resolveUrl(url, 'deleteCachedModels() url'))) ? 1 : 0;
}

/**
 * Opens the cache `name` for a helper the page calls, `what` naming it in the error.
 * @throws TensorlaneError `ENVIRONMENT_UNSUPPORTED` when the Cache API is unavailable or refuses.
 */
export async function openForHelper(name: string, what: string): Promise<Cache> {
  try {
    return await cacheStorage().open(name);
  } catch (error) {
    throw new TensorlaneError('ENVIRONMENT_UNSUPPORTED', `the ${what} cannot be opened: ${messageOf(error)}`, { cause: error });
  }
}

const open = () => openForHelper(MODEL_CACHE_NAME, 'model cache');
