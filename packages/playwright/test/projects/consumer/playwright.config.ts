// A user's Playwright config: the kit's preset (SwiftShader, as on a CI machine without a GPU) and the directory of
// models the kit's model page serves.
import { defineConfig } from '@playwright/test';
import { webgpu, type TensorlaneFixtures, type TensorlaneWorkerFixtures } from '@tensorlane/playwright';

export default defineConfig<TensorlaneFixtures, TensorlaneWorkerFixtures>({
  testDir: '.',
  use: { ...webgpu({ adapter: 'software' }), modelDir: 'models' },
});
