// Runs a model with tensorlane inside a page (the app's own build, or the kit's bare model page) and brings the
// outputs back to the test with their dtypes: int64 as BigInt64Array, float16 as raw half bits, bool as bytes.
import type { Page } from '@playwright/test';
import {
  TensorlaneError, type AdapterInfo, type Backend, type ErrorCode, type FallbackAttempt, type Feeds, type Session,
  type SessionOptions, type SessionStats, type Tensor, type TensorInfo,
} from 'tensorlane';
import { halfBits } from './tensor-like.js';

/**
 * Options of {@link runModel}: the model, the inputs of one prediction, and any `createSession` option that can
 * cross into the page (not `worker`, `onProgress` or `signal`).
 * @example
 * ```ts
 * import { runModel, type RunModelOptions } from '@tensorlane/playwright';
 *
 * const options: RunModelOptions = {
 *   model: '/models/mlp.onnx',
 *   inputs: { x: { type: 'float32', data: new Float32Array(256), dims: [1, 256] } },
 *   backend: 'webgpu',
 * };
 * const run = await runModel(page, options);
 * ```
 */
export interface RunModelOptions extends Omit<SessionOptions, 'model' | 'worker' | 'onProgress' | 'signal'> {
  /** A URL (relative to the page) or the model's bytes, sent from the test. */
  readonly model: string | URL | Uint8Array | ArrayBuffer;
  /** One tensor per model input. float16 data may be a `Float16Array` or a `Uint16Array` of raw half bits. */
  readonly inputs: Feeds;
  /**
   * Where the page exposes the tensorlane module, as a property path of `window`: an app under test sets it in its
   * test build, e.g. `window.tensorlane = await import('tensorlane')`. The kit's `modelPage` sets `tensorlane`.
   * @defaultValue `'tensorlane'`
   */
  readonly tensorlane?: string;
}

/**
 * What {@link runModel} returns: the outputs, and what the session said about itself.
 * @example
 * ```ts
 * import { runModel, type ModelRun } from '@tensorlane/playwright';
 *
 * const run: ModelRun = await runModel(modelPage, { model, inputs });
 * console.log(run.backend, run.fallback, run.stats.runMs.p50);
 * ```
 */
export interface ModelRun {
  /** The outputs by name. int64/uint64 data are `BigInt64Array`/`BigUint64Array`; float16 a `Uint16Array` of half bits; bool a `Uint8Array`. */
  readonly outputs: Readonly<Record<string, Tensor>>;
  /** The backend that ran the model. */
  readonly backend: Backend;
  /** Backends tried and not used, with the reasons. */
  readonly fallback: readonly FallbackAttempt[];
  /** The WebGPU adapter, when the backend is WebGPU. */
  readonly adapter: AdapterInfo | undefined;
  /** `session.stats()` after the prediction. */
  readonly stats: SessionStats;
  /** `session.warnings`. */
  readonly warnings: readonly string[];
  /** The model's inputs and outputs as its metadata describes them. */
  readonly metadata: { readonly inputs: readonly TensorInfo[]; readonly outputs: readonly TensorInfo[] };
}

/** The page's error as plain data: `details` as tensorlane made them, `cause` as its message. */
interface PageError {
  code: ErrorCode | undefined;
  message: string;
  details: Readonly<Record<string, unknown>> | undefined;
  cause: string | undefined;
}

type Reply = { run: ModelRun } | { error: PageError };

/** In the page: find tensorlane, create a session, predict once, and describe everything; never throws. */
async function runInPage({ path, options, model, inputs }: { path: string; options: Omit<RunModelOptions, 'model' | 'inputs' | 'tensorlane'>; model: string | Uint8Array; inputs: Feeds }): Promise<Reply> {
  let tensorlane: unknown = globalThis;
  for (const key of path.split('.')) tensorlane = (tensorlane as Record<string, unknown> | undefined)?.[key];
  const api = tensorlane as { createSession?: (options: SessionOptions) => Promise<Session> } | undefined;
  if (typeof api?.createSession !== 'function') {
    return {
      error: {
        code: undefined,
        message: `window.${path} is not the tensorlane module (it is ${typeof tensorlane}): have the app expose it in its test build (window.${path} = await import('tensorlane')), or run on the kit's modelPage`,
        details: undefined,
        cause: undefined,
      },
    };
  }
  let session: Session | undefined;
  try {
    session = await api.createSession({ ...options, model });
    const predicted = await session.predict(inputs);
    const outputs: Record<string, Tensor> = {};
    for (const [name, { type, data, dims }] of Object.entries(predicted)) {
      // Playwright carries typed arrays across, but not Float16Array: send its bits (halfBits, inline: this runs in the page).
      const bits = Object.prototype.toString.call(data) === '[object Float16Array]' ? new Uint16Array(data.buffer, data.byteOffset, data.length) : data;
      outputs[name] = { type, data: bits, dims: [...dims] } as Tensor;
    }
    const { backend, fallback, adapter, warnings } = session;
    return { run: { outputs, backend, fallback, adapter, stats: await session.stats(), warnings, metadata: { inputs: session.inputs, outputs: session.outputs } } };
  } catch (error) {
    const { code, message, details, cause } = (error ?? {}) as { code?: ErrorCode; message?: string; details?: Readonly<Record<string, unknown>>; cause?: unknown };
    return {
      error: {
        code,
        message: message ?? String(error),
        details,
        cause: cause === undefined ? undefined : cause instanceof Error ? cause.message : String(cause),
      },
    };
  } finally {
    await session?.dispose();
  }
}

/** Playwright serialises typed arrays, not Float16Array: float16 data goes as its raw bits. */
function sendable(feeds: Feeds): Feeds {
  const out: Record<string, Tensor> = {};
  for (const [name, tensor] of Object.entries(feeds)) {
    const data = halfBits(tensor.data);
    out[name] = data === tensor.data ? tensor : ({ ...tensor, data } as Tensor);
  }
  return out;
}

/**
 * Loads a model with tensorlane inside `page`, runs one prediction on `inputs`, disposes the session, and returns
 * the outputs with their dtypes, the backend, fallback, adapter and stats. The page is the app under test (which
 * exposes tensorlane at `window.tensorlane`, or where `options.tensorlane` says) or the kit's `modelPage`.
 * @throws TensorlaneError with the page's error code when tensorlane fails (e.g. `BACKEND_UNAVAILABLE`).
 * @throws Error when the page does not expose tensorlane.
 * @example
 * ```ts
 * import { readFileSync } from 'node:fs';
 * import { test, expect, runModel } from '@tensorlane/playwright';
 *
 * test('classifies on WebGPU', async ({ modelPage, gpu }) => {
 *   const run = await runModel(modelPage, {
 *     model: readFileSync('models/mlp.onnx'),
 *     inputs: { x: { type: 'float32', data: new Float32Array(256), dims: [1, 256] } },
 *     backend: 'webgpu',
 *   });
 *   expect(run.backend).toBe('webgpu');
 *   expect(run.outputs.y).toMatchTensorSnapshot('mlp-zeros', { atol: 1e-4 });
 * });
 * ```
 */
export async function runModel(page: Page, options: RunModelOptions): Promise<ModelRun> {
  const { model, inputs, tensorlane: path = 'tensorlane', ...sessionOptions } = options;
  // A plain Uint8Array (not a Buffer), which Playwright's serialiser knows.
  const sent =
    typeof model === 'string' ? model : model instanceof URL ? model.href : model instanceof ArrayBuffer ? new Uint8Array(model) : new Uint8Array(model.buffer, model.byteOffset, model.byteLength);
  const reply = await page.evaluate(runInPage, { path, options: sessionOptions, model: sent, inputs: sendable(inputs) });
  if ('run' in reply) return reply.run;
  const { code, message, details, cause } = reply.error;
  if (code === undefined) throw new Error(message);
  throw new TensorlaneError(code, message, { ...(details === undefined ? {} : { details }), cause: cause === undefined ? undefined : new Error(cause) });
}
