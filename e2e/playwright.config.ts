import { execFileSync } from 'node:child_process';
import { defineConfig } from '@playwright/test';

/**
 * The browser: TENSORLANE_CHROMIUM (any Chrome or Chromium binary), else `chromium` on PATH (Debian's package on
 * CI). Playwright's own browser downloads are not used.
 */
function chromiumPath(): string {
  const fromEnv = process.env['TENSORLANE_CHROMIUM'];
  if (fromEnv) return fromEnv;
  try {
    return execFileSync('sh', ['-c', 'command -v chromium || command -v chromium-browser || command -v google-chrome'], {
      encoding: 'utf8',
    }).trim();
  } catch {
    throw new Error('No Chromium found: install it (apt-get install chromium) or set TENSORLANE_CHROMIUM to a Chrome binary');
  }
}

/**
 * The WebGPU adapter: by default Chrome picks one (the real GPU where there is one; SwiftShader on a machine
 * without, as on CI). TENSORLANE_WEBGPU_ADAPTER=swiftshader forces the software adapter on any machine.
 */
const adapterFlags =
  process.env['TENSORLANE_WEBGPU_ADAPTER'] === 'swiftshader'
    ? ['--use-vulkan=swiftshader', '--use-webgpu-adapter=swiftshader', '--disable-vulkan-surface']
    : [];

const quiet = ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const webgpu = ['--enable-unsafe-webgpu', '--enable-features=Vulkan', ...adapterFlags];
const port = 4173;

export default defineConfig({
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
    baseURL: `http://127.0.0.1:${port}`,
    launchOptions: { executablePath: chromiumPath() },
  },
  projects: [
    {
      name: 'webgpu',
      testIgnore: ['**/no-webgpu.spec.ts'],
      use: { launchOptions: { executablePath: chromiumPath(), args: [...quiet, ...webgpu] } },
    },
    {
      // Launched without WebGPU's flags: navigator.gpu exists, but headless Chromium offers no adapter.
      name: 'no-webgpu',
      testMatch: ['**/no-webgpu.spec.ts'],
      use: { launchOptions: { executablePath: chromiumPath(), args: quiet } },
    },
  ],
  webServer: [
    {
      // The page the SDK tests drive.
      command: 'pnpm exec vite build -c e2e/vite.config.ts --logLevel warn && pnpm exec vite preview -c e2e/vite.config.ts',
      cwd: '..',
      url: `http://127.0.0.1:${port}/`,
      reuseExistingServer: false,
      timeout: 120_000,
    },
    {
      // The demo, built as `pnpm demo:build` builds it.
      command: 'pnpm exec vite build --logLevel warn && pnpm exec vite preview',
      cwd: '..',
      url: 'http://127.0.0.1:4174/',
      reuseExistingServer: false,
      timeout: 120_000,
    },
  ],
});
