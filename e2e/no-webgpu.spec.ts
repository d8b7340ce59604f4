// Chromium launched without WebGPU's flags (project "no-webgpu"): navigator.gpu exists but offers no adapter.
import { expect, test } from './fixtures.ts';

test('should fall back to wasm with the reason when the browser has no WebGPU adapter', async ({ harness }) => {
  const result = await harness.evaluate(async () => {
    const { createSession } = window.harness.tensorlane;
    const session = await createSession({ model: 'models/mlp.onnx' });
    const out = await session.predict({ x: { type: 'float32', data: new Float32Array(256), dims: [1, 256] } });
    await session.dispose();
    return { backend: session.backend, fallback: session.fallback, dims: out['y']!.dims };
  });
  expect(result).toEqual({
    backend: 'wasm',
    fallback: [{ backend: 'webgpu', engine: 'jsep', reason: 'no WebGPU adapter (navigator.gpu.requestAdapter() returned null)' }],
    dims: [1, 10],
  });
});

test('should reject backend webgpu with BACKEND_UNAVAILABLE rather than run on wasm', async ({ harness }) => {
  const error = await harness.evaluate(() =>
    window.harness.tensorlane.createSession({ model: 'models/mlp.onnx', backend: 'webgpu' }).then(
      (s) => `resolved on ${s.backend}`,
      (e: { code: string; message: string }) => ({ code: e.code, message: e.message }),
    ),
  );
  expect(error).toEqual({ code: 'BACKEND_UNAVAILABLE', message: expect.stringMatching(/^no backend could run model "http:.*\/models\/mlp\.onnx": webgpu\/jsep: /) });
});
