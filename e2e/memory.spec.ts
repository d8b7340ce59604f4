// What a session holds in memory, as stats().memory counts it in the worker, on a cross-origin isolated page with 2
// WASM threads, where performance.measureUserAgentSpecificMemory() does not answer (see the README, "Threads"). The
// figures must move with what the session holds: a larger model, a larger batch, a restart.
import { expect, test } from './fixtures.ts';

test.use({ isolated: true });

for (const backend of ['wasm', 'webgpu'] as const) {
  test.describe(backend, () => {
    if (backend === 'webgpu') test.beforeEach(async ({ gpu }) => void gpu); // the kit's WebGPU gate
    test(`should count more memory for a bigger model and a bigger batch, and less after restart(), with 2 WASM threads on ${backend}`, async ({ harness }) => {
      test.setTimeout(300_000);
      const r = await harness.evaluate((backend) => window.harness.memorySteps(backend, 2, 16_384), backend);
      console.log(`[memory ${backend}] ${JSON.stringify(r)}`);
      expect(r).toMatchObject({ threads: 2, wrong: 0 });
      // The page keeps a model given as bytes for restarts, and none given as a URL.
      expect(r.smallModel.modelBytesKept).toBe(0);
      for (const step of [r.loaded, r.afterOneRow, r.afterBigBatch, r.restarted]) expect(step.modelBytesKept).toBe(r.modelBytes);
      // The 32 MiB of weights: in the heap on WASM, in GPU buffers on WebGPU.
      if (backend === 'wasm') {
        expect(r.loaded.wasmHeapBytes).toBeGreaterThanOrEqual(r.smallModel.wasmHeapBytes + r.weightBytes);
        for (const step of [r.smallModel, r.loaded, r.afterOneRow, r.afterBigBatch, r.restarted]) expect(step.gpuBufferBytes).toBe(0);
        // 16,384 rows of 4 KiB come out through the heap, which never shrinks; a new worker starts without them.
        expect(r.afterBigBatch.wasmHeapBytes).toBeGreaterThan(r.afterOneRow.wasmHeapBytes);
        expect(r.restarted.wasmHeapBytes).toBeLessThan(r.afterBigBatch.wasmHeapBytes);
      } else {
        // The outputs stay in GPU buffers (preferredOutputLocation 'gpu-buffer'), read back from there, not the heap.
        expect(r.loaded.gpuBufferBytes).toBeGreaterThanOrEqual(r.weightBytes);
        expect(r.smallModel.gpuBufferBytes).toBeLessThan(r.weightBytes / 1000);
        expect(r.afterBigBatch.gpuBufferBytes).toBeGreaterThan(r.afterOneRow.gpuBufferBytes);
        expect(r.restarted.gpuBufferBytes).toBeLessThan(r.afterBigBatch.gpuBufferBytes);
        expect(r.restarted.gpuBufferBytes).toBeGreaterThanOrEqual(r.weightBytes);
      }
    });
  });
}
