// The WebGPU engines in Node, where there is no WebGPU: which engines a request names, the device tensorlane hands
// each engine, the fall-through from an engine whose build lacks an operator or float16, and the option's checks.
// Stand-ins for the GPU and, where a session must fail as the native build fails, for onnxruntime-web; real
// onnxruntime-web (WASM) everywhere else. The engines on real WebGPU: e2e/engines.spec.ts, e2e/conformance.spec.ts.
import type * as Ort from 'onnxruntime-web';
import { describe, expect, it } from 'vitest';
import { createSession } from '../packages/tensorlane/src/index.ts';
import type { LoadRequest } from '../packages/tensorlane/src/wire/protocol.ts';
import { browserEnv, type BackendEnv, type GpuDevice } from '../packages/tensorlane/src/worker/backend-table.ts';
import { usesFloat16 } from '../packages/tensorlane/src/worker/float16.ts';
import { enginesOf, resolveBackend } from '../packages/tensorlane/src/worker/resolve-backend.ts';
import { MODELS } from './models/zoo.ts';
import { readTextDirection } from './models/pretrained.ts';
import { portWorker } from './node-worker.ts';

/** A stand-in GPU: one adapter per request, each making one device, with `features`; the devices made are kept. */
function standInGpu(features: readonly string[] = ['shader-f16']) {
  const devices: Array<GpuDevice & { destroyed: boolean }> = [];
  const adapter = () => ({
    info: { vendor: 'test', architecture: 'stand-in', device: '1', description: '', isFallbackAdapter: false },
    features: new Set(features),
    limits: { maxBufferSize: 2 ** 30, maxStorageBufferBindingSize: 2 ** 27, maxStorageBuffersPerShaderStage: 10 },
    requestDevice: async (descriptor?: unknown) => {
      const device = {
        descriptor, destroyed: false, lost: new Promise<never>(() => undefined), features: new Set(features), limits: {},
        destroy: () => void (device.destroyed = true),
      };
      devices.push(device);
      return device;
    },
  });
  return { gpu: () => ({ requestAdapter: async () => adapter() }), devices };
}

/**
 * An environment on the stand-in GPU whose engines' builds are WASM; `failOn` engines fail session creation with
 * `message`. Records what each session was created with.
 */
function engineEnv({ failOn = [], message = '', features }: { failOn?: readonly string[]; message?: string; features?: readonly string[] } = {}) {
  const { gpu, devices } = standInGpu(features);
  const created: Array<{ engine: string; options: Ort.InferenceSession.SessionOptions; adapter: unknown }> = [];
  const env: BackendEnv = {
    ...browserEnv,
    gpu,
    jspi: () => true,
    async importOrt(engine) {
      const ort = await browserEnv.importOrt('wasm');
      const create = async (model: Uint8Array, options: Ort.InferenceSession.SessionOptions) => {
        created.push({ engine, options, adapter: ort.env.webgpu.adapter });
        if (failOn.includes(engine)) throw new Error(message);
        return ort.InferenceSession.create(model, { ...options, executionProviders: ['wasm'] });
      };
      return { ...ort, InferenceSession: { ...ort.InferenceSession, create } } as unknown as typeof ort;
    },
  };
  return { env, devices, created };
}

const request = (overrides: Partial<LoadRequest>): LoadRequest =>
  ({ model: new Uint8Array(1), backend: 'auto', webgpuEngine: 'auto', allowSoftwareAdapter: false, ...overrides }) as LoadRequest;

describe('the WebGPU engines', () => {
  it('should name JSEP for WebGPU under auto, every engine under fastest, and only the engine named otherwise', () => {
    expect(enginesOf(request({}))).toEqual(['jsep', 'wasm']);
    expect(enginesOf(request({ backend: 'webgpu' }))).toEqual(['jsep']);
    expect(enginesOf(request({ backend: 'fastest' }))).toEqual(['jsep', 'native', 'jspi', 'wasm']);
    expect(enginesOf(request({ webgpuEngine: 'native' }))).toEqual(['native', 'wasm']);
    expect(enginesOf(request({ backend: 'webgpu', webgpuEngine: 'jspi' }))).toEqual(['jspi']);
    expect(enginesOf(request({ backend: 'fastest', webgpuEngine: 'native' }))).toEqual(['native', 'wasm']);
    expect(enginesOf(request({ backend: 'wasm', webgpuEngine: 'native' }))).toEqual(['wasm']);
  });

  it("should give each engine a device tensorlane made: native in its execution provider's options, JSEP through its adapter", async () => {
    for (const engine of ['jsep', 'native', 'jspi'] as const) {
      const { env, devices, created } = engineEnv();
      const built = await resolveBackend({ bytes: MODELS['mlp.onnx']() }, request({ backend: 'webgpu', webgpuEngine: engine }), env, 1);
      expect(built).toMatchObject({ backend: 'webgpu', engine, fallback: [] });
      expect(devices).toHaveLength(1);
      expect(built.device).toBe(devices[0]);
      // Every limit raised to the adapter's (the native LSTM binds more storage buffers than the default 8); the
      // features the engines use, where the adapter has them.
      expect(devices[0]).toMatchObject({
        descriptor: { requiredLimits: { maxBufferSize: 2 ** 30, maxStorageBufferBindingSize: 2 ** 27, maxStorageBuffersPerShaderStage: 10 }, requiredFeatures: ['shader-f16'] },
      });
      const { options, adapter } = created[0]!;
      if (engine === 'jsep') {
        expect(options.executionProviders).toEqual(['webgpu']);
        expect(await (adapter as { requestDevice(): Promise<unknown> }).requestDevice()).toBe(devices[0]);
      } else {
        expect(options.executionProviders).toEqual([{ name: 'webgpu', device: devices[0] }]);
      }
      await built.session.release();
    }
  });

  it("should fall through to WASM, saying what the native build lacks, when it has no kernel for the model's operator", async () => {
    // The native build's message for ai.onnx.ml's Binarizer (jspi's says ERROR_CODE: 10, an invalid model).
    const message = 'Can\'t create a session. ERROR_CODE: 10, ERROR_MESSAGE: This is an invalid model. Error No Op registered for Binarizer with domain_version of 3';
    const { env, devices } = engineEnv({ failOn: ['native'], message });
    const built = await resolveBackend({ bytes: MODELS['mlp.onnx']() }, request({ webgpuEngine: 'native' }), env, 1);
    expect(built.engine).toBe('wasm');
    expect(built.fallback).toEqual([
      { backend: 'webgpu', engine: 'native', reason: `session creation failed: ${message} (the native WebGPU build has no kernels for double, int16/uint16 or ai.onnx.ml operators)` },
    ]);
    expect(devices.map((d) => d.destroyed)).toEqual([true]); // the failed attempt's device went with it
    await built.session.release();
    // JSEP's build has the operator: the same message from it is the model's fault.
    const jsep = engineEnv({ failOn: ['jsep'], message });
    await expect(resolveBackend({ bytes: MODELS['mlp.onnx']() }, request({}), jsep.env, 1)).rejects.toMatchObject({ code: 'MODEL_INVALID' });
  });

  it('should not build a float16 model on a device without shader-f16, and run it on WASM instead, saying why', async () => {
    const { env, devices, created } = engineEnv({ features: ['subgroups'] });
    const built = await resolveBackend({ bytes: MODELS['half.onnx'](), label: 'model "half.onnx"' }, request({ allowSoftwareAdapter: true }), env, 1);
    expect(built.engine).toBe('wasm');
    expect(built.fallback).toEqual([{
      backend: 'webgpu', engine: 'jsep',
      reason: `model "half.onnx" computes in float16, which this WebGPU device cannot (the adapter, test stand-in, has no shader-f16): give a float32 variant (model: [{ url, requires: ['shader-f16'] }, { url }]) or run it on WASM`,
    }]);
    expect(created.map((c) => c.engine)).toEqual(['wasm']); // no WebGPU session was even attempted
    expect(devices.map((d) => d.destroyed)).toEqual([true]);
    await built.session.release();
    // Named outright, WebGPU rejects with the reason rather than crash or compute zeros.
    await expect(
      createSession({ model: MODELS['half.onnx'](), backend: 'webgpu', webgpuEngine: 'native', worker: portWorker(engineEnv({ features: [] }).env) }),
    ).rejects.toMatchObject({ code: 'BACKEND_UNAVAILABLE', message: expect.stringMatching(/^no backend could run the model: webgpu\/native: the model computes in float16, which this WebGPU device cannot/) });
  });

  it('should tell which models compute in float16, from their bytes', () => {
    const half = Object.entries(MODELS).filter(([, build]) => usesFloat16(build())).map(([name]) => name);
    expect(half).toEqual(['dtypes.onnx', 'half.onnx', 'pictures.onnx']); // a float16 input; a Cast to float16; a float16 input
    expect(usesFloat16(readTextDirection())).toBe(false);
    expect(usesFloat16(new Uint8Array([0xff, 0xff, 0xff]))).toBe(false);
  });

  it('should report the engine on the session, and reject an unknown webgpuEngine naming the choices', async () => {
    await using session = await createSession({ model: MODELS['mlp.onnx'](), backend: 'wasm', worker: portWorker() });
    expect(session.engine).toBe('wasm');
    await expect(createSession({ model: MODELS['mlp.onnx'](), webgpuEngine: 'webgpu' as never, worker: portWorker() })).rejects.toMatchObject({
      code: 'INVALID_OPTIONS',
      message: 'option "webgpuEngine" is "webgpu"; expected "auto" | "jsep" | "native" | "jspi"',
    });
  });
});
