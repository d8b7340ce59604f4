import { defineConfig } from '@playwright/test';
import { webgpu, type TensorlaneFixtures, type TensorlaneWorkerFixtures } from '@tensorlane/playwright';
import { DAWN_ARGS, DEMO_PORT, HARNESS_PORT, WEBGPU_ADAPTER, chromiumPath } from './browser.ts';
import { MODEL_DIR } from '../packages/playwright/test/models.ts';
import { SPEECH_WAV } from '../test/vad.ts';

/** The browser every project launches: WebGPU on, a fake camera (a generated video) for the demo's camera button, a
 * fake microphone playing test/audio/speech.wav over and over for the listening tests, gc() and eager
 * `performance.measureUserAgentSpecificMemory()` for the soak's memory measurements (Chromium otherwise measures at a
 * garbage collection it schedules, 15-60 s later here, and gc() does not hasten it), and DAWN_ARGS (browser.ts:
 * shaders without workgroup zeroing, which SwiftShader compiles slowly). */
const WEBGPU = webgpu({
  adapter: WEBGPU_ADAPTER,
  executablePath: chromiumPath(),
  args: [
    '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', `--use-file-for-fake-audio-capture=${SPEECH_WAV}`,
    '--autoplay-policy=no-user-gesture-required', '--js-flags=--expose-gc', '--enable-blink-features=ForceEagerMeasureMemory',
    ...DAWN_ARGS,
  ],
});

/** The consumer apps: fresh projects installed from the packed tarball, built and served by their own tools. */
const CONSUMERS = ['**/consumer.spec.ts', '**/consumer-next.spec.ts'];

export default defineConfig<TensorlaneFixtures, TensorlaneWorkerFixtures>({
  testDir: '.',
  testMatch: '**/*.spec.ts',
  // Spec files run side by side, each in order in one worker; files whose tests are independent say so.
  // TENSORLANE_E2E_WORKERS overrides (1 runs everything in order).
  fullyParallel: false,
  workers: Number(process.env['TENSORLANE_E2E_WORKERS'] ?? 2),
  forbidOnly: true,
  retries: 0,
  timeout: 120_000,
  expect: { timeout: 60_000 },
  reporter: [['list']],
  // CI must stay under 20 minutes, and the suite is CPU-bound on 2 cores: every run ends with the test files that ran
  // for over a minute in one worker, so that where the time goes is in every CI log. Playwright leaves out the files
  // whose tests it spread over both workers (conformance, stress, the demo's, the Next apps').
  reportSlowTests: { max: 10, threshold: 60_000 },
  use: {
    baseURL: `http://127.0.0.1:${HARNESS_PORT}`,
  },
  // Workers take files in this order: the consumers (long, serial: installs and builds) first, so that the run does
  // not end on one worker building a Next app while the other waits.
  projects: [
    { name: 'consumers', testMatch: CONSUMERS, use: WEBGPU },
    { name: 'webgpu', testIgnore: ['**/no-webgpu.spec.ts', ...CONSUMERS], use: WEBGPU },
    {
      // @tensorlane/playwright's own tests (its playwright.config.ts runs them alone), beside the SDK's.
      name: 'kit',
      testDir: '../packages/playwright/test',
      testIgnore: ['projects/**'],
      fullyParallel: true,
      timeout: 60_000,
      use: { ...webgpu({ adapter: WEBGPU_ADAPTER, executablePath: chromiumPath(), args: DAWN_ARGS }), modelDir: MODEL_DIR },
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
