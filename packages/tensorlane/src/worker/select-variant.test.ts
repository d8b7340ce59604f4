import { describe, expect, it } from 'vitest';
import type { LoadRequest, VariantRequest } from '../wire/protocol.js';
import type { AdapterInfo } from '../types/backends.js';
import type { Candidates } from './resolve-backend.js';
import { selectVariant } from './select-variant.js';

const adapter = (features: string[]): AdapterInfo => ({
  vendor: 'acme', architecture: 'rdna', device: '', description: '', isFallbackAdapter: false, features,
  limits: { maxBufferSize: 2 ** 30, maxStorageBufferBindingSize: 2 ** 27 },
});
const onWebGpu = (features: string[]): Candidates => ({
  candidates: [{ engine: 'jsep', prepared: { open: async () => ({ executionProviders: ['webgpu'] }), adapter: adapter(features) } }],
  fallback: [],
});
const wasmOnly: Candidates = {
  candidates: [{ engine: 'wasm', prepared: { open: async () => ({ executionProviders: ['wasm'] }) } }],
  fallback: [{ backend: 'webgpu', engine: 'jsep', reason: 'no WebGPU adapter (navigator.gpu.requestAdapter() returned null)' }],
};
const request = (model: VariantRequest[]) => ({ model, backend: 'auto' }) as unknown as LoadRequest;
const f16: VariantRequest = { model: 'https://x.test/net-f16.onnx', requires: ['shader-f16'], integrity: 'sha256-f16', externalData: [{ path: 'a.data', data: 'https://x.test/a.data' }] };
const f32: VariantRequest = { model: 'https://x.test/net-f32.onnx', requires: [] };

describe('selectVariant', () => {
  it('should take the first variant whose requires the adapter offers, with its own integrity and external data', () => {
    expect(selectVariant(request([f16, f32]), onWebGpu(['shader-f16', 'subgroups']))).toMatchObject({
      model: f16.model, integrity: 'sha256-f16', externalData: f16.externalData,
    });
    const plain = selectVariant(request([f16, f32]), onWebGpu(['subgroups']));
    expect(plain.model).toBe(f32.model);
    expect(plain).not.toHaveProperty('integrity');
  });

  it('should pass a single model through as it is', () => {
    const single = { model: 'https://x.test/net.onnx', backend: 'auto' } as LoadRequest;
    expect(selectVariant(single, wasmOnly)).toBe(single);
  });

  it('should reject with BACKEND_UNAVAILABLE naming what each variant lacks and why there is no adapter', () => {
    expect(() => selectVariant(request([f16]), onWebGpu(['subgroups']))).toThrow(
      expect.objectContaining({
        code: 'BACKEND_UNAVAILABLE',
        message: 'no model variant fits this device: variant 0 ("https://x.test/net-f16.onnx") requires shader-f16, which the WebGPU adapter (acme rdna) lacks',
        details: { variants: [{ url: f16.model, missing: ['shader-f16'] }] },
      }),
    );
    expect(() => selectVariant(request([f16, { ...f16, requires: ['shader-f16', 'subgroups'] }]), wasmOnly)).toThrow(
      'no model variant fits this device: variant 0 ("https://x.test/net-f16.onnx") requires shader-f16; variant 1 ("https://x.test/net-f16.onnx") requires shader-f16, subgroups, but no WebGPU adapter is in use (webgpu/jsep: no WebGPU adapter (navigator.gpu.requestAdapter() returned null))',
    );
  });
});
