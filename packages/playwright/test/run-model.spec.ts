// runModel on the kit's bare model page: the installed tensorlane in real Chromium, outputs back with their dtypes.
import { TensorlaneError } from 'tensorlane';
import { expect, runModel, test } from '../src/index.ts';
import { buildMlp, mlpReference, seededFloats } from '../../../test/models/zoo.ts';

const x = () => ({ type: 'float32' as const, data: seededFloats(2 * 256, 7), dims: [2, 256] });

test('should run a model on WebGPU and return its outputs, backend, adapter and stats', async ({ gpu, modelPage }) => {
  const run = await runModel(modelPage, { model: '/models/mlp.onnx', inputs: { x: x() }, backend: 'webgpu' });
  expect(run).toMatchObject({ backend: 'webgpu', fallback: [], warnings: [] });
  const { vendor, architecture, isFallbackAdapter } = gpu.worker.available ? gpu.worker.adapter : ({} as never);
  expect(run.adapter).toMatchObject({ vendor, architecture, isFallbackAdapter });
  expect(run.metadata.inputs).toEqual([{ name: 'x', type: 'float32', dims: ['batch', 256] }]);
  expect(run.stats.requests).toEqual({ submitted: 1, resolved: 1, rejected: 0, pending: 0 });
  expect(run.outputs['y']).toBeCloseToTensor({ type: 'float32', data: mlpReference(x().data), dims: [2, 10] }, { atol: 1e-3, rtol: 1e-3 });
});

test('should run model bytes sent from the test on WASM', async ({ modelPage }) => {
  const run = await runModel(modelPage, { model: buildMlp(), inputs: { x: x() }, backend: 'wasm' });
  expect(run.backend).toBe('wasm');
  expect(run.outputs['y']).toBeCloseToTensor(mlpReference(x().data), { atol: 1e-5 });
});

test('should bring int64, uint64, bool and float16 outputs back with their dtypes and exact values', async ({ modelPage }) => {
  const inputs = {
    in_int64: { type: 'int64' as const, data: BigInt64Array.of(-(2n ** 60n), 1n, 2n, 3n), dims: [2, 2] },
    in_uint64: { type: 'uint64' as const, data: BigUint64Array.of(2n ** 63n, 1n, 2n, 3n), dims: [2, 2] },
    in_bool: { type: 'bool' as const, data: Uint8Array.of(1, 0, 0, 1), dims: [2, 2] },
    in_float16: { type: 'float16' as const, data: Uint16Array.of(0x3800, 0xc000, 0x7bff, 0x7e00), dims: [2, 2] }, // 0.5, -2, 65504, NaN
    in_float64: { type: 'float64' as const, data: Float64Array.of(Math.PI, 1, 2, 3), dims: [2, 2] },
  };
  const others = ['float32', 'int8', 'uint8', 'int16', 'uint16', 'int32', 'uint32'] as const;
  const small = { float32: Float32Array, int8: Int8Array, uint8: Uint8Array, int16: Int16Array, uint16: Uint16Array, int32: Int32Array, uint32: Uint32Array };
  const feeds = { ...inputs, ...Object.fromEntries(others.map((t) => [`in_${t}`, { type: t, data: small[t].of(1, 2, 3, 4), dims: [2, 2] }])) };
  const { outputs } = await runModel(modelPage, { model: '/models/dtypes.onnx', inputs: feeds, backend: 'wasm' });
  const classOf = (name: string) => outputs[name]!.data.constructor.name;
  expect([classOf('out_int64'), classOf('out_uint64'), classOf('out_bool'), classOf('out_float16')]).toEqual(['BigInt64Array', 'BigUint64Array', 'Uint8Array', 'Uint16Array']);
  expect(outputs['out_int64']).toBeCloseToTensor(inputs.in_int64);
  expect(outputs['out_uint64']).toBeCloseToTensor(inputs.in_uint64);
  expect(outputs['out_bool']).toBeCloseToTensor(inputs.in_bool);
  expect(outputs['out_float16']).toBeCloseToTensor([0.5, -2, 65504, NaN], { equalNaN: true });
  expect(outputs['out_float64']).toBeCloseToTensor(inputs.in_float64, { atol: 0, rtol: 0 });
});

test('should throw tensorlane\'s error, code, details and cause included, when the page rejects', async ({ modelPage }) => {
  const missing = runModel(modelPage, { model: '/models/missing.onnx', inputs: {}, backend: 'wasm' });
  await expect(missing).rejects.toBeInstanceOf(TensorlaneError);
  const url = new URL('/models/missing.onnx', modelPage.url()).href;
  await expect(missing).rejects.toMatchObject({ name: 'TensorlaneError', code: 'MODEL_FETCH_FAILED', details: { url, status: 404 } });

  const invalid = runModel(modelPage, { model: Uint8Array.of(1, 2, 3), inputs: {}, backend: 'wasm' });
  await expect(invalid).rejects.toMatchObject({ code: 'MODEL_INVALID', details: undefined, cause: { message: expect.stringMatching(/\S/) } });
});

test('should say how to expose tensorlane when the page under test does not', async ({ page }) => {
  await page.goto('about:blank');
  await expect(runModel(page, { model: '/models/mlp.onnx', inputs: {} })).rejects.toThrow(
    "window.tensorlane is not the tensorlane module (it is undefined): have the app expose it in its test build (window.tensorlane = await import('tensorlane')), or run on the kit's modelPage",
  );
});
