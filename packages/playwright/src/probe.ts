// The WebGPU probe that runs inside the browser, in a page and in a worker. probeWebGpu is sent as source text
// (page.evaluate, and the probe worker's script), so it must not use anything from outside its own body.
import type { AdapterInfo, AdapterLimits } from 'tensorlane';

/**
 * The WebGPU adapter a page or worker got: what `GPUAdapterInfo` says, its features and the limits that bound model
 * sizes and kernels.
 * @example
 * ```ts
 * import { test } from '@tensorlane/playwright';
 *
 * test('reports the adapter', async ({ gpu }) => {
 *   if (gpu.page.available) console.log(gpu.page.adapter.limits.maxBufferSize);
 * });
 * ```
 */
export interface AdapterReport extends Omit<AdapterInfo, 'limits'> {
  /** tensorlane's {@link AdapterLimits}, and `maxStorageBuffersPerShaderStage`, the compute workgroup limits and a few more. */
  readonly limits: AdapterLimits & Readonly<Record<string, number>>;
}

/**
 * What the probe found in one place (a page or a worker): an adapter, or why there is none.
 * @example
 * ```ts
 * import type { AdapterProbe } from '@tensorlane/playwright';
 *
 * const describe = (p: AdapterProbe) => (p.available ? `${p.adapter.vendor} ${p.adapter.architecture}` : p.reason);
 * ```
 */
export type AdapterProbe = { readonly available: true; readonly adapter: AdapterReport } | { readonly available: false; readonly reason: string };

/** Asks `navigator.gpu` for an adapter where it runs (page or worker) and describes it, or says why there is none. */
export async function probeWebGpu(): Promise<AdapterProbe> {
  const KEY_LIMITS = [
    'maxBufferSize', 'maxStorageBufferBindingSize', 'maxStorageBuffersPerShaderStage', 'maxComputeWorkgroupStorageSize',
    'maxComputeInvocationsPerWorkgroup', 'maxComputeWorkgroupSizeX', 'maxComputeWorkgroupsPerDimension',
  ];
  type Adapter = {
    features: Iterable<string>;
    limits: Record<string, number>;
    info?: Record<string, unknown>;
    isFallbackAdapter?: boolean;
  };
  const scope = globalThis as unknown as { navigator: { gpu?: { requestAdapter(): Promise<Adapter | null> } }; isSecureContext: boolean; location: { origin: string } };
  const gpu = scope.navigator.gpu;
  if (gpu === undefined) {
    return {
      available: false,
      reason: scope.isSecureContext
        ? 'navigator.gpu is undefined (this browser has no WebGPU, or it is turned off)'
        : `navigator.gpu is undefined: ${scope.location.origin} is not a secure context (serve the page from https, localhost or 127.0.0.1)`,
    };
  }
  // Chrome may answer null while its GPU process is still coming up: on Linux with Vulkan and no GPU, 3 of 16 fresh
  // browsers (two launched at once) got null, and each got SwiftShader 500 ms later. So null is asked again, twice.
  let adapter: Adapter | null | 'timeout' = null;
  try {
    for (let attempt = 0; attempt < 3 && adapter === null; attempt++) {
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 500));
      adapter = await Promise.race([gpu.requestAdapter(), new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 15_000))]);
    }
  } catch (error) {
    return { available: false, reason: `navigator.gpu.requestAdapter() threw ${String(error)}` };
  }
  if (adapter === 'timeout') return { available: false, reason: 'navigator.gpu.requestAdapter() did not settle within 15 s' };
  if (adapter === null) return { available: false, reason: 'navigator.gpu.requestAdapter() returned null (asked 3 times, 500 ms apart)' };
  const info = adapter.info ?? {};
  const text = (key: string) => (typeof info[key] === 'string' ? (info[key] as string) : '');
  // As tensorlane reports them: 0 where the adapter leaves one of its two limits out.
  const limits: AdapterLimits & Record<string, number> = { maxBufferSize: 0, maxStorageBufferBindingSize: 0 };
  for (const key of KEY_LIMITS) if (typeof adapter.limits[key] === 'number') limits[key] = adapter.limits[key];
  const vendor = text('vendor');
  const architecture = text('architecture');
  const description = text('description');
  return {
    available: true,
    adapter: {
      vendor,
      architecture,
      device: text('device'),
      description,
      // GPUAdapterInfo.isFallbackAdapter since Chrome 136; GPUAdapter.isFallbackAdapter before; else the names, by
      // the regex of tensorlane's SOFTWARE_ADAPTER (packages/tensorlane/src/worker/backend-table.ts), inlined: this
      // function is sent as source text and cannot import.
      isFallbackAdapter: Boolean(
        info['isFallbackAdapter'] ??
          adapter.isFallbackAdapter ??
          /swiftshader|llvmpipe|lavapipe|softpipe|microsoft basic render/i.test(`${vendor} ${architecture} ${description}`),
      ),
      features: [...adapter.features].sort(),
      limits,
    },
  };
}
