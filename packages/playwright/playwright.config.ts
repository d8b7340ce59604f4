// The kit's own tests (`pnpm --filter @tensorlane/playwright test`), in Chromium through the kit's own preset:
// SwiftShader when TENSORLANE_WEBGPU_ADAPTER=swiftshader (CI), else whatever adapter Chrome offers. The projects
// under test/projects/ are run by the specs, in child processes.
import { defineConfig } from '@playwright/test';
import { WEBGPU_ADAPTER, chromiumPath } from '../../e2e/browser.ts';
import { webgpu, type TensorlaneFixtures, type TensorlaneWorkerFixtures } from './src/index.ts';
import { MODEL_DIR } from './test/models.ts';

export default defineConfig<TensorlaneFixtures, TensorlaneWorkerFixtures>({
  testDir: 'test',
  testIgnore: ['projects/**'],
  fullyParallel: true,
  workers: 2,
  forbidOnly: true,
  retries: 0,
  timeout: 60_000,
  reporter: [['list']],
  use: { ...webgpu({ adapter: WEBGPU_ADAPTER, executablePath: chromiumPath() }), modelDir: MODEL_DIR },
});
