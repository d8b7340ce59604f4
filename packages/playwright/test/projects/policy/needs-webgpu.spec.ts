import { WEBGPU_POLICIES, expect, test } from '../../../src/index.ts';

for (const webgpuPolicy of WEBGPU_POLICIES) {
  test.describe(() => {
    test.use({ webgpuPolicy });
    test(webgpuPolicy, async ({ gpu }) => {
      expect(gpu.worker.available).toBe(true);
    });
  });
}
