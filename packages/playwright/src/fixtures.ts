// The kit's `test`: Playwright's, plus the WebGPU gate (`gpu`), the kit's server and its bare model page.
import { dirname, resolve } from 'node:path';
import {
  test as base, type Page, type PlaywrightTestArgs, type PlaywrightTestOptions, type PlaywrightWorkerArgs,
  type PlaywrightWorkerOptions, type TestType,
} from '@playwright/test';
import { probeBrowser, summarize, type GpuReport } from './gpu-report.js';
import { startModelServer, type ModelServer } from './model-server.js';
import { judge, resolvePolicy, type WebGpuPolicy } from './policy.js';

/**
 * The test-scoped fixtures and options the kit adds.
 * @example
 * ```ts
 * import { test } from '@tensorlane/playwright';
 *
 * test.use({ webgpuPolicy: 'allow-software' });
 * test('needs WebGPU', async ({ gpu, modelPage }) => {});
 * ```
 */
export interface TensorlaneFixtures {
  /**
   * What a test that uses `gpu` does without a hardware adapter; see {@link WebGpuPolicy}. `TENSORLANE_WEBGPU_POLICY`
   * overrides it.
   * @defaultValue what the {@link webgpu} preset set, else `'require-hardware'`
   */
  webgpuPolicy: WebGpuPolicy | undefined;
  /**
   * The WebGPU gate: the adapter this browser offers in a page and in a worker, after the policy has let the test
   * run (it fails or skips it otherwise, with the reason). Attached to the report as `webgpu-adapter`.
   */
  gpu: GpuReport;
  /** The kit's bare page, loaded, with tensorlane at `window.tensorlane`: pass it to {@link runModel}. */
  modelPage: Page;
}

/**
 * The worker-scoped fixtures and options the kit adds.
 * @example
 * ```ts
 * // playwright.config.ts: serve ./models at /models/ of the model page
 * export default defineConfig({ use: { modelDir: 'models' } });
 * ```
 */
export interface TensorlaneWorkerFixtures {
  /** A directory the model page serves at `/models/`, relative to the config file. */
  modelDir: string | undefined;
  /** The kit's server (one per worker process): the bare model page at `modelServer.url`. */
  modelServer: ModelServer;
  /** The WebGPU probe of this worker's browser, before any policy: use `gpu` in tests. */
  gpuProbe: GpuReport;
}

/**
 * Playwright's `test` with the kit's fixtures: `gpu`, `modelPage`, `modelServer`, and the options `webgpuPolicy`
 * and `modelDir`.
 * @example
 * ```ts
 * import { test, expect, runModel } from '@tensorlane/playwright';
 *
 * test('runs on WebGPU', async ({ gpu, modelPage }) => {
 *   const run = await runModel(modelPage, { model: '/models/net.onnx', inputs, backend: 'webgpu' });
 *   expect(run.outputs.y).toBeCloseToTensor(reference, { atol: 1e-3 });
 * });
 * ```
 */
export const test: TestType<
  PlaywrightTestArgs & PlaywrightTestOptions & TensorlaneFixtures,
  PlaywrightWorkerArgs & PlaywrightWorkerOptions & TensorlaneWorkerFixtures
> = base.extend<TensorlaneFixtures, TensorlaneWorkerFixtures>({
  webgpuPolicy: [undefined, { option: true }],
  modelDir: [undefined, { option: true, scope: 'worker' }],
  modelServer: [
    async ({ modelDir }, use, workerInfo) => {
      const configDir = workerInfo.config.configFile ? dirname(workerInfo.config.configFile) : process.cwd();
      const server = await startModelServer(modelDir === undefined ? {} : { modelDir: resolve(configDir, modelDir) });
      await use(server);
      await server.close();
    },
    { scope: 'worker' },
  ],
  gpuProbe: [
    async ({ browser, launchOptions, modelServer }, use) => {
      await use(await probeBrowser(browser, modelServer.url, launchOptions.args ?? []));
    },
    { scope: 'worker' },
  ],
  gpu: async ({ gpuProbe, webgpuPolicy }, use, testInfo) => {
    const policy = resolvePolicy(webgpuPolicy);
    await testInfo.attach('webgpu-adapter', { body: JSON.stringify({ ...policy, ...gpuProbe }, null, 2), contentType: 'application/json' });
    testInfo.annotations.push({ type: 'webgpu', description: `${summarize(gpuProbe)}; policy ${policy.policy}` });
    const verdict = judge(gpuProbe, policy);
    if (verdict.action === 'skip') testInfo.skip(true, verdict.message);
    if (verdict.action === 'fail') throw new Error(verdict.message);
    await use(gpuProbe);
  },
  modelPage: async ({ page, modelServer }, use) => {
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(modelServer.url);
    await page.waitForFunction(() => document.body.dataset['ready'] === 'true', null, { timeout: 30_000 }).catch((error: unknown) => {
      throw new Error(`the model page did not load tensorlane within 30 s: ${errors.join('; ') || 'no page error'}`, { cause: error });
    });
    await use(page);
  },
});
