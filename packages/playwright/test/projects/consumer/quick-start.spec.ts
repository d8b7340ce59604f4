import { test, expect, runModel, webgpu } from '@tensorlane/playwright';
test.use({ ...webgpu({ adapter: 'software' }), modelDir: 'models' }); // SwiftShader: no GPU needed (Linux, Windows)
test('scales on WebGPU', async ({ gpu, modelPage }) => {
  const run = await runModel(modelPage, { model: '/models/scale.onnx', inputs: { x: { type: 'float32', data: Float32Array.of(1, 1, 1, 1), dims: [1, 4] } }, backend: 'webgpu' });
  expect(run.outputs['y']).toBeCloseToTensor([1, 2, 3, 4]); });
