// Backend choice in real Chromium with WebGPU on: what 'auto' picks, what it skips, and why.
import { expect, test } from './fixtures.ts';

test('should skip a software adapter under auto, saying which, and take it with allowSoftwareAdapter', async ({ harness }) => {
  const result = await harness.evaluate(async () => {
    const { createSession } = window.harness.tensorlane;
    const describe = async (options: { backend?: 'auto' | 'webgpu'; allowSoftwareAdapter?: boolean }) => {
      const session = await createSession({ model: 'models/mlp.onnx', ...options });
      await session.dispose();
      return { backend: session.backend, fallback: session.fallback, adapter: session.adapter };
    };
    return {
      webgpu: await describe({ backend: 'webgpu' }),
      auto: await describe({}),
      allowed: await describe({ allowSoftwareAdapter: true }),
    };
  });
  // backend: 'webgpu' takes whatever adapter there is; it failing here means WebGPU did not come up.
  expect(result.webgpu.backend).toBe('webgpu');
  const adapter = result.webgpu.adapter!;
  console.log(`WebGPU adapter: ${JSON.stringify(adapter)}`);
  expect(result.allowed).toMatchObject({ backend: 'webgpu', fallback: [] });
  if (adapter.isFallbackAdapter) {
    expect(result.auto.backend).toBe('wasm');
    expect(result.auto.fallback).toEqual([
      {
        backend: 'webgpu',
        engine: 'jsep',
        reason: expect.stringMatching(
          new RegExp(`^skipped the software adapter \\(${adapter.vendor} ${adapter.architecture}.*\\): .*pass allowSoftwareAdapter: true to use it$`),
        ),
      },
    ]);
  } else {
    // On a machine with a real GPU, auto takes it.
    expect(result.auto).toMatchObject({ backend: 'webgpu', fallback: [] });
  }
});

test('should fall back to wasm with the reason when the worker has no navigator.gpu', async ({ harness }) => {
  const result = await harness.evaluate(async () => {
    const { createSession } = window.harness.tensorlane;
    const auto = await createSession({ model: 'models/mlp.onnx', worker: window.harness.workerWithoutWebGpu });
    await auto.dispose();
    const webgpu = await createSession({ model: 'models/mlp.onnx', backend: 'webgpu', worker: window.harness.workerWithoutWebGpu }).then(
      () => 'resolved',
      (e: { code: string; message: string }) => ({ code: e.code, message: e.message }),
    );
    return { backend: auto.backend, fallback: auto.fallback, webgpu };
  });
  expect(result.backend).toBe('wasm');
  expect(result.fallback).toEqual([
    { backend: 'webgpu', engine: 'jsep', reason: 'navigator.gpu is undefined (this browser has no WebGPU, or it is turned off)' },
  ]);
  expect(result.webgpu).toEqual({
    code: 'BACKEND_UNAVAILABLE',
    message: expect.stringMatching(/^no backend could run model "http:.*\/models\/mlp\.onnx": webgpu\/jsep: navigator\.gpu is undefined \(this browser has no WebGPU, or it is turned off\)$/),
  });
});
