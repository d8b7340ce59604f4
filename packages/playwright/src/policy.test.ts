import { describe, expect, it } from 'vitest';
import type { GpuReport } from './gpu-report.js';
import { judge, resolvePolicy, type WebGpuPolicy } from './policy.js';
import type { AdapterProbe } from './probe.js';

const swiftshader: AdapterProbe = {
  available: true,
  adapter: { vendor: 'google', architecture: 'swiftshader', device: '', description: '', isFallbackAdapter: true, features: [], limits: { maxBufferSize: 2 ** 28, maxStorageBufferBindingSize: 2 ** 27 } },
};
const gpu: AdapterProbe = { available: true, adapter: { ...swiftshader.adapter, vendor: 'nvidia', architecture: 'ampere', isFallbackAdapter: false } };
const none: AdapterProbe = { available: false, reason: 'navigator.gpu.requestAdapter() returned null' };

const report = (page: AdapterProbe, worker = page, launchArgs = ['--enable-unsafe-webgpu']): GpuReport => ({
  browserVersion: '156.0.0.0',
  platform: 'linux',
  launchArgs,
  page,
  worker,
});
const actionOf = (r: GpuReport, policy: WebGpuPolicy) => judge(r, { policy, source: 'config' }).action;

describe('resolvePolicy', () => {
  it('should take the environment variable over the config, and the config over the default', () => {
    expect(resolvePolicy('allow-software', { TENSORLANE_WEBGPU_POLICY: 'skip' })).toEqual({ policy: 'skip', source: 'TENSORLANE_WEBGPU_POLICY' });
    expect(resolvePolicy('allow-software', {})).toEqual({ policy: 'allow-software', source: 'config' });
    expect(resolvePolicy(undefined, { TENSORLANE_WEBGPU_POLICY: '' })).toEqual({ policy: 'require-hardware', source: 'default' });
  });

  it('should reject a value that is not a policy, listing the policies', () => {
    expect(() => resolvePolicy(undefined, { TENSORLANE_WEBGPU_POLICY: 'software' })).toThrow(
      "TENSORLANE_WEBGPU_POLICY is \"software\"; expected 'require-hardware', 'allow-software', 'skip'",
    );
    expect(() => resolvePolicy('hardware', {})).toThrow('use.webgpuPolicy is "hardware"');
  });
});

describe('judge', () => {
  it('should apply the policy table to no adapter, a software adapter and a hardware adapter', () => {
    const table = (['require-hardware', 'allow-software', 'skip'] as const).map((p) => [p, actionOf(report(none), p), actionOf(report(swiftshader), p), actionOf(report(gpu), p)]);
    expect(table).toEqual([
      ['require-hardware', 'fail', 'fail', 'run'],
      ['allow-software', 'fail', 'run', 'run'],
      ['skip', 'skip', 'skip', 'run'],
    ]);
  });

  it('should fail when the page has an adapter but the worker has none', () => {
    expect(judge(report(swiftshader, none), { policy: 'allow-software', source: 'config' })).toEqual({
      action: 'fail',
      message: expect.stringMatching(/^WebGPU is not available in a worker: navigator\.gpu\.requestAdapter\(\) returned null\. /),
    });
  });

  it('should name the missing launch flag and the fix when Chromium was launched without WebGPU flags', () => {
    expect(judge(report(none, none, ['--headless']), { policy: 'allow-software', source: 'TENSORLANE_WEBGPU_POLICY' })).toEqual({
      action: 'fail',
      message:
        'WebGPU is not available in a page: navigator.gpu.requestAdapter() returned null. Chromium was launched without --enable-unsafe-webgpu ' +
        '(args: ["--headless"]): spread webgpu({ adapter }) from @tensorlane/playwright into the project\'s use; or set TENSORLANE_WEBGPU_POLICY=skip ' +
        'to skip WebGPU tests on this machine [policy allow-software (from TENSORLANE_WEBGPU_POLICY)]',
    });
  });

  it('should say how to accept a software adapter when hardware is required', () => {
    expect(judge(report(swiftshader), { policy: 'require-hardware', source: 'default' })).toEqual({
      action: 'fail',
      message:
        'WebGPU came up on a software adapter (google swiftshader, isFallbackAdapter: true), but a hardware adapter is required ' +
        "[policy require-hardware (the default)]; on a machine without a GPU use webgpu({ adapter: 'software' }) or TENSORLANE_WEBGPU_POLICY=allow-software",
    });
  });
});
