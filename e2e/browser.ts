// How the tests and benchmarks launch Chromium, and on which ports they serve pages. Shared by playwright.config.ts,
// the specs, the bench scripts and @tensorlane/playwright's own tests. The WebGPU flags are the kit's preset's.
import { execFileSync } from 'node:child_process';
import type { AdapterChoice } from '@tensorlane/playwright';

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

/**
 * The WebGPU adapter the tests ask @tensorlane/playwright's preset for: SwiftShader when
 * TENSORLANE_WEBGPU_ADAPTER=swiftshader (CI: the same software adapter on every run), else whatever Chrome offers (the
 * real GPU where there is one). Either way the suite allows a software adapter: it tests the SDK, not the GPU.
 */
export const WEBGPU_ADAPTER: AdapterChoice = process.env['TENSORLANE_WEBGPU_ADAPTER'] === 'swiftshader' ? 'software' : 'any';

/**
 * The e2e servers' ports: the harness on TENSORLANE_E2E_PORT (default 4173), the demo on the next one. Set it to run
 * two checkouts' tests side by side.
 */
export const HARNESS_PORT = Number(process.env['TENSORLANE_E2E_PORT'] ?? 4173);
export const DEMO_PORT = HARNESS_PORT + 1;
