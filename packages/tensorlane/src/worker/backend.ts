import type * as Ort from 'onnxruntime-web';
import { TensorlaneError, messageOf } from '../errors.js';
import type { AdapterInfo, Backend, FallbackAttempt, LoadRequest } from '../protocol.js';

/** The onnxruntime-web module: every build exports the same API. */
export type OrtModule = typeof Ort;

/** The parts of WebGPU that backend choice needs (structural, so no @webgpu/types dependency). */
export interface GpuLike {
  requestAdapter(options?: { forceFallbackAdapter?: boolean }): Promise<AdapterLike | null>;
}
export interface AdapterLike {
  readonly info?: Partial<AdapterInfo>;
  readonly isFallbackAdapter?: boolean;
}

/** What backend choice depends on, injectable for tests. */
export interface BackendEnv {
  /** Loads the onnxruntime-web build for a backend. */
  importOrt(backend: Backend): Promise<OrtModule>;
  /** `navigator.gpu`, or undefined where there is none. */
  gpu(): GpuLike | undefined;
  /** Whether the worker runs in a secure context (WebGPU is exposed only there). */
  secure(): boolean;
}

/**
 * Which onnxruntime-web build each backend loads. WebGPU uses the default (JSEP) build: on recurrent models the
 * native WebGPU EP (`onnxruntime-web/webgpu`) drifted from WASM while JSEP matched. WASM uses the plain `/wasm`
 * build: half the download of the WebGPU builds and a WASM EP about 2x faster. See the README, "Builds".
 */
export const browserEnv: BackendEnv = {
  importOrt: (backend) => (backend === 'webgpu' ? import('onnxruntime-web') : import('onnxruntime-web/wasm')),
  gpu: () => (globalThis.navigator as { gpu?: GpuLike } | undefined)?.gpu,
  secure: () => globalThis.isSecureContext !== false,
};

export interface ResolvedBackend {
  readonly ort: OrtModule;
  readonly session: Ort.InferenceSession;
  readonly backend: Backend;
  readonly fallback: readonly FallbackAttempt[];
  readonly adapter?: AdapterInfo;
}

/** A backend attempt that failed in a way the next backend may get past. */
class AttemptFailed extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

const SOFTWARE_ADAPTER = /swiftshader|llvmpipe|lavapipe|softpipe|microsoft basic render/i;

function adapterInfo(adapter: AdapterLike): AdapterInfo {
  const info = adapter.info ?? {};
  const vendor = info.vendor ?? '';
  const architecture = info.architecture ?? '';
  const device = info.device ?? '';
  const description = info.description ?? '';
  const isFallbackAdapter =
    info.isFallbackAdapter ?? adapter.isFallbackAdapter ?? SOFTWARE_ADAPTER.test(`${vendor} ${architecture} ${description}`);
  return { vendor, architecture, device, description, isFallbackAdapter };
}

function describeAdapter(info: AdapterInfo): string {
  return [info.vendor, info.architecture, info.description].filter(Boolean).join(' ') || 'unnamed adapter';
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

function sessionOptions(model: ModelFiles, request: LoadRequest, backend: Backend): Ort.InferenceSession.SessionOptions {
  const { enableGraphCapture, preferredOutputLocation, ...common } = request.sessionOptions ?? {};
  return {
    executionProviders: [backend],
    ...common,
    // WebGPU-only: graph capture replays GPU command buffers; GPU-resident outputs exist on WebGPU only.
    ...(backend === 'webgpu' && enableGraphCapture !== undefined ? { enableGraphCapture } : {}),
    ...(backend === 'webgpu' && preferredOutputLocation !== undefined ? { preferredOutputLocation } : {}),
    ...(model.externalData?.length ? { externalData: model.externalData } : {}),
  };
}

async function createSession(ort: OrtModule, model: ModelFiles, request: LoadRequest, backend: Backend): Promise<Ort.InferenceSession> {
  const label = model.label ?? 'the model';
  try {
    return await ort.InferenceSession.create(model.bytes, sessionOptions(model, request, backend));
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

async function importOrt(env: BackendEnv, backend: Backend, wasmPaths: LoadRequest['wasmPaths']): Promise<OrtModule> {
  let ort: OrtModule;
  try {
    ort = await env.importOrt(backend);
  } catch (error) {
    throw new AttemptFailed(`onnxruntime-web could not be imported: ${messageOf(error)}`);
  }
  if (wasmPaths !== undefined) ort.env.wasm.wasmPaths = wasmPaths;
  return ort;
}

async function tryWebGpu(model: ModelFiles, request: LoadRequest, env: BackendEnv): Promise<ResolvedBackend> {
  const gpu = env.gpu();
  if (gpu === undefined) {
    throw new AttemptFailed(
      env.secure()
        ? 'navigator.gpu is undefined (this browser has no WebGPU, or it is turned off)'
        : 'navigator.gpu is undefined (not a secure context: serve the page over https or from localhost)',
    );
  }
  let adapter: AdapterLike | null;
  try {
    adapter = await gpu.requestAdapter();
    // With no hardware adapter, `backend: 'webgpu'` takes whatever there is, software included.
    if (adapter === null && request.backend === 'webgpu') adapter = await gpu.requestAdapter({ forceFallbackAdapter: true });
  } catch (error) {
    throw new AttemptFailed(`navigator.gpu.requestAdapter() failed: ${messageOf(error)}`);
  }
  if (adapter === null) throw new AttemptFailed('no WebGPU adapter (navigator.gpu.requestAdapter() returned null)');
  const info = adapterInfo(adapter);
  if (info.isFallbackAdapter && request.backend === 'auto' && !request.allowSoftwareAdapter) {
    throw new AttemptFailed(
      `skipped the software adapter (${describeAdapter(info)}): it ran 25-2500x slower than WASM in our measurements; pass allowSoftwareAdapter: true to use it`,
    );
  }
  const ort = await importOrt(env, 'webgpu', request.wasmPaths);
  // Deprecated in favour of env.webgpu.device, but setting the adapter lets onnxruntime-web request the device with
  // the limits and features it needs, and it runs on exactly the adapter inspected above.
  ort.env.webgpu.adapter = adapter as typeof ort.env.webgpu.adapter;
  const session = await createSession(ort, model, request, 'webgpu');
  return { ort, session, backend: 'webgpu', fallback: [], adapter: info };
}

async function tryWasm(model: ModelFiles, request: LoadRequest, env: BackendEnv): Promise<ResolvedBackend> {
  const ort = await importOrt(env, 'wasm', request.wasmPaths);
  const session = await createSession(ort, model, request, 'wasm');
  return { ort, session, backend: 'wasm', fallback: [] };
}

/**
 * Chooses the backend and builds the session on it. `'auto'` tries WebGPU (skipping software adapters unless
 * allowed), then WASM; every failed attempt is returned with its reason in `fallback`.
 * @throws TensorlaneError `BACKEND_UNAVAILABLE` when no attempt succeeded (`details.attempts` lists them), or
 * `MODEL_INVALID` when onnxruntime-web cannot parse the model.
 */
export async function resolveBackend(model: ModelFiles, request: LoadRequest, env: BackendEnv): Promise<ResolvedBackend> {
  const order: Backend[] = request.backend === 'auto' ? ['webgpu', 'wasm'] : [request.backend];
  const fallback: FallbackAttempt[] = [];
  for (const backend of order) {
    try {
      const resolved = await (backend === 'webgpu' ? tryWebGpu : tryWasm)(model, request, env);
      return { ...resolved, fallback };
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
