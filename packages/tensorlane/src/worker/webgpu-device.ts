// WebGPU as tensorlane holds it: the adapter each WebGPU engine is prepared on (what it is, whether a software one
// is allowed), and the GPU device tensorlane requests from it for the one session that runs there. The device is
// tensorlane's, not onnxruntime-web's: its loss, limits and features are ours to watch and check, and worker code
// that must work on the model's device (GPU pre-processing) gets it from the built session (`Built.device`).
import { messageOf } from '../errors.js';
import type { AdapterInfo, AdapterLimits } from '../types/backends.js';
import type { LoadRequest } from '../wire/protocol.js';
import { AttemptFailed } from './broken.js';

/** The parts of WebGPU that backend choice needs (structural, so no @webgpu/types dependency). */
export interface GpuLike {
  requestAdapter(options?: { forceFallbackAdapter?: boolean }): Promise<AdapterLike | null>;
}
export interface AdapterLike {
  readonly info?: Partial<Omit<AdapterInfo, 'features' | 'limits'>>;
  readonly isFallbackAdapter?: boolean;
  readonly features?: { has?(feature: string): boolean } & Iterable<string>;
  readonly limits?: Partial<AdapterLimits> & Readonly<Record<string, number | undefined>>;
  requestDevice?(descriptor?: DeviceDescriptor): Promise<GpuDevice>;
}

/** What tensorlane asks a device for: every limit raised to the adapter's, and the optional features the engines use. */
export interface DeviceDescriptor {
  readonly requiredLimits: Readonly<Record<string, number>>;
  readonly requiredFeatures: readonly string[];
  readonly label?: string;
}

/**
 * The GPU device a WebGPU session runs on (a `GPUDevice`, structurally): tensorlane requested it and owns it.
 * Worker code that must share the model's device (GPU pre-processing) takes it from the built session.
 */
export interface GpuDevice {
  readonly lost: Promise<{ readonly reason?: string; readonly message?: string }>;
  readonly features: { has(feature: string): boolean } & Iterable<string>;
  readonly limits: Readonly<Record<string, unknown>>;
  destroy(): void;
}


const SOFTWARE_ADAPTER = /swiftshader|llvmpipe|lavapipe|softpipe|microsoft basic render/i;

/** The optional features they use where the adapter has them: half precision, subgroups, GPU timers. */
const WANTED_FEATURES = ['shader-f16', 'subgroups', 'timestamp-query', 'chromium-experimental-timestamp-query-inside-passes'] as const;

export function adapterInfo(adapter: AdapterLike): AdapterInfo {
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

/** What preparing a WebGPU engine found: the adapter (inspected), and how to get the session's device from it. */
export interface PreparedGpu {
  readonly adapter: AdapterInfo;
  /** Requests the device for one session. @throws AttemptFailed. */
  requestDevice(): Promise<GpuDevice>;
}

/**
 * Finds the adapter a WebGPU engine runs on: `navigator.gpu` in a secure context, an adapter (a software one only
 * when `backend: 'webgpu'` names WebGPU outright or `allowSoftwareAdapter` allows it). Each engine prepares its own:
 * an adapter gives one device.
 * @throws AttemptFailed saying what is missing.
 */
export async function prepareGpu(request: LoadRequest, gpu: GpuLike | undefined, secure: boolean): Promise<PreparedGpu> {
  if (gpu === undefined) {
    throw new AttemptFailed(
      secure
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
  const found = adapter;
  return { adapter: info, requestDevice: () => requestDevice(found, info) };
}

async function requestDevice(adapter: AdapterLike, info: AdapterInfo): Promise<GpuDevice> {
  // Every limit, as the native engine asks for its own device: a kernel may bind more storage buffers, or larger
  // ones, than WebGPU's defaults allow (the native LSTM binds 9 where the default is 8). GPUSupportedLimits exposes
  // its limits as enumerable getters.
  const requiredLimits: Record<string, number> = {};
  for (const name in adapter.limits) {
    const value = adapter.limits[name];
    if (typeof value === 'number') requiredLimits[name] = value;
  }
  const requiredFeatures = WANTED_FEATURES.filter((feature) => info.features.includes(feature));
  if (typeof adapter.requestDevice !== 'function') throw new AttemptFailed(`the WebGPU adapter (${describeAdapter(info)}) cannot request a device`);
  let device: GpuDevice;
  try {
    device = await adapter.requestDevice({ requiredLimits, requiredFeatures, label: 'tensorlane' });
  } catch (error) {
    throw new AttemptFailed(`GPUAdapter.requestDevice() failed on ${describeAdapter(info)}: ${messageOf(error)}`);
  }
  return device;
}

/**
 * The adapter JSEP's build is given (`env.webgpu.adapter`): it requests its one device from it, and gets the device
 * tensorlane made. JSEP ignores a device set in `env.webgpu.device`, and asks for no more than the same limits and
 * features (every limit at the adapter's; WANTED_FEATURES).
 */
export function adapterHandingOver(adapter: AdapterInfo, device: GpuDevice): object {
  return {
    info: { vendor: adapter.vendor, architecture: adapter.architecture, device: adapter.device, description: adapter.description },
    features: device.features,
    limits: device.limits,
    requestDevice: async () => device,
  };
}
