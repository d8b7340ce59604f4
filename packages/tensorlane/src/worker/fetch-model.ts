import { TensorlaneError, messageOf } from '../errors.js';

/**
 * Fetches model bytes in the worker.
 * @throws TensorlaneError `MODEL_LOAD_FAILED`: network error, HTTP error status, or an HTML page where a model was
 * expected (what dev servers and SPA hosts answer for a missing file).
 */
export async function fetchModel(url: string): Promise<Uint8Array> {
  let response: Response;
  try {
    response = await fetch(url);
  } catch (error) {
    throw new TensorlaneError('MODEL_LOAD_FAILED', `could not fetch model "${url}": ${messageOf(error)}`, { cause: error });
  }
  if (!response.ok) {
    throw new TensorlaneError(
      'MODEL_LOAD_FAILED',
      `could not fetch model "${url}": HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`,
      { details: { url, status: response.status } },
    );
  }
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await response.arrayBuffer());
  } catch (error) {
    throw new TensorlaneError('MODEL_LOAD_FAILED', `could not read model "${url}": ${messageOf(error)}`, { cause: error });
  }
  const type = response.headers.get('content-type') ?? '';
  if (type.includes('text/html')) {
    throw new TensorlaneError(
      'MODEL_LOAD_FAILED',
      `could not fetch model "${url}": the server answered with an HTML page (${bytes.length} bytes), not ONNX; is the path right? Dev servers and SPA hosts answer missing files with index.html`,
      { details: { url, status: response.status } },
    );
  }
  return bytes;
}
