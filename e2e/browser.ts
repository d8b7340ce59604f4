// How the tests and benchmarks launch Chromium, and on which ports they serve pages. Shared by playwright.config.ts,
// the specs and the bench scripts.
import { execFileSync } from 'node:child_process';

/**
 * The browser: TENSORLANE_CHROMIUM (any Chrome or Chromium binary), else `chromium` on PATH (Debian's package on
 * CI). Playwright's own browser downloads are not used.
 */
export function chromiumPath(): string {
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

/** Flags for a headless Chromium on a closed network: no background connections that would be refused. */
export const QUIET_ARGS = ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/**
 * Flags that turn WebGPU on. By default Chrome picks the adapter: the real GPU where there is one, SwiftShader (a
 * software adapter) on a machine without. TENSORLANE_WEBGPU_ADAPTER=swiftshader forces SwiftShader anywhere.
 */
export const WEBGPU_ARGS = [
  '--enable-unsafe-webgpu',
  '--enable-features=Vulkan',
  ...(process.env['TENSORLANE_WEBGPU_ADAPTER'] === 'swiftshader'
    ? ['--use-vulkan=swiftshader', '--use-webgpu-adapter=swiftshader', '--disable-vulkan-surface']
    : []),
];

/**
 * The e2e servers' ports: the harness on TENSORLANE_E2E_PORT (default 4173), the demo on the next one. Set it to run
 * two checkouts' tests side by side.
 */
export const HARNESS_PORT = Number(process.env['TENSORLANE_E2E_PORT'] ?? 4173);
export const DEMO_PORT = HARNESS_PORT + 1;
