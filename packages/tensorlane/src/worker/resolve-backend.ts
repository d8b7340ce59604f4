import type * as Ort from 'onnxruntime-web';
import { BACKENDS, type Backend } from '../types/backends.js';
import { TensorlaneError, messageOf } from '../errors.js';
import type { LoadRequest } from '../wire/protocol.js';
import type { AdapterInfo, FallbackAttempt } from '../types/backends.js';
import { AttemptFailed, BACKEND_TABLE, type BackendEnv, type OrtModule, type Prepared } from './backend-table.js';
import { unresolvedUrlHint } from './blob-urls.js';

/** A session built on one backend. */
export interface Built {
  readonly ort: OrtModule;
  readonly session: Ort.InferenceSession;
  readonly backend: Backend;
  readonly adapter?: AdapterInfo;
}

/** The session kept, and every backend tried and not used, with why. */
export interface ResolvedBackend extends Built {
  readonly fallback: readonly FallbackAttempt[];
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
    const hint = CSP_BLOCKED.test(message) ? CSP_HINT : unresolvedUrlHint(message, globalThis.location?.href);
    throw new AttemptFailed(`session creation failed: ${message}${hint}`);
  }
}

/** A backend whose needs the browser meets (its `prepare` passed): a session may be built on it. */
export interface Candidate {
  readonly backend: Backend;
  readonly prepared: Prepared;
}

/** The backends `request` may use, in the order of BACKENDS, and why the others cannot run here. */
export interface Candidates {
  readonly candidates: readonly Candidate[];
  readonly fallback: readonly FallbackAttempt[];
}

/** The backends `request.backend` names: every one for `'auto'` and `'fastest'`, else that one. */
export function backendsOf(request: LoadRequest): readonly Backend[] {
  return request.backend === 'auto' || request.backend === 'fastest' ? BACKENDS : [request.backend];
}

/**
 * Checks what each backend of the request needs from the browser (WebGPU: an adapter, a software one only if
 * allowed), before any file is read: the adapter decides which model variant to load.
 */
export async function prepareBackends(request: LoadRequest, env: BackendEnv): Promise<Candidates> {
  const candidates: Candidate[] = [];
  const fallback: FallbackAttempt[] = [];
  for (const backend of backendsOf(request)) {
    try {
      candidates.push({ backend, prepared: await BACKEND_TABLE[backend].prepare(request, env) });
    } catch (error) {
      if (!(error instanceof AttemptFailed)) throw error;
      fallback.push({ backend, reason: error.reason });
    }
  }
  return { candidates, fallback };
}

/**
 * Builds the session on one prepared backend.
 * @param threads - the WebAssembly threads, as `decideThreads` gave them.
 * @throws AttemptFailed when the next backend may get past the failure; TensorlaneError `MODEL_INVALID` when not;
 * ThreadStartFailed when the threads could not start (the model loads again on one thread, in a new worker).
 */
export async function buildSession(candidate: Candidate, model: ModelFiles, request: LoadRequest, env: BackendEnv, threads: number): Promise<Built> {
  const { backend, prepared } = candidate;
  let ort: OrtModule;
  try {
    ort = await env.importOrt(backend);
  } catch (error) {
    const message = messageOf(error);
    throw new AttemptFailed(`onnxruntime-web could not be imported: ${message}${unresolvedUrlHint(message, globalThis.location?.href)}`);
  }
  if (request.wasmPaths !== undefined) ort.env.wasm.wasmPaths = request.wasmPaths;
  // Always set: left unset, onnxruntime-web asks for half the cores, and warns where the page is not isolated.
  ort.env.wasm.numThreads = threads;
  prepared.configure(ort);
  const create = () => createOrtSession(ort, model, request, backend);
  // A thread that cannot start fails the load (ThreadStartFailed), never the attempt: this worker's runtime is gone.
  const session = threads > 1 && env.threadWorkers ? await env.threadWorkers.watch(backend, threads, create) : await create();
  return { ort, session, backend, ...(prepared.adapter ? { adapter: prepared.adapter } : {}) };
}

/** Failed attempts as messages list them: `webgpu: <reason>; wasm: <reason>`. */
export function describeAttempts(fallback: readonly FallbackAttempt[]): string {
  return fallback.map((a) => `${a.backend}: ${a.reason}`).join('; ');
}

/** The error when no backend could run the model, listing every attempt. */
export function noBackend(model: ModelFiles, fallback: readonly FallbackAttempt[]): TensorlaneError {
  return new TensorlaneError('BACKEND_UNAVAILABLE', `no backend could run ${model.label ?? 'the model'}: ${describeAttempts(fallback)}`, {
    details: { attempts: fallback },
  });
}

/**
 * Builds the session on the first candidate that takes the model (`'auto'` walks them in the order of BACKENDS:
 * WebGPU, skipping software adapters unless allowed, then WASM); every failed attempt is returned with its reason in
 * `fallback`, after those `prepareBackends` recorded. `threads` as {@link buildSession} takes them.
 * @throws TensorlaneError `BACKEND_UNAVAILABLE` when no attempt succeeded (`details.attempts` lists them), or
 * `MODEL_INVALID` when onnxruntime-web cannot parse the model.
 */
export async function resolveBackend(
  model: ModelFiles,
  request: LoadRequest,
  env: BackendEnv,
  threads: number,
  prepared?: Candidates,
): Promise<ResolvedBackend> {
  const { candidates, fallback: skipped } = prepared ?? (await prepareBackends(request, env));
  const fallback = [...skipped];
  for (const candidate of candidates) {
    try {
      return { ...(await buildSession(candidate, model, request, env, threads)), fallback };
    } catch (error) {
      if (!(error instanceof AttemptFailed)) throw error;
      fallback.push({ backend: candidate.backend, reason: error.reason });
    }
  }
  throw noBackend(model, fallback);
}
