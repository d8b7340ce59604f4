// @tensorlane/playwright's runModel in the app's own build: the harness page (built by Vite, as an app is) exposes
// its tensorlane at window.harness.tensorlane; the kit loads the model there and brings the outputs back.
import { runModel } from '@tensorlane/playwright';
import { expect, test } from './fixtures.ts';
import { mlpReference, seededFloats } from '../test/models/zoo.ts';

const x = () => ({ type: 'float32' as const, data: seededFloats(3 * 256, 5), dims: [3, 256] });

test('should run a model in the app\'s own build on WebGPU and match the reference', async ({ gpu, harness }) => {
  const run = await runModel(harness, { tensorlane: 'harness.tensorlane', model: 'models/mlp.onnx', inputs: { x: x() }, backend: 'webgpu' });
  expect(run).toMatchObject({ backend: 'webgpu', fallback: [], adapter: { isFallbackAdapter: gpu.worker.available && gpu.worker.adapter.isFallbackAdapter } });
  expect(run.outputs['y']).toBeCloseToTensor({ type: 'float32', data: mlpReference(x().data), dims: [3, 10] }, { atol: 1e-3, rtol: 1e-3 });
});

test('should bring int64 and float16 outputs of the app\'s build back with their dtypes', async ({ harness }) => {
  const inputs = Object.fromEntries(
    [
      ['float32', Float32Array.of(1, 2)], ['float64', Float64Array.of(1, 2)], ['float16', Uint16Array.of(0x3c00, 0xfc00)],
      ['int8', Int8Array.of(1, 2)], ['uint8', Uint8Array.of(1, 2)], ['int16', Int16Array.of(1, 2)], ['uint16', Uint16Array.of(1, 2)],
      ['int32', Int32Array.of(1, 2)], ['uint32', Uint32Array.of(1, 2)], ['int64', BigInt64Array.of(-(2n ** 62n), 2n)],
      ['uint64', BigUint64Array.of(2n ** 64n - 1n, 2n)], ['bool', Uint8Array.of(1, 0)],
    ].map(([type, data]) => [`in_${type as string}`, { type, data, dims: [1, 2] }]),
  ) as never;
  const { outputs } = await runModel(harness, { tensorlane: 'harness.tensorlane', model: 'models/dtypes.onnx', inputs, backend: 'wasm' });
  expect(outputs['out_int64']).toBeCloseToTensor({ type: 'int64', data: BigInt64Array.of(-(2n ** 62n), 2n), dims: [1, 2] });
  expect(outputs['out_uint64']).toBeCloseToTensor({ type: 'uint64', data: BigUint64Array.of(2n ** 64n - 1n, 2n), dims: [1, 2] });
  expect(outputs['out_float16']).toBeCloseToTensor({ type: 'float16', data: Uint16Array.of(0x3c00, 0xfc00), dims: [1, 2] }); // 1, -Infinity
  expect(outputs['out_bool']).toBeCloseToTensor([true, false]);
});
