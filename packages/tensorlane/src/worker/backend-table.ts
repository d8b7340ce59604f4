// The backend table: one entry per name of BACKENDS (../backends.ts), in the spirit of onnxruntime-web's
// registerBackend. Each says how to import its onnxruntime-web build, how to attempt it (what it needs from the
// browser, how to set onnxruntime-web up for it), which session options apply, and how to guard its runs.
// resolve-backend.ts walks them in order. Adding a backend (WebNN, say) is one name there and one entry here.
import type * as Ort from 'onnxruntime-web';
import { messageOf } from '../errors.js';
import type { Backend } from '../types/backends.js';
import type { LoadRequest, OrtSessionOptions } from '../wire/protocol.js';
import type { AdapterInfo, AdapterLimits } from '../types/backends.js';
import type { Feeds } from '../types/tensor.js';
import { SessionBroken } from './broken.js';
import type { ThreadWorkers } from './thread-workers.js';

/** The onnxruntime-web module: every build exports the same API. */
export type OrtModule = typeof Ort;

/** The parts of WebGPU that backend choice needs (structural, so no @webgpu/types dependency). */
export interface GpuLike {
  requestAdapter(options?: { forceFallbackAdapter?: boolean }): Promise<AdapterLike | null>;
}
export interface AdapterLike {
  readonly info?: Partial<Omit<AdapterInfo, 'features' | 'limits'>>;
  readonly isFallbackAdapter?: boolean;
  readonly features?: Iterable<string>;
  readonly limits?: Partial<AdapterLimits>;
}

/** What backend choice depends on, injectable for tests. */
export interface BackendEnv {
  /** Loads the onnxruntime-web build for a backend. */
  importOrt(backend: Backend): Promise<OrtModule>;
  /** `navigator.gpu`, or undefined where there is none. */
  gpu(): GpuLike | undefined;
  /** Whether the worker runs in a secure context (WebGPU is exposed only there). */
  secure(): boolean;
  /** Whether the worker is cross-origin isolated (threads need it), and how many cores the device has. */
  threading(): { readonly isolated: boolean; readonly cores: number };
  /** onnxruntime-web's thread workers, watched while a runtime starts them (tensorlane's worker script sets it). */
  readonly threadWorkers?: ThreadWorkers;
}

/** A backend attempt that failed in a way the next backend may get past. */
export class AttemptFailed extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

/** What an attempt found: how to set up onnxruntime-web for it, and the adapter (WebGPU). */
export interface Prepared {
  configure(ort: OrtModule): void;
  readonly adapter?: AdapterInfo;
}

export type Run = (feeds: Feeds) => Promise<Feeds>;

export interface BackendEntry {
  /** Imports the onnxruntime-web build this backend runs on. */
  importOrt(): Promise<OrtModule>;
  /** Checks what the backend needs from the browser. @throws AttemptFailed to let the next backend try. */
  prepare(request: LoadRequest, env: BackendEnv): Promise<Prepared>;
  /** The onnxruntime-web session options that apply on this backend. */
  sessionOptions(options: OrtSessionOptions): Ort.InferenceSession.SessionOptions;
  /**
   * Wraps the session's runs, for what this backend's runtime gets wrong. Calls `broken` once the session can never
   * run again; its runs then reject with that error.
   */
  guard(run: Run, ort: OrtModule, broken: (error: SessionBroken) => void): Run;
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
  const limits = { maxBufferSize: adapter.limits?.maxBufferSize ?? 0, maxStorageBufferBindingSize: adapter.limits?.maxStorageBufferBindingSize ?? 0 };
  return { vendor, architecture, device, description, isFallbackAdapter, features: [...(adapter.features ?? [])].sort(), limits };
}

export function describeAdapter(info: AdapterInfo): string {
  return [info.vendor, info.architecture, info.description].filter(Boolean).join(' ') || 'unnamed adapter';
}

/** The GPUDevice parts the WebGPU guard watches (structural, as GpuLike). */
interface DeviceLike {
  readonly lost: Promise<{ readonly reason?: string; readonly message?: string }>;
}

/**
 * A WebAssembly abort (emscripten's `Aborted(…)`, a trap) leaves onnxruntime-web's module unusable: every later run
 * fails. The run that hit it may be the reason, so it is blamed; the worker then counts as crashed.
 */
function guardAbort(run: Run, broken: (error: SessionBroken) => void): Run {
  return async (feeds) => {
    try {
      return await run(feeds);
    } catch (error) {
      const cause = error instanceof Error ? error.cause : undefined;
      if (!(error instanceof SessionBroken) && (cause instanceof WebAssembly.RuntimeError || /\bAborted\(/.test(messageOf(error)))) {
        const fault = { cause: 'worker-crashed' as const, message: `onnxruntime-web's WebAssembly aborted: ${messageOf(cause ?? error)}` };
        const abort = new SessionBroken(fault, true, `${messageOf(error)} (the worker cannot run again; the call may be retried)`, { cause: error });
        broken(abort);
        throw abort;
      }
      throw error;
    }
  };
}

/**
 * WebGPU's two ways of ending a session for good. After a run fails inside onnxruntime-web's native code ("failed to
 * call OrtRun()", e.g. a Reshape that cannot reshape), onnxruntime-web 1.30's next run of that session never settles
 * (seen on SwiftShader): that run is blamed (`session-failed`). When the GPU device is lost (a driver reset,
 * `destroy()` from anywhere, whatever the reason), runs in flight never settle either: they reject at once, and no
 * request is blamed (`device-lost`). onnxruntime-web keeps one device for the life of its module, so the session
 * cannot be rebuilt in this worker: the page moves every call not answered to a new one. Failures in its JavaScript
 * kernels ("[WebGPU] Kernel … failed") leave the session usable and pass through as they are.
 */
function guardWebGpu(run: Run, ort: OrtModule, broken: (error: SessionBroken) => void): Run {
  let failed: SessionBroken | undefined;
  /**
   * How to interrupt each run in flight. A promise per run, dropped when it ends: a race against one promise that
   * lives as long as the session would leave it a reaction per run, each holding that run's outputs.
   */
  const interrupts = new Set<(error: SessionBroken) => void>();
  const fail = (error: SessionBroken) => {
    if (failed) return;
    failed = error;
    for (const interrupt of interrupts) interrupt(error);
    broken(error);
  };
  // onnxruntime-web's types say a promise of the device; its JSEP build gives the device itself.
  void Promise.resolve()
    .then(() => ort.env.webgpu.device as unknown as DeviceLike | Promise<DeviceLike>)
    .then((device) => device.lost)
    .then(({ reason, message }) => {
      const lost = `the GPU device was lost (${reason ?? 'unknown'}${message ? `: ${messageOf(message)}` : ''})`;
      fail(new SessionBroken({ cause: 'device-lost', message: lost }, false, `${lost}; the call may be retried`));
    }, () => undefined);
  return async (feeds) => {
    if (failed) throw failed;
    let interrupt!: (error: SessionBroken) => void;
    const interrupted = new Promise<never>((_, reject) => (interrupt = reject));
    interrupts.add(interrupt);
    try {
      return await Promise.race([run(feeds), interrupted]);
    } catch (error) {
      if (!(error instanceof SessionBroken) && /failed to call OrtRun\(\)/.test(messageOf(error))) {
        const fault = {
          cause: 'session-failed' as const,
          message: `a run failed inside onnxruntime-web (${messageOf(error)}), after which this WebGPU session never finishes another run`,
        };
        fail(new SessionBroken(fault, true, messageOf(error), { cause: error }));
      }
      throw failed ?? error;
    } finally {
      interrupts.delete(interrupt);
    }
  };
}

/**
 * WebGPU runs onnxruntime-web's default (JSEP) build: on recurrent models the native WebGPU EP
 * (`onnxruntime-web/webgpu`) drifted from WASM while JSEP matched. WASM runs the plain `/wasm` build: half the
 * download of the WebGPU builds and a WASM EP about 2x faster. See the README, "Builds".
 */
export const BACKEND_TABLE: { readonly [B in Backend]: BackendEntry } = {
  webgpu: {
    importOrt: () => import('onnxruntime-web'),
    async prepare(request, env) {
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
      // 'auto' and 'fastest' choose; only a backend named outright takes a software adapter unasked.
      if (info.isFallbackAdapter && request.backend !== 'webgpu' && !request.allowSoftwareAdapter) {
        throw new AttemptFailed(
          `skipped the software adapter (${describeAdapter(info)}): it ran 25-2500x slower than WASM in our measurements; pass allowSoftwareAdapter: true to use it`,
        );
      }
      return {
        adapter: info,
        // Deprecated in favour of env.webgpu.device, but setting the adapter lets onnxruntime-web request the device
        // with the limits and features it needs, and it runs on exactly the adapter inspected above.
        configure: (ort) => void (ort.env.webgpu.adapter = adapter as typeof ort.env.webgpu.adapter),
      };
    },
    sessionOptions: (options) => options,
    guard: (run, ort, broken) => guardAbort(guardWebGpu(run, ort, broken), broken),
  },
  wasm: {
    importOrt: () => import('onnxruntime-web/wasm'),
    prepare: async () => ({ configure: () => undefined }),
    // Graph capture replays GPU command buffers; GPU-resident outputs exist on WebGPU only.
    sessionOptions: ({ enableGraphCapture, preferredOutputLocation, ...common }) => common,
    guard: (run, _ort, broken) => guardAbort(run, broken),
  },
};

/** The browser's environment: each backend's own build, the real `navigator.gpu`. */
export const browserEnv: BackendEnv = {
  importOrt: (backend) => BACKEND_TABLE[backend].importOrt(),
  gpu: () => (globalThis.navigator as { gpu?: GpuLike } | undefined)?.gpu,
  secure: () => globalThis.isSecureContext !== false,
  threading: () => ({
    isolated: (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true,
    cores: globalThis.navigator?.hardwareConcurrency ?? 1,
  }),
};
