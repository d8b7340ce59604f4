// URLs inside a worker started from a blob: URL, as Turbopack in Next.js 15 starts tensorlane's worker. Its base URL
// is `blob:https://host/uuid`, against which no relative URL resolves, while bundlers rewrite onnxruntime-web's
// `new URL('ort-….wasm', import.meta.url)` into a root-relative path (`/_next/static/media/ort-….wasm`): the worker's
// fetch of it throws "Failed to parse URL", and `new Worker` of its thread script "is not a valid URL". A blob: worker
// keeps the page's origin, and a root-relative path means the same on every page of that origin, so it can be fetched
// (or started) from there.

/** Where a worker runs from: its global scope's `location`. */
export interface WorkerPlace {
  readonly protocol: string;
  readonly origin: string;
  readonly href: string;
}

/** The parts of a worker's global scope this module reads and replaces. */
export interface FetchScope {
  fetch: typeof fetch;
  readonly location?: WorkerPlace;
}

/**
 * The page's origin, against which a root-relative URL (`/path`, or `//host/path`) resolves in a worker started from
 * a blob: URL; undefined in any other worker, or one of an opaque origin, where nothing needs resolving.
 */
function blobWorkerBase(location: WorkerPlace | undefined): string | undefined {
  return location?.protocol === 'blob:' && location.origin !== 'null' ? `${location.origin}/` : undefined;
}

/**
 * `url` resolved against the page's origin when it is root-relative and the worker runs from a blob: URL (where it
 * would not resolve at all); anything else as it is. A URL object may be a bundler's stand-in whose href is the
 * relative path (Turbopack's `relativeURL`).
 * @param url - what a worker passes to `fetch` or `new Worker`.
 * @param location - the worker's `self.location`.
 */
export function fromPageOrigin<T>(url: T, location: WorkerPlace | undefined): T | string {
  const base = blobWorkerBase(location);
  const href = typeof url === 'string' || url instanceof URL ? String(url) : undefined;
  return base !== undefined && href?.startsWith('/') ? new URL(href, base).href : url;
}

/**
 * In a worker started from a blob: URL, makes `fetch` resolve a root-relative URL (`/path`, or `//host/path`)
 * against the page's origin. Only calls that would otherwise throw are changed: a string or URL that starts with `/`
 * cannot resolve against a blob: base. In any other worker, or one of an opaque origin, nothing changes.
 * @param scope - the worker's global scope.
 * @returns whether `fetch` was replaced.
 */
export function resolveRootRelativeFetches(scope: FetchScope): boolean {
  const { location } = scope;
  if (blobWorkerBase(location) === undefined || typeof scope.fetch !== 'function') return false;
  const original = scope.fetch.bind(scope);
  scope.fetch = (input, init) => original(fromPageOrigin(input, location), init);
  return true;
}

/** How browsers report a URL that could not be resolved: fetch, XMLHttpRequest, dynamic import. */
const UNRESOLVED_URL = /Invalid URL|Failed to parse URL|Failed to resolve module specifier/i;

/**
 * A hint to append to an error message that says a URL could not be resolved in the worker: why, and the fix.
 * @param message - the error's message.
 * @param workerUrl - the worker's own URL (`self.location.href`).
 * @returns `' (…)'`, or `''` when the message is about something else.
 */
export function unresolvedUrlHint(message: string, workerUrl: string | undefined): string {
  if (!UNRESOLVED_URL.test(message)) return '';
  const why = workerUrl?.startsWith('blob:')
    ? 'the worker was started from a blob: URL, against which a relative URL cannot resolve'
    : 'the worker could not resolve a URL';
  return ` (${why}: pass wasmPaths, the URL where onnxruntime-web's .wasm and .mjs files are served, or start the worker from its own script with options.worker)`;
}
