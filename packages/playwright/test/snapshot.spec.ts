// toMatchTensorSnapshot through its life, in a child Playwright run each step: the golden is written on the first
// run (which fails, as Playwright's own snapshots do by default), matched, a drift is caught, and --update-snapshots
// rewrites it with the drifted values.
import { readFileSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from '../src/index.ts';
import { decodeSafetensors } from '../src/safetensors.ts';
import { runPlaywright } from './run-playwright.ts';

const CONFIG = fileURLToPath(new URL('./projects/snapshot/playwright.config.ts', import.meta.url));

test('should write the golden on the first run, match it, catch a drift, and take the drift with --update-snapshots', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tensorlane-snapshot-'));
  try {
    const golden = join(dir, 'outputs.spec.ts-snapshots', 'outputs.safetensors');
    const step = (env: Record<string, string> = {}, args: string[] = []) => runPlaywright(CONFIG, { env: { SNAPSHOT_DIR: dir, ...env }, args });

    const first = await step();
    expect(first.outcome('').status, first.output).toBe('failed');
    expect(first.outcome('').error).toBe(
      `expect(received).toMatchTensorSnapshot(name, tolerance)\n\nA tensor snapshot doesn't exist at ${golden}, writing actual. Review and commit it; this run fails so that a golden written unseen never passes.`,
    );
    const written = decodeSafetensors(readFileSync(golden), golden);
    expect(Object.keys(written.tensors).sort()).toEqual(['half', 'ids', 'logits']);
    expect(written.tensors['ids']).toEqual({ type: 'int64', data: BigInt64Array.of(1n, 2n ** 60n), dims: [2] });
    console.log(`golden: ${statSync(golden).size} bytes for 8 elements in 3 tensors`);

    const second = await step();
    expect(second.outcome('').status, second.output).toBe('passed');

    const drifted = await step({ DRIFT: '0.01' });
    expect(drifted.outcome('').status).toBe('failed');
    console.log(`drift failure:\n${drifted.outcome('').error}`);
    expect(drifted.outcome('').error).toMatch(
      new RegExp(
        [
          '^expect\\(received\\)\\.toMatchTensorSnapshot\\(name, tolerance\\)',
          '',
          'tensor snapshot "outputs" differs from its golden .*outputs\\.safetensors:',
          'tensor "logits": 1 of 4 elements \\(25%\\) differ by more than atol \\+ rtol·\\|expected\\| \\(atol 0\\.0001, rtol 0\\.0000013\\)',
          '  dims \\[2, 2\\], dtype float32 \\(both\\)',
          '  max \\|diff\\| 0\\.01 at \\[1, 1\\]: received 0\\.135, expected 0\\.125',
          '  first elements off:',
          '    \\[1, 1\\]  received 0\\.135  expected 0\\.125  \\|diff\\| 0\\.01',
          'the received tensors are in .*outputs-actual\\.safetensors; if the change is intended, run with --update-snapshots and commit the golden$',
        ].join('\\n'),
      ),
    );

    const updated = await step({ DRIFT: '0.01' }, ['--update-snapshots']);
    expect(updated.outcome('').status, updated.output).toBe('passed');
    expect(decodeSafetensors(readFileSync(golden), golden).tensors['logits']!.data).toEqual(Float32Array.of(0.25, -1.5, 3, 0.135));

  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
