// Run by test/policy.spec.ts: Chromium launched without WebGPU's flags, and with the kit's software preset. The
// spec has one test per policy, so each launch's browser is probed once.
import { defineConfig } from '@playwright/test';
import { chromiumPath } from '../../../../../e2e/browser.ts';
import { webgpu, type TensorlaneFixtures } from '../../../src/index.ts';

const executablePath = chromiumPath();

export default defineConfig<TensorlaneFixtures>({
  testDir: '.',
  workers: 2,
  retries: 0,
  timeout: 30_000,
  outputDir: process.env['TEST_OUTPUT_DIR'] ?? 'test-results',
  projects: [
    { name: 'no-flags', use: { launchOptions: { executablePath, args: [] } } },
    { name: 'software', use: webgpu({ adapter: 'software', executablePath }) },
  ],
});
