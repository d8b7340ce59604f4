// A project outside the workspace, as a user's repository: both packed tarballs (tensorlane and this kit) and
// @playwright/test installed offline from pnpm's store, then its own Playwright run of a model test with the kit and
// of the README's quick start.
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from '../src/index.ts';
import { chromiumPath } from '../../../e2e/browser.ts';
import { installOffline, packTarball, timed } from '../../../e2e/consumer-install.ts';
import { buildFixedBatch, buildMlp, mlpReference, seededFloats } from '../../../test/models/zoo.ts';
import { runPlaywright } from './run-playwright.ts';

const packagesDir = fileURLToPath(new URL('../..', import.meta.url));
const project = fileURLToPath(new URL('./projects/consumer', import.meta.url));

test('should run a model test with both packed tarballs installed offline in a project of its own', async () => {
  test.setTimeout(120_000);
  const dir = await mkdtemp(join(tmpdir(), 'tensorlane-kit-consumer-'));
  try {
    const [tensorlane, kit] = await timed('pnpm pack (tensorlane, @tensorlane/playwright)', () =>
      Promise.all([
        packTarball(join(packagesDir, 'tensorlane'), dir, ['dist/index.js', 'dist/worker/entry.js']),
        packTarball(join(packagesDir, 'playwright'), dir, ['dist/index.js']),
      ]),
    );
    const app = join(dir, 'app');
    await cp(project, app, { recursive: true });
    const { devDependencies } = JSON.parse(await readFile(join(packagesDir, 'playwright', 'package.json'), 'utf8')) as { devDependencies: Record<string, string> };
    const manifest = {
      name: 'tensorlane-kit-consumer',
      private: true,
      type: 'module',
      devDependencies: { '@playwright/test': devDependencies['@playwright/test'], '@tensorlane/playwright': `file:${kit}`, tensorlane: `file:${tensorlane}` },
    };
    await writeFile(join(app, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    await mkdir(join(app, 'models'));
    await writeFile(join(app, 'models', 'mlp.onnx'), buildMlp());
    await writeFile(join(app, 'models', 'scale.onnx'), buildFixedBatch()); // the README's quick start: y = x * [1, 2, 3, 4]
    const input = seededFloats(2 * 256, 11);
    await writeFile(join(app, 'reference.json'), JSON.stringify({ input: Array.from(input), output: Array.from(mlpReference(input)) }));
    await installOffline(app, 'kit consumer');

    const run = await timed('kit consumer: playwright test', () =>
      runPlaywright(join(app, 'playwright.config.ts'), { cwd: app, cli: join(app, 'node_modules', '@playwright', 'test', 'cli.js'), env: { TENSORLANE_CHROMIUM: chromiumPath() } }),
    );
    expect(run.outcomes.map((o) => `${o.title}: ${o.status}`).sort(), run.output).toEqual(['scales on WebGPU: passed', 'should classify like the reference on WebGPU: passed']);
    for (const outcome of run.outcomes) expect(outcome.attachments.map((a) => a.name)).toContain('webgpu-adapter');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
