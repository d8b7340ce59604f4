import { defineConfig } from '@playwright/test';
import { webgpu, type TensorlaneFixtures, type TensorlaneWorkerFixtures } from '@tensorlane/playwright';
import { DEMO_PORT, HARNESS_PORT, WEBGPU_ADAPTER, chromiumPath } from './browser.ts';
import { SPEECH_WAV } from '../test/vad.ts';

export default defineConfig<TensorlaneFixtures, TensorlaneWorkerFixtures>({
  testDir: '.',
  testMatch: '**/*.spec.ts',
  fullyParallel: false,
  workers: 1,
  forbidOnly: true,
  retries: 0,
  timeout: 120_000,
  expect: { timeout: 60_000 },
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${HARNESS_PORT}`,
  },
  projects: [
    {
      name: 'webgpu',
      testIgnore: ['**/no-webgpu.spec.ts'],
      // A fake camera (a generated video) for the demo's camera button; gc() for the soak's memory measurements
      // (Chromium measures at the next garbage collection).
      // A fake microphone playing test/audio/speech.wav over and over, for the listening tests.
      use: webgpu({
        adapter: WEBGPU_ADAPTER,
        executablePath: chromiumPath(),
        args: [
          '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', `--use-file-for-fake-audio-capture=${SPEECH_WAV}`,
          '--autoplay-policy=no-user-gesture-required', '--js-flags=--expose-gc',
        ],
      }),
    },
    {
      // Launched without WebGPU's flags and with the GPU off: navigator.gpu exists, but no adapter is offered.
      name: 'no-webgpu',
      testMatch: ['**/no-webgpu.spec.ts'],
      use: { launchOptions: { executablePath: chromiumPath(), args: ['--disable-gpu'] } },
    },
  ],
  webServer: [
    {
      // The page the SDK tests drive.
      command: 'pnpm exec vite build -c e2e/vite.config.ts --logLevel warn && pnpm exec vite preview -c e2e/vite.config.ts --port ' + HARNESS_PORT,
      cwd: '..',
      url: `http://127.0.0.1:${HARNESS_PORT}/`,
      reuseExistingServer: false,
      timeout: 120_000,
    },
    {
      // The demo, built as `pnpm demo:build` builds it.
      command: 'pnpm exec vite build --logLevel warn && pnpm exec vite preview --port ' + DEMO_PORT,
      cwd: '..',
      url: `http://127.0.0.1:${DEMO_PORT}/`,
      reuseExistingServer: false,
      timeout: 120_000,
    },
  ],
});
