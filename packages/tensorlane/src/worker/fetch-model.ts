import { TensorlaneError, messageOf } from '../errors.js';

/** A download whose headers have arrived: the body is still to be read. */
export interface Download {
  readonly url: string;
  readonly response: Response;
  /** The body's length from Content-Length, when the server sent it and did not compress the body. */
  readonly total: number | undefined;
}

/**
 * Starts downloading a model file in the worker.
 * @throws TensorlaneError `MODEL_FETCH_FAILED`: network error or HTTP error status.
 */
export async function startDownload(url: string): Promise<Download> {
  let response: Response;
  try {
    response = await fetch(url);
  } catch (error) {
    throw new TensorlaneError('MODEL_FETCH_FAILED', `could not fetch model "${url}": ${messageOf(error)}`, {
      cause: error,
      details: { url },
    });
  }
  if (!response.ok) {
    throw new TensorlaneError(
      'MODEL_FETCH_FAILED',
      `could not fetch model "${url}": HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`,
      { details: { url, status: response.status } },
    );
  }
  const length = Number(response.headers.get('content-length') ?? NaN);
  const encoding = response.headers.get('content-encoding');
  // A compressed body's Content-Length counts compressed bytes, not the bytes read.
  const total = Number.isSafeInteger(length) && (encoding === null || encoding === 'identity') ? length : undefined;
  return { url, response, total };
}

/**
 * Reads a response body as it streams in, calling `onBytes` with the bytes read so far.
 * @throws TensorlaneError `MODEL_FETCH_FAILED` when the stream fails or ends before `total` bytes.
 */
export async function readBody(url: string, response: Response, total: number | undefined, onBytes: (loaded: number) => void): Promise<Uint8Array> {
  // With a known length, chunks go straight into one buffer: no second copy of a large model at the end.
  let whole = total === undefined ? undefined : new Uint8Array(total);
  const chunks: Uint8Array[] = [];
  let loaded = 0;
  const cutShort = (why: string, cause?: unknown) =>
    new TensorlaneError(
      'MODEL_FETCH_FAILED',
      `the download of "${url}" was cut short after ${loaded}${total === undefined ? '' : ` of ${total}`} bytes: ${why}`,
      { details: { url, loaded, ...(total === undefined ? {} : { total }) }, ...(cause === undefined ? {} : { cause }) },
    );
  const reader = response.body?.getReader();
  try {
    for (let read = await reader?.read(); read !== undefined && !read.done; read = await reader!.read()) {
      const chunk = read.value;
      if (whole !== undefined && loaded + chunk.length <= whole.length) whole.set(chunk, loaded);
      else {
        // More bytes than announced: collect chunks instead.
        if (whole !== undefined) chunks.push(whole.subarray(0, loaded));
        whole = undefined;
        chunks.push(chunk);
      }
      loaded += chunk.length;
      onBytes(loaded);
    }
  } catch (error) {
    throw cutShort(messageOf(error), error);
  }
  if (total !== undefined && loaded < total) throw cutShort('the connection closed early');
  if (whole !== undefined) return whole;
  if (chunks.length === 1) return chunks[0]!;
  const bytes = new Uint8Array(loaded);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.length;
  }
  return bytes;
}

/**
 * Rejects what dev servers and SPA hosts answer for a missing file: an HTML page where a model was expected.
 * @throws TensorlaneError `MODEL_FETCH_FAILED`.
 */
export function checkNotHtml(download: Download, bytes: Uint8Array): void {
  const type = download.response.headers.get('content-type') ?? '';
  if (type.includes('text/html')) {
    throw new TensorlaneError(
      'MODEL_FETCH_FAILED',
      `could not fetch model "${download.url}": the server answered with an HTML page (${bytes.length} bytes), not ONNX; is the path right? Dev servers and SPA hosts answer missing files with index.html`,
      { details: { url: download.url, status: download.response.status } },
    );
  }
}
