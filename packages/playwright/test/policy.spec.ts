// Each policy against a Chromium launched without WebGPU's flags and one with the software preset, run as a user's
// suite would run (a child Playwright): a missing adapter fails or skips, never passes.
import { fileURLToPath } from 'node:url';
import { expect, test } from '../src/index.ts';
import { runPlaywright } from './run-playwright.ts';

const CONFIG = fileURLToPath(new URL('./projects/policy/playwright.config.ts', import.meta.url));
const NO_FLAGS = /^WebGPU is not available in a page: navigator\.gpu\.requestAdapter\(\) returned null \(asked 3 times, 500 ms apart\)\. Chromium was launched without --enable-unsafe-webgpu \(args: \[\]\): spread webgpu\(\{ adapter \}\) from @tensorlane\/playwright into the project's use/;

test('should fail without WebGPU flags under require-hardware and allow-software, skip under skip, and judge SwiftShader by policy', async ({}, testInfo) => {
  const run = await runPlaywright(CONFIG, { env: { TEST_OUTPUT_DIR: testInfo.outputPath('policy') } });
  const table = run.outcomes.map((o) => `${o.project}/${o.title}: ${o.status}`).sort();
  expect(table, run.output).toEqual([
    'no-flags/allow-software: failed',
    'no-flags/require-hardware: failed',
    'no-flags/skip: skipped',
    'software/allow-software: passed',
    'software/require-hardware: failed',
    'software/skip: skipped',
  ]);
  for (const policy of ['require-hardware', 'allow-software']) {
    const { error } = run.outcome('no-flags', policy);
    expect(error).toMatch(NO_FLAGS);
    expect(error).toMatch(new RegExp(`; or set TENSORLANE_WEBGPU_POLICY=skip to skip WebGPU tests on this machine \\[policy ${policy} \\(from config\\)\\]$`));
  }
  const skip = (project: string) => run.outcome(project, 'skip').annotations.find((a) => a.type === 'skip')?.description;
  expect(skip('no-flags')).toMatch(NO_FLAGS);
  expect(skip('software')).toMatch(/^WebGPU came up on a software adapter \(google swiftshader, isFallbackAdapter: true\), and tests that need a GPU are skipped \[policy skip \(from config\)\]$/);
  expect(run.outcome('software', 'require-hardware').error).toMatch(/^WebGPU came up on a software adapter .*, but a hardware adapter is required \[policy require-hardware \(from config\)\]; on a machine without a GPU use webgpu\(\{ adapter: 'software' \}\) or TENSORLANE_WEBGPU_POLICY=allow-software/);
  // Every run attaches what it found, pass or not.
  expect(run.outcome('no-flags', 'allow-software').attachments.map((a) => a.name)).toContain('webgpu-adapter');
});

test('should take TENSORLANE_WEBGPU_POLICY over the config', async ({}, testInfo) => {
  const run = await runPlaywright(CONFIG, {
    args: ['--project', 'software', '--grep', 'allow-software'],
    env: { TENSORLANE_WEBGPU_POLICY: 'require-hardware', TEST_OUTPUT_DIR: testInfo.outputPath('env') },
  });
  expect(run.outcome('software', 'allow-software').error, run.output).toMatch(/\[policy require-hardware \(from TENSORLANE_WEBGPU_POLICY\)\]/);
});
