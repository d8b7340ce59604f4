import type * as Ort from 'onnxruntime-web';
import { ENGINES, ENGINE_BACKEND, engineLabel, type Backend, type Engine } from '../types/backends.js';
import { TensorlaneError, messageOf } from '../errors.js';
import type { LoadRequest } from '../wire/protocol.js';
import type { AdapterInfo, FallbackAttempt } from '../types/backends.js';
import { AttemptFailed, BACKEND_TABLE, type BackendEnv, type GpuDevice, type Opened, type OrtModule, type Prepared } from './backend-table.js';
import { unresolvedUrlHint } from './blob-urls.js';
import { usesFloat16 } from './float16.js';
import { describeAdapter } from './webgpu-device.js';

/**
 * A session built on one engine. `device` is the GPU device a WebGPU session runs on, which tensorlane made and
 * owns: worker code that must work on the model's device (GPU pre-processing) takes it from here.
 */
export interface Built {
  readonly ort: OrtModule;
  readonly session: Ort.InferenceSession;
  readonly backend: Backend;
  readonly engine: Engine;
  readonly adapter?: AdapterInfo;
  readonly device?: GpuDevice;
}

/** Releases a built session, and the device it ran on: nothing else runs there. */
export async function releaseBuilt({ session, device }: Built): Promise<void> {
  await session.release().catch(() => undefined);
  device?.destroy();
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
/** An operator a build has no kernel for: a build with fewer operators (`lacks`) may be the reason, not the model. */
const NO_OPERATOR = /No Op registered for|Could not find an implementation for|Provider type for \S+ node .* is not set/;
const MISSING_EXTERNAL_DATA = /Failed to load external data file "+([^"]+)"+/;

/** The model as the worker has it: its bytes, its external data files, and how messages name it. */
export interface ModelFiles {
  readonly bytes: Uint8Array;
  readonly externalData?: readonly { readonly path: string; readonly data: Uint8Array }[];
  /** `the model`, or `model "<url>"`. */
  readonly label?: string;
}

/** The types onnxruntime-web can leave on the GPU ('gpu-buffer'); an output of another type must come back to memory. */
const GPU_BUFFER_TYPES: ReadonlySet<string> = new Set(['float32', 'float16', 'int32', 'int64', 'uint32', 'uint8', 'bool']);

/**
 * On WebGPU tensorlane leaves outputs on the GPU unless told otherwise (see SessionOptions.preferredOutputLocation):
 * a stream's carried outputs then never leave it. If the model has an output the GPU cannot hold, the session is
 * built again with the others only.
 */
async function keepOnGpu(create: (location?: Record<string, 'gpu-buffer'>) => Promise<Ort.InferenceSession>): Promise<Ort.InferenceSession> {
  const session = await create();
  const outputs = session.outputMetadata as ReadonlyArray<{ name: string; isTensor: boolean; type?: string }>;
  if (outputs.every((meta) => meta.isTensor && GPU_BUFFER_TYPES.has(meta.type!))) return session;
  await session.release();
  return create(Object.fromEntries(outputs.filter((meta) => meta.isTensor && GPU_BUFFER_TYPES.has(meta.type!)).map((meta) => [meta.name, 'gpu-buffer'])));
}

async function createOrtSession(ort: OrtModule, model: ModelFiles, request: LoadRequest, engine: Engine, opened: Opened): Promise<Ort.InferenceSession> {
  const label = model.label ?? 'the model';
  const { lacks } = BACKEND_TABLE[engine];
  const options = BACKEND_TABLE[engine].sessionOptions(request.sessionOptions ?? {});
  const create = (location?: Record<string, 'gpu-buffer'>) =>
    ort.InferenceSession.create(model.bytes, {
      executionProviders: opened.executionProviders,
      ...options,
      ...(location ? { preferredOutputLocation: location } : {}),
      ...(model.externalData?.length ? { externalData: model.externalData } : {}),
    });
  try {
    return BACKEND_TABLE[engine].gpuOutputs && request.sessionOptions?.preferredOutputLocation === undefined ? await keepOnGpu(create) : await create();
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
    if (lacks !== undefined && NO_OPERATOR.test(message)) throw new AttemptFailed(`session creation failed: ${message} (${lacks})`);
    if (MODEL_ERROR.test(message)) {
      throw new TensorlaneError('MODEL_INVALID', `${label} could not be loaded: ${message}`, { cause: error });
    }
    const hint = CSP_BLOCKED.test(message) ? CSP_HINT : unresolvedUrlHint(message, globalThis.location?.href);
    throw new AttemptFailed(`session creation failed: ${message}${hint}`);
  }
}

/** An engine whose needs the browser meets (its `prepare` passed): a session may be built on it. */
export interface Candidate {
  readonly engine: Engine;
  readonly prepared: Prepared;
}

/** The backends `request` may use, in the order of BACKENDS, and why the others cannot run here. */
export interface Candidates {
  readonly candidates: readonly Candidate[];
  readonly fallback: readonly FallbackAttempt[];
}

/**
 * The engines `request` names, in order: for WebGPU the engine of `webgpuEngine` (`'auto'`: JSEP, or every WebGPU
 * engine under `'fastest'`), then WASM under `'auto'` and `'fastest'`.
 */
export function enginesOf({ backend, webgpuEngine }: LoadRequest): readonly Engine[] {
  if (backend === 'wasm') return ['wasm'];
  const webgpu: readonly Engine[] =
    webgpuEngine !== 'auto' ? [webgpuEngine] : backend === 'fastest' ? ENGINES.filter((e) => ENGINE_BACKEND[e] === 'webgpu') : ['jsep'];
  return backend === 'webgpu' ? webgpu : [...webgpu, 'wasm'];
}

/** A failed attempt on `engine`, as session.fallback lists it. */
export const attempt = (engine: Engine, reason: string): FallbackAttempt => ({ backend: ENGINE_BACKEND[engine], engine, reason });

/**
 * Checks what each backend of the request needs from the browser (WebGPU: an adapter, a software one only if
 * allowed), before any file is read: the adapter decides which model variant to load.
 */
export async function prepareBackends(request: LoadRequest, env: BackendEnv): Promise<Candidates> {
  const candidates: Candidate[] = [];
  const fallback: FallbackAttempt[] = [];
  for (const engine of enginesOf(request)) {
    try {
      candidates.push({ engine, prepared: await BACKEND_TABLE[engine].prepare(request, env) });
    } catch (error) {
      if (!(error instanceof AttemptFailed)) throw error;
      fallback.push(attempt(engine, error.reason));
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
  const { engine, prepared } = candidate;
  const backend = ENGINE_BACKEND[engine];
  let ort: OrtModule;
  try {
    ort = await env.importOrt(engine);
  } catch (error) {
    const message = messageOf(error);
    throw new AttemptFailed(`onnxruntime-web could not be imported: ${message}${unresolvedUrlHint(message, globalThis.location?.href)}`);
  }
  if (request.wasmPaths !== undefined) ort.env.wasm.wasmPaths = request.wasmPaths;
  // Always set: left unset, onnxruntime-web asks for half the cores, and warns where the page is not isolated.
  ort.env.wasm.numThreads = threads;
  const opened = await prepared.open(ort);
  const { device } = opened;
  try {
    if (device && !device.features.has('shader-f16') && halfPrecision(model)) {
      throw new AttemptFailed(
        `${model.label ?? 'the model'} computes in float16, which this WebGPU device cannot (the adapter, ${describeAdapter(prepared.adapter!)}, has no shader-f16): give a float32 variant (model: [{ url, requires: ['shader-f16'] }, { url }]) or run it on WASM`,
      );
    }
    const create = () => createOrtSession(ort, model, request, engine, opened);
    // A thread that cannot start fails the load (ThreadStartFailed), never the attempt: this worker's runtime is gone.
    const session = threads > 1 && env.threadWorkers ? await env.threadWorkers.watch(engine, threads, create) : await create();
    return { ort, session, backend, engine, ...(prepared.adapter ? { adapter: prepared.adapter } : {}), ...(device ? { device } : {}) };
  } catch (error) {
    device?.destroy();
    throw error;
  }
}

/** Whether the model uses float16, read once per model's bytes. */
const halves = new WeakMap<Uint8Array, boolean>();
function halfPrecision({ bytes }: ModelFiles): boolean {
  let half = halves.get(bytes);
  if (half === undefined) halves.set(bytes, (half = usesFloat16(bytes)));
  return half;
}

/** Failed attempts as messages list them: `webgpu/jsep: <reason>; wasm: <reason>`. */
export function describeAttempts(fallback: readonly FallbackAttempt[]): string {
  return fallback.map((a) => `${a.engine ? engineLabel(a.engine) : a.backend}: ${a.reason}`).join('; ');
}

/** The error when no backend could run the model, listing every attempt. */
export function noBackend(model: ModelFiles, fallback: readonly FallbackAttempt[]): TensorlaneError {
  return new TensorlaneError('BACKEND_UNAVAILABLE', `no backend could run ${model.label ?? 'the model'}: ${describeAttempts(fallback)}`, {
    details: { attempts: fallback },
  });
}

/**
 * Builds the session on the first candidate that takes the model (`'auto'` walks them as enginesOf orders them:
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
      fallback.push(attempt(candidate.engine, error.reason));
    }
  }
  throw noBackend(model, fallback);
}
