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

const dawnFeatures = process.env['TENSORLANE_DAWN_FEATURES'] ?? 'disable_workgroup_init';

/**
 * Dawn toggles the test browsers launch with: TENSORLANE_DAWN_FEATURES (comma-separated; empty for Chrome's own
 * behaviour), else `disable_workgroup_init`. Dawn adds code to every shader that zeroes its workgroup memory before
 * use (WGSL requires it); SwiftShader spends most of a model's first WebGPU run compiling that code (measured here,
 * first run with and without it: text-direction.onnx 11.2 s and 3.5 s, convnet.onnx 3.1 s and 0.5 s; a second run
 * of text-direction.onnx 0.55 s and 1.2 s, of the others the same). Without it a shader that read workgroup memory
 * before writing it would read garbage, not zeros: the tests could only fail more, never pass more. The bench
 * launches with Chrome's defaults, as users run.
 */
export const DAWN_ARGS: readonly string[] = dawnFeatures ? [`--enable-dawn-features=${dawnFeatures}`] : [];

/**
 * The e2e servers' ports: the harness on TENSORLANE_E2E_PORT (default 4173), the demo on the next one. Set it to run
 * two checkouts' tests side by side.
 */
export const HARNESS_PORT = Number(process.env['TENSORLANE_E2E_PORT'] ?? 4173);
export const DEMO_PORT = HARNESS_PORT + 1;
