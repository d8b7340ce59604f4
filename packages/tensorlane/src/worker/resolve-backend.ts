import type * as Ort from 'onnxruntime-web';
import { BACKENDS, type Backend } from '../backends.js';
import { TensorlaneError, messageOf } from '../errors.js';
import type { LoadRequest } from '../protocol.js';
import type { AdapterInfo, FallbackAttempt } from '../session-types.js';
import { AttemptFailed, BACKEND_TABLE, type BackendEnv, type OrtModule } from './backends.js';

export interface ResolvedBackend {
  readonly ort: OrtModule;
  readonly session: Ort.InferenceSession;
  readonly backend: Backend;
  readonly fallback: readonly FallbackAttempt[];
  readonly adapter?: AdapterInfo;
  /** Threads onnxruntime-web's WebAssembly runtime runs on. */
  readonly threads: number;
}

/**
 * The browser refused to compile WebAssembly because of the page's Content-Security-Policy. Chromium's message names
 * only 'unsafe-eval', which is the wrong fix: 'wasm-unsafe-eval' allows WebAssembly and nothing else.
 */
const CSP_BLOCKED = /Content Security Policy/i;
const CSP_HINT = ` (the Content-Security-Policy forbids WebAssembly: add 'wasm-unsafe-eval' to script-src)`;

/** onnxruntime-web's codes for a model it cannot parse (INVALID_PROTOBUF = 7) or whose graph is invalid (10). */
const MODEL_ERROR = /ERROR_CODE: (7|10)\b|protobuf parsing failed/;
const MISSING_EXTERNAL_DATA = /Failed to load external data file "+([^"]+)"+/;

/** The model as the worker has it: its bytes, its external data files, and how messages name it. */
export interface ModelFiles {
  readonly bytes: Uint8Array;
  readonly externalData?: readonly { readonly path: string; readonly data: Uint8Array }[];
  /** `the model`, or `model "<url>"`. */
  readonly label?: string;
}

async function createOrtSession(ort: OrtModule, model: ModelFiles, request: LoadRequest, backend: Backend): Promise<Ort.InferenceSession> {
  const label = model.label ?? 'the model';
  try {
    return await ort.InferenceSession.create(model.bytes, {
      executionProviders: [backend],
      ...BACKEND_TABLE[backend].sessionOptions(request.sessionOptions ?? {}),
      ...(model.externalData?.length ? { externalData: model.externalData } : {}),
    });
  } catch (error) {
    const message = messageOf(error);
    const missing = MISSING_EXTERNAL_DATA.exec(message)?.[1];
    if (missing !== undefined && !model.externalData?.some((file) => file.path === missing)) {
      throw new TensorlaneError(
        'MODEL_INVALID',
        `${label} keeps its weights in "${missing}", which was not given: pass externalData: ['${missing}']`,
        { cause: error, details: { externalData: missing } },
      );
    }
    if (MODEL_ERROR.test(message)) {
      throw new TensorlaneError('MODEL_INVALID', `${label} could not be loaded: ${message}`, { cause: error });
    }
    throw new AttemptFailed(`session creation failed: ${message}${CSP_BLOCKED.test(message) ? CSP_HINT : ''}`);
  }
}

async function attempt(
  backend: Backend, model: ModelFiles, request: LoadRequest, env: BackendEnv, threads: number,
): Promise<Omit<ResolvedBackend, 'fallback'>> {
  const prepared = await BACKEND_TABLE[backend].prepare(request, env);
  let ort: OrtModule;
  try {
    ort = await env.importOrt(backend);
  } catch (error) {
    throw new AttemptFailed(`onnxruntime-web could not be imported: ${messageOf(error)}`);
  }
  if (request.wasmPaths !== undefined) ort.env.wasm.wasmPaths = request.wasmPaths;
  // Always set: left unset, onnxruntime-web asks for half the cores, and warns where the page is not isolated.
  ort.env.wasm.numThreads = threads;
  prepared.configure(ort);
  const session = await createOrtSession(ort, model, request, backend);
  return { ort, session, backend, threads, ...(prepared.adapter ? { adapter: prepared.adapter } : {}) };
}

/**
 * Chooses the backend and builds the session on it, with onnxruntime-web's WebAssembly runtime on `threads` threads.
 * `'auto'` tries every backend in the order of BACKENDS (WebGPU, skipping software adapters unless allowed, then
 * WASM); every failed attempt is returned with its reason in `fallback`.
 * @throws TensorlaneError `BACKEND_UNAVAILABLE` when no attempt succeeded (`details.attempts` lists them), or
 * `MODEL_INVALID` when onnxruntime-web cannot parse the model.
 */
export async function resolveBackend(model: ModelFiles, request: LoadRequest, env: BackendEnv, threads: number): Promise<ResolvedBackend> {
  const order: readonly Backend[] = request.backend === 'auto' ? BACKENDS : [request.backend];
  const fallback: FallbackAttempt[] = [];
  for (const backend of order) {
    try {
      return { ...(await attempt(backend, model, request, env, threads)), fallback };
    } catch (error) {
      if (!(error instanceof AttemptFailed)) throw error;
      fallback.push({ backend, reason: error.reason });
    }
  }
  const attempts = fallback.map((a) => `${a.backend}: ${a.reason}`).join('; ');
  throw new TensorlaneError('BACKEND_UNAVAILABLE', `no backend could run ${model.label ?? 'the model'}: ${attempts}`, {
    details: { attempts: fallback },
  });
}
