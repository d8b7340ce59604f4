// The public types of backends: the names tensorlane can run on, in the order `backend: 'auto'` tries them (the
// `Backend` type and the option check derive from that list; worker/backend-table.ts holds one entry per name), and
// what backend choice reports: the backends tried and not used, the WebGPU adapter (features, limits), how
// `backend: 'fastest'` measures (`calibration`), the model variants chosen by the adapter's features, and what a
// session reports of its choice. Both threads use the report types. Each backend runs on one or more engines (the
// onnxruntime-web builds: JSEP, native and JSPI WebGPU, WASM); worker/backend-table.ts holds one entry per engine.
// Adding a backend or an engine is a name here plus an entry in the backend table.

/** Every backend, in the order `'auto'` tries them. */
export const BACKENDS = ['webgpu', 'wasm'] as const;

/**
 * The backends tensorlane can run on: `'webgpu'` or `'wasm'`.
 * @example
 * ```ts
 * import type { Backend } from 'tensorlane';
 *
 * const backend: Backend = session.backend; // 'webgpu' or 'wasm'
 * ```
 */
export type Backend = (typeof BACKENDS)[number];

/**
 * Every engine: the onnxruntime-web build, and its execution provider, that runs a model. On WebGPU: `'jsep'`
 * (`onnxruntime-web`, JavaScript WebGPU kernels, deprecated upstream and frozen to bug fixes), `'native'`
 * (`onnxruntime-web/webgpu`, the C++ WebGPU execution provider, where onnxruntime's new work goes) and `'jspi'` (the
 * same native provider, built with JS Promise Integration: a smaller wasm, where the browser has
 * `WebAssembly.Suspending`). On WASM: `'wasm'` (`onnxruntime-web/wasm`).
 */
export const ENGINES = ['jsep', 'native', 'jspi', 'wasm'] as const;

/**
 * The engine that runs a model: which onnxruntime-web build (see {@link SessionOptions.webgpuEngine}).
 * @example
 * ```ts
 * import type { Engine } from 'tensorlane';
 *
 * const engine: Engine = session.engine; // 'jsep', 'native' or 'jspi' on WebGPU, 'wasm' on WASM
 * ```
 */
export type Engine = (typeof ENGINES)[number];

/**
 * The engines that run WebGPU.
 * @example
 * ```ts
 * import { createSession, type WebGpuEngine } from 'tensorlane';
 *
 * const webgpuEngine: WebGpuEngine = 'native';
 * const session = await createSession({ model: '/models/net.onnx', backend: 'webgpu', webgpuEngine });
 * ```
 */
export type WebGpuEngine = Exclude<Engine, 'wasm'>;

/**
 * What `createSession`'s `webgpuEngine` option takes: an engine, or `'auto'` (see {@link SessionOptions.webgpuEngine}).
 * @example
 * ```ts
 * import type { WebGpuEngineOption } from 'tensorlane';
 *
 * const webgpuEngine: WebGpuEngineOption = navigator.userAgent.includes('Chrome') ? 'jspi' : 'auto';
 * ```
 */
export type WebGpuEngineOption = 'auto' | WebGpuEngine;

/** The backend each engine runs on. */
export const ENGINE_BACKEND: { readonly [E in Engine]: Backend } = { jsep: 'webgpu', native: 'webgpu', jspi: 'webgpu', wasm: 'wasm' };

/** How messages name an engine: `webgpu/jsep`, `webgpu/native`, `webgpu/jspi`, `wasm`. */
export const engineLabel = (engine: Engine): string => (engine === 'wasm' ? 'wasm' : `${ENGINE_BACKEND[engine]}/${engine}`);

/**
 * How a backend is chosen, beside naming one: `'auto'` takes the first of {@link BACKENDS} that runs here;
 * `'fastest'` measures this model on each one that runs here and keeps the faster.
 */
export const BACKEND_MODES = ['auto', 'fastest'] as const;

/**
 * What `createSession`'s `backend` option takes: `'auto'` or `'fastest'`, ways to choose a backend, or a
 * {@link Backend} by name (see {@link SessionOptions.backend}).
 * @example
 * ```ts
 * import { createSession, type BackendOption } from 'tensorlane';
 *
 * const backend: BackendOption = new URLSearchParams(location.search).has('gpu') ? 'webgpu' : 'auto';
 * const session = await createSession({ model: '/models/net.onnx', backend });
 * ```
 */
export type BackendOption = (typeof BACKEND_MODES)[number] | Backend;

/**
 * A backend that was tried and not used, and why.
 * @example
 * ```ts
 * import type { FallbackAttempt } from 'tensorlane';
 *
 * for (const { backend, reason } of session.fallback satisfies readonly FallbackAttempt[]) {
 *   console.warn(`${backend} not used: ${reason}`); // e.g. 'webgpu not used: no WebGPU adapter (…)'
 * }
 * ```
 */
export interface FallbackAttempt {
  /** The backend tried. */
  readonly backend: Backend;
  /** The engine tried (several WebGPU engines may be, each with its reason). Always set by tensorlane. */
  readonly engine?: Engine;
  /** Why it was not used, in one line. */
  readonly reason: string;
}

/**
 * What the WebGPU adapter in use reported about itself (`GPUAdapterInfo`); browsers may leave fields empty.
 * @example
 * ```ts
 * import type { AdapterInfo } from 'tensorlane';
 *
 * const adapter: AdapterInfo | undefined = session.adapter;
 * if (adapter?.isFallbackAdapter) console.warn(`software WebGPU: ${adapter.vendor} ${adapter.architecture}`);
 * ```
 */
export interface AdapterInfo {
  /** The GPU's vendor, e.g. `'nvidia'`. */
  readonly vendor: string;
  /** The GPU family, e.g. `'ampere'`, `'swiftshader'`. */
  readonly architecture: string;
  /** A vendor-specific device identifier. */
  readonly device: string;
  /** A human-readable description of the adapter. */
  readonly description: string;
  /** True for software adapters such as SwiftShader. */
  readonly isFallbackAdapter: boolean;
  /** The optional WebGPU features it offers (`GPUAdapter.features`), e.g. `'shader-f16'`, sorted. */
  readonly features: readonly string[];
  /** The limits that bound a model's size on it. */
  readonly limits: AdapterLimits;
}

/**
 * The WebGPU adapter limits that bound a model: how large one buffer, and one binding of it, may be (in bytes).
 * @example
 * ```ts
 * import type { AdapterLimits } from 'tensorlane';
 *
 * const limits: AdapterLimits | undefined = session.adapter?.limits;
 * if (limits && limits.maxStorageBufferBindingSize < 512 * 2 ** 20) console.warn('weights over 512 MiB will not bind');
 * ```
 */
export interface AdapterLimits {
  /** The largest buffer, in bytes (`GPUAdapter.limits.maxBufferSize`). */
  readonly maxBufferSize: number;
  /** The largest storage buffer binding, in bytes: the largest tensor a kernel can read or write at once. */
  readonly maxStorageBufferBindingSize: number;
}

/**
 * One variant of a model, for {@link SessionOptions.model}: its URL, and the WebGPU features the device must have
 * to load it. Variants are tried in order; the first whose `requires` the WebGPU adapter in use has is loaded.
 * @example
 * ```ts
 * import { createSession, type ModelVariant } from 'tensorlane';
 *
 * const model: ModelVariant[] = [
 *   { url: '/models/net-fp16.onnx', requires: ['shader-f16'] }, // where the GPU computes in half precision
 *   { url: '/models/net-fp32.onnx' }, // everywhere else
 * ];
 * const session = await createSession({ model });
 * console.log(session.model); // the URL loaded, e.g. 'https://example.com/models/net-fp32.onnx'
 * ```
 */
export interface ModelVariant {
  /** The model's URL, relative to the page. */
  url: string | URL;
  /**
   * WebGPU features (`GPUFeatureName`s such as `'shader-f16'`) the adapter must offer. A variant that requires any
   * loads only where a WebGPU adapter is used (not under `backend: 'wasm'`, nor on a software adapter `'auto'` skips).
   * @defaultValue `[]`: fits everywhere
   */
  requires?: readonly string[];
  /** The SRI digest its bytes must have, as {@link SessionOptions.integrity} (which variants do not take). */
  integrity?: string;
}

/**
 * Options of {@link SessionOptions.calibration}: how `backend: 'fastest'` measures.
 * @example
 * ```ts
 * import { createSession, type CalibrationOptions } from 'tensorlane';
 *
 * const calibration: CalibrationOptions = { budgetMs: 2000, runs: 5 };
 * const session = await createSession({ model: '/models/net.onnx', backend: 'fastest', calibration });
 * console.log(session.selection?.reason); // e.g. 'wasm: 0.21 ms vs webgpu 1.9 ms a run at batch 1 (median of 5)'
 * ```
 */
export interface CalibrationOptions {
  /**
   * The most time measuring may take, in ms, from the first measuring run: a backend whose run has not finished
   * when it is spent stops being measured (it loses, unless nothing finished a run). The sessions' creation is not
   * counted, nor is the run in flight, which keeps going in the background until it ends and its session is released.
   * @defaultValue `5000`
   */
  budgetMs?: number;
  /**
   * Timed runs per backend and batch size, after one untimed run each (shader compilation, memory planning).
   * @defaultValue `7`
   */
  runs?: number;
  /**
   * Store the choice in the Cache API (cache `'tensorlane-backends'`), keyed by the model's digest, the WebGPU
   * adapter, the browser, the batch sizes, the WebAssembly threads and the tensorlane and onnxruntime-web versions,
   * and reuse it next time without measuring. See {@link listBackendChoices}, {@link deleteBackendChoices}.
   * @defaultValue `true`
   */
  remember?: boolean;
}

/**
 * How `backend: 'fastest'` chose: the backend, why, the median time a run took on each backend at each batch size
 * measured, and whether the choice was remembered from an earlier load of this model on this device.
 * @example
 * ```ts
 * import { createSession, type BackendSelection } from 'tensorlane';
 *
 * const session = await createSession({ model: '/models/net.onnx', backend: 'fastest' });
 * const { chosen, reason, timings, fromCache }: BackendSelection = session.selection!;
 * // 'wasm', 'wasm: 0.21 ms vs webgpu 1.9 ms a run at batch 1 (median of 7)', { wasm: { 1: 0.21 }, webgpu: { 1: 1.9 } }, false
 * ```
 */
export interface BackendSelection {
  /** The backend kept: the same as `session.backend`. */
  readonly chosen: Backend;
  /** The engine kept: the same as `session.engine`. Always set by tensorlane. */
  readonly engine?: Engine;
  /** Why, in one line, e.g. `'wasm: 0.21 ms vs webgpu 1.9 ms a run at batch 1 (median of 7)'`. */
  readonly reason: string;
  /**
   * Median ms per run, by backend and batch size; a backend that was not measured is absent. With several WebGPU
   * engines measured, `webgpu` holds the fastest one's (`engineTimings` has each).
   */
  readonly timings: BackendTimings;
  /** Median ms per run, by engine and batch size, as measured; an engine that was not measured is absent. */
  readonly engineTimings?: EngineTimings;
  /** True when the choice was read from the stored choices (no measuring runs); the rest is as stored. */
  readonly fromCache: boolean;
}

/**
 * Median ms per run, by backend and then by batch size, as `backend: 'fastest'` measured them.
 * @example
 * ```ts
 * import type { BackendTimings } from 'tensorlane';
 *
 * const timings: BackendTimings = session.selection?.timings ?? {};
 * const ratio = timings.webgpu && timings.wasm ? timings.webgpu[1]! / timings.wasm[1]! : undefined; // webgpu/wasm at batch 1
 * ```
 */
export type BackendTimings = { readonly [B in Backend]?: Readonly<Record<number, number>> };

/**
 * Median ms per run, by engine and then by batch size, as `backend: 'fastest'` measured them.
 * @example
 * ```ts
 * import type { EngineTimings } from 'tensorlane';
 *
 * const timings: EngineTimings = session.selection?.engineTimings ?? {};
 * const ratio = timings.native && timings.jsep ? timings.native[1]! / timings.jsep[1]! : undefined; // native/jsep at batch 1
 * ```
 */
export type EngineTimings = { readonly [E in Engine]?: Readonly<Record<number, number>> };

/**
 * What measuring cost at load (`backend: 'fastest'`): runs made and ms they took; both 0 when the choice was
 * remembered or only one backend could run.
 * @example
 * ```ts
 * import { createSession } from 'tensorlane';
 *
 * const session = await createSession({ model: '/models/net.onnx', backend: 'fastest' });
 * const { calibration } = await session.stats(); // { runs: 16, ms: 412.5 }, then { runs: 0, ms: 0 } on later loads
 * ```
 */
export interface CalibrationInfo {
  /** Measuring runs, on every backend together (untimed first runs included). */
  readonly runs: number;
  /** Their time together, in ms. */
  readonly ms: number;
}
