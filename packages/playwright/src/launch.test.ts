import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { WEBGPU_FLAGS, webgpu } from './launch.js';

describe('webgpu', () => {
  beforeEach(() => vi.stubEnv('TENSORLANE_CHROMIUM', ''));
  afterEach(() => vi.unstubAllEnvs());

  it('should give SwiftShader flags and allow-software for a software adapter on Linux, in full Chromium', () => {
    expect(webgpu({ adapter: 'software', platform: 'linux' })).toEqual({
      browserName: 'chromium',
      channel: 'chromium',
      launchOptions: { args: ['--enable-unsafe-webgpu', '--use-webgpu-adapter=swiftshader'] },
      webgpuPolicy: 'allow-software',
    });
  });

  it('should require hardware for a hardware adapter, with the Vulkan flags on Linux', () => {
    expect(webgpu({ adapter: 'hardware', platform: 'linux' })).toMatchObject({
      launchOptions: { args: ['--enable-unsafe-webgpu', '--enable-features=Vulkan', '--use-angle=vulkan', '--disable-vulkan-surface'] },
      webgpuPolicy: 'require-hardware',
    });
  });

  it('should launch the given binary without a channel, appending extra flags after the preset', () => {
    const use = webgpu({ adapter: 'any', platform: 'win32', executablePath: '/opt/chrome', args: ['--lang=en'] });
    expect(use).toEqual({
      browserName: 'chromium',
      launchOptions: { args: ['--enable-unsafe-webgpu', '--lang=en'], executablePath: '/opt/chrome' },
      webgpuPolicy: 'allow-software',
    });
  });

  it('should launch TENSORLANE_CHROMIUM when no executablePath is given', () => {
    vi.stubEnv('TENSORLANE_CHROMIUM', '/usr/bin/chromium');
    const use = webgpu({ adapter: 'software', platform: 'linux' });
    expect(use).toMatchObject({ launchOptions: { executablePath: '/usr/bin/chromium' } });
    expect(use).not.toHaveProperty('channel');
  });

  it('should explain every flag it passes', () => {
    for (const byAdapter of Object.values(WEBGPU_FLAGS)) {
      for (const flags of Object.values(byAdapter)) for (const { flag, why } of flags) expect([flag, why.length > 20]).toEqual([expect.stringMatching(/^--[a-z-]+(=\S+)?$/), true]);
    }
  });
});
