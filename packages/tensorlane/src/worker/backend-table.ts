// The backend table: one entry per engine of ENGINES (../types/backends.ts: the onnxruntime-web builds, and the
// backend each runs), in the spirit of onnxruntime-web's registerBackend. Each says how to import its build, how to
// attempt it (what it needs from the browser; for WebGPU, the adapter and the device tensorlane makes, see
// webgpu-device.ts), which session options apply, and how to guard its runs. resolve-backend.ts walks them in order.
// Adding an engine (WebNN, say) is one name there and one entry here.
import type * as Ort from 'onnxruntime-web';
import { TensorlaneError, messageOf } from '../errors.js';
import type { Engine } from '../types/backends.js';
import type { LoadRequest, OrtSessionOptions } from '../wire/protocol.js';
import type { AdapterInfo } from '../types/backends.js';
import type { Feeds } from '../types/tensor.js';
import { AttemptFailed, SessionBroken } from './broken.js';
import { countGpuBuffers } from './memory.js';
import type { ThreadWorkers } from './thread-workers.js';
import { adapterHandingOver, prepareGpu, type GpuDevice, type GpuLike } from './webgpu-device.js';

export { AttemptFailed } from './broken.js';
export type { AdapterLike, GpuDevice, GpuLike } from './webgpu-device.js';

/** The onnxruntime-web module: every build exports the same API. */
export type OrtModule = typeof Ort;

/** What backend choice depends on, injectable for tests. */
export interface BackendEnv {
  /** Loads the onnxruntime-web build of an engine. */
  importOrt(engine: Engine): Promise<OrtModule>;
  /** `navigator.gpu`, or undefined where there is none. */
  gpu(): GpuLike | undefined;
  /** Whether the worker runs in a secure context (WebGPU is exposed only there). */
  secure(): boolean;
  /** Whether the worker is cross-origin isolated (threads need it), and how many cores the device has. */
  threading(): { readonly isolated: boolean; readonly cores: number };
  /** Whether the browser has JS Promise Integration (`WebAssembly.Suspending`), which the jspi build needs. */
  jspi(): boolean;
  /** onnxruntime-web's thread workers, watched while a runtime starts them (tensorlane's worker script sets it). */
  readonly threadWorkers?: ThreadWorkers;
}

/** One session's set-up: the execution providers it is created with, and the GPU device it runs on (WebGPU). */
export interface Opened {
  readonly executionProviders: Ort.InferenceSession.ExecutionProviderConfig[];
  readonly device?: GpuDevice;
}

/** What an attempt found: the adapter (WebGPU), and how to set onnxruntime-web up for one session. */
export interface Prepared {
  readonly adapter?: AdapterInfo;
  /** Sets up `ort` for one session: its environment and, on WebGPU, a device of tensorlane's. @throws AttemptFailed. */
  open(ort: OrtModule): Promise<Opened>;
  /** The bytes of GPU buffers onnxruntime-web holds on the devices of this attempt's adapter (WebGPU). */
  readonly gpuBufferBytes?: () => number;
}

export type Run = (feeds: Feeds) => Promise<Feeds>;

/** Runs an attempt at using the session (a run, or a stream's work on its outputs), guarded as the backend needs. */
export type Guarded = <T>(attempt: () => Promise<T>) => Promise<T>;

/** A session's attempts as its backend guards them, and how it reads a failure met outside any attempt. */
export interface Guard {
  readonly guarded: Guarded;
  /**
   * Resolves true when `reason` (an unhandled rejection in the worker) is a symptom of the session's end that the
   * guard reports itself (a read-back a lost device cut short), false when it is a crash of its own.
   */
  explains(reason: unknown): Promise<boolean>;
}

export interface BackendEntry {
  /** What its build lacks, added to the reason when a model does not load on it. */
  readonly lacks?: string;
  /**
   * Whether outputs stay on the GPU by default (`preferredOutputLocation: 'gpu-buffer'`). JSEP only: the native
   * builds of onnxruntime-web 1.31.1 fail such a run ("Failed to find allocator for device").
   */
  readonly gpuOutputs?: boolean;
  /** Imports the onnxruntime-web build this engine runs on. */
  importOrt(): Promise<OrtModule>;
  /** Checks what the engine needs from the browser. @throws AttemptFailed to let the next engine try. */
  prepare(request: LoadRequest, env: BackendEnv): Promise<Prepared>;
  /** The onnxruntime-web session options that apply on this backend. */
  sessionOptions(options: OrtSessionOptions): Ort.InferenceSession.SessionOptions;
  /**
   * Guards the session's runs, for what this engine's runtime gets wrong. Calls `broken` once the session can never
   * run again; its runs then reject with that error.
   * @param device - the GPU device the session runs on (WebGPU).
   */
  guard(device: GpuDevice | undefined, broken: (error: SessionBroken) => void): Guard;
}

/**
 * A WebAssembly abort (emscripten's `Aborted(…)`, a trap) leaves onnxruntime-web's module unusable: every later run
 * fails. The run that hit it may be the reason, so it is blamed; the worker then counts as crashed.
 */
function guardAbort({ guarded, explains }: Guard, broken: (error: SessionBroken) => void): Guard {
  const aborted = (error: unknown): never => {
    const cause = error instanceof Error ? error.cause : undefined;
    if (!(error instanceof SessionBroken) && (cause instanceof WebAssembly.RuntimeError || /\bAborted\(/.test(messageOf(error)))) {
      const fault = { cause: 'worker-crashed' as const, message: `onnxruntime-web's WebAssembly aborted: ${messageOf(cause ?? error)}` };
      const abort = new SessionBroken(fault, true, `${messageOf(error)} (the worker cannot run again; the call may be retried)`, { cause: error });
      broken(abort);
      throw abort;
    }
    throw error;
  };
  // The attempt's own promise, its failure read beside it: every run goes through here.
  return { guarded: (attempt) => guarded(attempt).catch(aborted), explains };
}

/**
 * How long after a symptom of a lost device (see {@link lossSymptom}) the loss itself may be told (`device.lost`),
 * which Chromium resolves in a later task than the failures it causes.
 */
const LOSS_GRACE_MS = 2000;

/**
 * Whether `reason` reads as WebGPU failing for a lost device: a read-back (`mapAsync`) the loss cut short ("Buffer was
 * unmapped before mapping was resolved"), or a call on a lost device. onnxruntime-web's JSEP build does not await its
 * read-back in the run's promise: the rejection is unhandled, and that run never settles.
 */
export function lossSymptom(reason: unknown): boolean {
  const name = (reason as { name?: unknown } | null | undefined)?.name;
  return (name === 'AbortError' || name === 'OperationError') && /GPU|mapAsync|device/i.test(messageOf(reason));
}

/**
 * WebGPU's two ways of ending a session for good. After a run fails inside onnxruntime-web's native code ("failed to
 * call OrtRun()", e.g. a Reshape that cannot reshape), onnxruntime-web 1.30's next run of that session never settles
 * (seen on SwiftShader): that run is blamed (`session-failed`). When the GPU device is lost (a driver reset,
 * `destroy()` from anywhere, whatever the reason), runs in flight never settle either: they reject at once, and no
 * request is blamed (`device-lost`). The loss may show first as a symptom (a read-back it cut short, failing a run or
 * rejecting unhandled): the guard then waits for `device.lost` before it counts the failure as the run's own. The
 * device is tensorlane's own (webgpu-device.ts), watched from its creation; JSEP keeps one device for the life of its
 * module, so the session is not rebuilt in this worker: the page moves every call not answered to a new one.
 * Failures in JSEP's JavaScript kernels ("[WebGPU] Kernel … failed") leave the session usable and pass through as
 * they are.
 */
function guardWebGpu(device: Pick<GpuDevice, 'lost'>, broken: (error: SessionBroken) => void): Guard {
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
  const lost = device.lost
    .then(({ reason, message }) => {
      const lost = `the GPU device was lost (${reason ?? 'unknown'}${message ? `: ${messageOf(message)}` : ''})`;
      fail(new SessionBroken({ cause: 'device-lost', message: lost }, false, `${lost}; the call may be retried`));
      return true;
    }, () => false);
  /** Whether the device is lost within LOSS_GRACE_MS of a symptom of it. */
  const lostSoon = (): Promise<boolean> => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const grace = new Promise<boolean>((resolve) => (timer = setTimeout(resolve, LOSS_GRACE_MS, false)));
    return Promise.race([lost, grace]).finally(() => clearTimeout(timer));
  };
  return {
    async guarded(attempt) {
      if (failed) throw failed;
      let interrupt!: (error: SessionBroken) => void;
      const interrupted = new Promise<never>((_, reject) => (interrupt = reject));
      interrupts.add(interrupt);
      try {
        return await Promise.race([attempt(), interrupted]);
      } catch (error) {
        if (!failed && lossSymptom(error instanceof TensorlaneError ? error.cause : error)) await lostSoon();
        if (!failed && /failed to call OrtRun\(\)/.test(messageOf(error))) {
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
    },
    explains: async (reason) => failed?.fault.cause === 'device-lost' || (lossSymptom(reason) && (await lostSoon())),
  };
}

/** WebGPU's execution providers for a session on `device`: named outright for the native builds, which take one. */
type HandOver = (ort: OrtModule, adapter: AdapterInfo, device: GpuDevice) => Opened['executionProviders'];

/** JSEP requests its one device from the adapter it is given: it gets the device tensorlane made. */
const toJsep: HandOver = (ort, adapter, device) => {
  ort.env.webgpu.adapter = adapterHandingOver(adapter, device) as typeof ort.env.webgpu.adapter;
  return ['webgpu'];
};
/** The native WebGPU builds take a device per session, in its execution provider's options. */
const toNative: HandOver = (_ort, _adapter, device) => [
  { name: 'webgpu', device: device as unknown as Ort.InferenceSession.WebGpuExecutionProviderOption['device'] },
];

const NATIVE_LACKS = 'the native WebGPU build has no kernels for double, int16/uint16 or ai.onnx.ml operators';

function webgpuEntry(
  importOrt: () => Promise<OrtModule>,
  handOver: HandOver,
  extra: Partial<Pick<BackendEntry, 'lacks' | 'gpuOutputs'>> & { needs?: (env: BackendEnv) => void } = {},
): BackendEntry {
  return {
    ...(extra.lacks ? { lacks: extra.lacks } : {}),
    ...(extra.gpuOutputs ? { gpuOutputs: true } : {}),
    importOrt,
    async prepare(request, env) {
      extra.needs?.(env);
      const gpu = await prepareGpu(request, env.gpu(), env.secure());
      // The session's GPU buffers, counted on the device tensorlane requests for it (stats().memory).
      const counted = { requestDevice: gpu.requestDevice };
      const bytes = countGpuBuffers(counted);
      return {
        adapter: gpu.adapter,
        gpuBufferBytes: bytes,
        async open(ort) {
          const device = await counted.requestDevice();
          return { executionProviders: handOver(ort, gpu.adapter, device), device };
        },
      };
    },
    sessionOptions: extra.gpuOutputs
      ? ({ preferredOutputLocation = 'gpu-buffer', ...common }) => ({ ...common, preferredOutputLocation })
      : (options) => options,
    guard: (device, broken) => guardAbort(device ? guardWebGpu(device, broken) : { guarded: (attempt) => attempt(), explains: async () => false }, broken),
  };
}

/**
 * `'auto'` runs WebGPU on onnxruntime-web's default (JSEP) build: on our test models it was at least as correct as
 * the native engine, which runs more ops on the GPU (LSTM among them, where it has drifted from WASM). The native
 * builds run where named or measured. WASM runs the plain `/wasm` build: half the download of the WebGPU builds and
 * a WASM EP about 2x faster. See the README, "Backends".
 */
export const BACKEND_TABLE: { readonly [E in Engine]: BackendEntry } = {
  jsep: webgpuEntry(() => import('onnxruntime-web'), toJsep, { gpuOutputs: true }),
  native: webgpuEntry(() => import('onnxruntime-web/webgpu'), toNative, { lacks: NATIVE_LACKS }),
  jspi: webgpuEntry(() => import('onnxruntime-web/jspi'), toNative, {
    lacks: NATIVE_LACKS,
    needs: (env) => {
      if (!env.jspi()) {
        throw new AttemptFailed("this browser has no JS Promise Integration (WebAssembly.Suspending), which the jspi build needs; webgpuEngine: 'native' runs the same kernels without it");
      }
    },
  }),
  wasm: {
    importOrt: () => import('onnxruntime-web/wasm'),
    prepare: async () => ({ open: async () => ({ executionProviders: ['wasm'] }) }),
    // Graph capture replays GPU command buffers; GPU-resident outputs exist on WebGPU only.
    sessionOptions: ({ enableGraphCapture, preferredOutputLocation, ...common }) => common,
    guard: (_device, broken) => guardAbort({ guarded: (attempt) => attempt(), explains: async () => false }, broken),
  },
};

/** The browser's environment: each engine's own build, the real `navigator.gpu`. */
export const browserEnv: BackendEnv = {
  importOrt: (engine) => BACKEND_TABLE[engine].importOrt(),
  gpu: () => (globalThis.navigator as { gpu?: GpuLike } | undefined)?.gpu,
  secure: () => globalThis.isSecureContext !== false,
  threading: () => ({
    isolated: (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true,
    cores: globalThis.navigator?.hardwareConcurrency ?? 1,
  }),
  jspi: () => typeof (WebAssembly as { Suspending?: unknown }).Suspending === 'function',
};
