// What a test that needs WebGPU does when the browser offers no adapter, or only a software one: fail, run, or skip
// (visibly, with the reason). Never a silent pass.
import type { GpuReport } from './gpu-report.js';
import { SWIFTSHADER, UNSAFE_WEBGPU } from './launch.js';

/**
 * What the `gpu` fixture does with the adapter it found:
 *
 * | policy | no adapter | software adapter (SwiftShader) | hardware adapter |
 * |---|---|---|---|
 * | `'require-hardware'` | fail | fail | run |
 * | `'allow-software'` | fail | run | run |
 * | `'skip'` | skip | skip | run |
 *
 * Set it with `use: { webgpuPolicy }` (the {@link webgpu} preset sets the one that fits its adapter) or the
 * environment variable `TENSORLANE_WEBGPU_POLICY`, which wins over the config.
 * @example
 * ```ts
 * import { test, type WebGpuPolicy } from '@tensorlane/playwright';
 *
 * const policy: WebGpuPolicy = 'skip';
 * test.use({ webgpuPolicy: policy }); // these tests need a real GPU, and are skipped (with the reason) without one
 * ```
 */
export type WebGpuPolicy = 'require-hardware' | 'allow-software' | 'skip';

/** Every policy, in order of strictness. */
export const WEBGPU_POLICIES: readonly WebGpuPolicy[] = ['require-hardware', 'allow-software', 'skip'];

/** The environment variable that overrides the configured policy. */
export const POLICY_ENV = 'TENSORLANE_WEBGPU_POLICY';

/** A policy and where it came from, for messages. */
export interface ResolvedPolicy {
  readonly policy: WebGpuPolicy;
  readonly source: typeof POLICY_ENV | 'config' | 'default';
}

/**
 * The policy in force: `TENSORLANE_WEBGPU_POLICY` if set, else the configured one, else `'require-hardware'`.
 * @throws Error when the variable or the config holds something else than a policy.
 */
export function resolvePolicy(configured: unknown, env: Readonly<Record<string, string | undefined>> = process.env): ResolvedPolicy {
  const check = (value: unknown, where: string): WebGpuPolicy => {
    if (WEBGPU_POLICIES.includes(value as WebGpuPolicy)) return value as WebGpuPolicy;
    throw new Error(`${where} is ${JSON.stringify(value)}; expected ${WEBGPU_POLICIES.map((p) => `'${p}'`).join(', ')}`);
  };
  const fromEnv = env[POLICY_ENV];
  if (fromEnv !== undefined && fromEnv !== '') return { policy: check(fromEnv, POLICY_ENV), source: POLICY_ENV };
  if (configured !== undefined) return { policy: check(configured, 'use.webgpuPolicy'), source: 'config' };
  return { policy: 'require-hardware', source: 'default' };
}

/** What the fixture does: run the test, or fail or skip it with a message. */
export type Verdict = { readonly action: 'run' } | { readonly action: 'fail' | 'skip'; readonly message: string };

/** Why no adapter came, and what to change: the launch flags first, then the platform. */
function missingHint(report: GpuReport): string {
  const args = report.launchArgs;
  if (!args.includes(UNSAFE_WEBGPU.flag)) {
    return `Chromium was launched without ${UNSAFE_WEBGPU.flag} (args: ${JSON.stringify(args)}): spread webgpu({ adapter }) from @tensorlane/playwright into the project's use`;
  }
  if (report.platform === 'darwin' && args.includes(SWIFTSHADER.flag)) {
    return 'Chrome has no software WebGPU adapter on macOS: use webgpu({ adapter: \'hardware\' })';
  }
  return `Chromium was launched with ${UNSAFE_WEBGPU.flag}, yet offers no adapter: a headless shell build (use channel 'chromium' or 'chrome'), no Vulkan driver on Linux (install mesa-vulkan-drivers or your GPU's), or a GPU process that failed (see chrome://gpu)`;
}

/**
 * Applies `policy` to what the browser offered. The adapter must come up both in a page and in a worker (tensorlane
 * runs models in a worker).
 */
export function judge(report: GpuReport, { policy, source }: ResolvedPolicy): Verdict {
  const named = `policy ${policy} (${source === 'default' ? 'the default' : `from ${source}`})`;
  const missing = [report.page, report.worker].find((probe) => !probe.available);
  if (missing !== undefined && !missing.available) {
    const where = missing === report.page ? 'a page' : 'a worker';
    const message = `WebGPU is not available in ${where}: ${missing.reason}. ${missingHint(report)}`;
    if (policy === 'skip') return { action: 'skip', message: `${message} [${named}]` };
    return { action: 'fail', message: `${message}; or set ${POLICY_ENV}=skip to skip WebGPU tests on this machine [${named}]` };
  }
  const { adapter } = report.page as Extract<GpuReport['page'], { available: true }>;
  if (adapter.isFallbackAdapter && policy !== 'allow-software') {
    const what = `WebGPU came up on a software adapter (${adapter.vendor} ${adapter.architecture}, isFallbackAdapter: true)`;
    if (policy === 'skip') return { action: 'skip', message: `${what}, and tests that need a GPU are skipped [${named}]` };
    return {
      action: 'fail',
      message: `${what}, but a hardware adapter is required [${named}]; on a machine without a GPU use webgpu({ adapter: 'software' }) or ${POLICY_ENV}=allow-software`,
    };
  }
  return { action: 'run' };
}
