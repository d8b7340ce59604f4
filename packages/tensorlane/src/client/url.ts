// URLs the page gives: resolved here, on the page, against the page's base URL, as `fetch()` on the page would;
// the worker only ever sees absolute URLs.
import { TensorlaneError } from '../errors.js';

/** The page's base URL (`document.baseURI`), else the script's location; undefined where there is neither (Node). */
function pageBase(): string | undefined {
  return (globalThis as { document?: { baseURI?: string } }).document?.baseURI ?? globalThis.location?.href;
}

/**
 * `url` as an absolute URL, resolved against `base` (the page's by default).
 * @param what - names the value in the error, e.g. `model`.
 * @throws TensorlaneError `INVALID_OPTIONS` when it is not a valid URL there.
 */
export function resolveUrl(url: string | URL, what: string, base: string | undefined = pageBase()): string {
  try {
    return new URL(url, base).href;
  } catch {
    throw new TensorlaneError(
      'INVALID_OPTIONS',
      `${what} "${String(url)}" is not a valid URL${base ? ` relative to ${base}` : ' (no page to resolve it against; pass an absolute URL)'}`,
    );
  }
}
