// A user's model test: the model on WebGPU, in Chromium, against a reference computed elsewhere.
import { readFileSync } from 'node:fs';
import { expect, runModel, test } from '@tensorlane/playwright';

const reference = JSON.parse(readFileSync(new URL('./reference.json', import.meta.url), 'utf8')) as { input: number[]; output: number[] };

test('should classify like the reference on WebGPU', async ({ gpu, modelPage }) => {
  const x = { type: 'float32' as const, data: Float32Array.from(reference.input), dims: [2, 256] };
  const run = await runModel(modelPage, { model: '/models/mlp.onnx', inputs: { x }, backend: 'webgpu' });
  console.log(`ran on ${run.backend}, adapter ${JSON.stringify(run.adapter)}; the gpu fixture saw ${JSON.stringify(gpu.worker)}`);
  expect(run.outputs['y']).toBeCloseToTensor({ type: 'float32', data: Float32Array.from(reference.output), dims: [2, 10] }, { atol: 1e-3, rtol: 1e-3 });
});
