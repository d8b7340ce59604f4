// The gpu fixture in this run's Chromium: the adapter a page and a worker get, attached to the report.
import { expect, test } from '../src/index.ts';
import { WEBGPU_ADAPTER } from '../../../e2e/browser.ts';

test('should report the adapter of a page and of a worker, and attach it to the test report', async ({ gpu }) => {
  expect(gpu.page).toEqual(gpu.worker);
  if (!gpu.page.available) throw new Error('unreachable: the gpu fixture let a test run without an adapter');
  const { adapter } = gpu.page;
  console.log(`WebGPU adapter: ${JSON.stringify(adapter)}`);
  expect(adapter.vendor).not.toBe('');
  expect(adapter.features).toEqual([...adapter.features].sort());
  expect(adapter.limits['maxBufferSize']).toBeGreaterThanOrEqual(256 * 2 ** 20); // the WebGPU spec's minimum
  expect(Object.keys(adapter.limits)).toContain('maxComputeInvocationsPerWorkgroup');
  if (WEBGPU_ADAPTER === 'software') expect(adapter).toMatchObject({ architecture: 'swiftshader', isFallbackAdapter: true });
  expect(gpu.launchArgs).toContain('--enable-unsafe-webgpu');

  const attachment = test.info().attachments.find((a) => a.name === 'webgpu-adapter');
  expect(attachment?.contentType).toBe('application/json');
  expect(JSON.parse(attachment!.body!.toString())).toEqual({ policy: 'allow-software', source: 'config', ...gpu });
  expect(test.info().annotations).toContainEqual({
    type: 'webgpu',
    description: `${adapter.vendor} ${adapter.architecture} (${adapter.isFallbackAdapter ? 'software' : 'hardware'}), in page and worker; policy allow-software`,
  });
});
