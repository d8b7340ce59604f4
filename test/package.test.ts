// Checks of the packages as published (tensorlane and @tensorlane/playwright): each packed tarball lints clean
// (publint --strict), its types resolve for ESM consumers (attw), it holds what a user needs and nothing else, it stays
// within the size budget stated in its README, and its version has a CHANGELOG entry. Needs the built packages
// (pnpm -r build).
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const bin = (name: string) => join(repoRoot, 'node_modules', '.bin', name);

/** A published package: where it is, the built files it must ship, and the size budget of the tarball's own files. */
interface Published {
  readonly name: string;
  readonly dir: string;
  readonly needed: readonly string[];
  readonly budget: { readonly packedKiB: number; readonly unpackedKiB: number };
}

const PACKAGES: readonly Published[] = [
  {
    // onnxruntime-web and comlink are dependencies, not counted.
    name: 'tensorlane',
    dir: join(repoRoot, 'packages', 'tensorlane'),
    needed: ['dist/index.js', 'dist/index.d.ts', 'dist/worker/entry.js', 'dist/worker/entry.d.ts'],
    budget: { packedKiB: 160, unpackedKiB: 760 },
  },
  {
    // es-module-shims is a dependency; tensorlane and @playwright/test are peers.
    name: '@tensorlane/playwright',
    dir: join(repoRoot, 'packages', 'playwright'),
    needed: ['dist/index.js', 'dist/index.d.ts'],
    budget: { packedKiB: 60, unpackedKiB: 250 },
  },
];
const tensorlaneDir = PACKAGES[0]!.dir;

/** Runs a command; on failure the assertion shows its whole output. */
async function check(command: string, args: readonly string[], cwd: string): Promise<{ ok: boolean; output: string }> {
  try {
    const { stdout, stderr } = await run(command, args, { cwd, maxBuffer: 16 << 20 });
    return { ok: true, output: stdout + stderr };
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    return { ok: false, output: `${String(error)}\n${stdout}${stderr}` };
  }
}

describe.each(PACKAGES)('the packed package $name', ({ name, dir: packageDir, needed, budget }) => {
  let dir: string;
  let tarball: string;
  let files: string[];

  beforeAll(async () => {
    if (!existsSync(join(packageDir, 'dist', 'index.js'))) {
      throw new Error(`${name}: dist/ is missing: build the packages first (pnpm -r build)`);
    }
    dir = await mkdtemp(join(tmpdir(), 'tensorlane-pack-'));
    const { stdout } = await run('pnpm', ['pack', '--json', '--pack-destination', dir], { cwd: packageDir });
    const packed = JSON.parse(stdout) as { filename: string; files: { path: string }[] };
    tarball = packed.filename;
    files = packed.files.map((f) => f.path).sort();
  }, 60_000);

  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('should pass publint --strict', async () => {
    const result = await check(bin('publint'), ['--strict'], packageDir);
    expect(result.output).toContain('All good!');
    expect(result.ok, result.output).toBe(true);
  }, 60_000);

  it('should resolve its types for ESM consumers and bundlers (attw, esm-only profile)', async () => {
    // esm-only: both are ES module packages (tensorlane for browsers and bundlers, the kit for Node >= 20.19, where
    // require() loads ES modules); node10 resolution and CommonJS types are out of scope.
    const result = await check(bin('attw'), [tarball, '--profile', 'esm-only', '--format', 'table-flipped'], packageDir);
    expect(result.ok, result.output).toBe(true);
  }, 60_000);

  it('should hold the built code, its types and maps, README, LICENSE and CHANGELOG, and no tests or sources', () => {
    for (const file of ['package.json', 'README.md', 'LICENSE', 'CHANGELOG.md', ...needed]) expect(files).toContain(file);
    expect(files.filter((f) => !/^(dist\/.+\.(js|d\.ts|js\.map)|package\.json|README\.md|LICENSE|CHANGELOG\.md)$/.test(f))).toEqual([]);
    expect(files.filter((f) => f.includes('.test'))).toEqual([]);
  });

  it(`should stay within the size budget: ${budget.packedKiB} KiB packed, ${budget.unpackedKiB} KiB unpacked`, async () => {
    const packed = (await stat(tarball)).size;
    let unpacked = 0;
    for (const file of files) unpacked += (await stat(join(packageDir, file))).size;
    console.log(`[package] ${name}: ${files.length} files, ${(packed / 1024).toFixed(1)} KiB packed, ${(unpacked / 1024).toFixed(1)} KiB unpacked`);
    expect(packed).toBeLessThanOrEqual(budget.packedKiB * 1024);
    expect(unpacked).toBeLessThanOrEqual(budget.unpackedKiB * 1024);
  });

  it('should be version 0.x with a CHANGELOG entry for that version', async () => {
    const { version } = JSON.parse(await readFile(join(packageDir, 'package.json'), 'utf8')) as { version: string };
    expect(version).toMatch(/^0\.\d+\.\d+$/);
    const changelog = await readFile(join(packageDir, 'CHANGELOG.md'), 'utf8');
    expect(changelog).toMatch(new RegExp(`^## ${version.replaceAll('.', '\\.')}\\b`, 'm'));
  });
});

describe('the built package tensorlane', () => {
  it('should report the same version to the worker handshake as its package.json', async () => {
    const { version } = JSON.parse(await readFile(join(tensorlaneDir, 'package.json'), 'utf8')) as { version: string };
    const { VERSION } = (await import(join(tensorlaneDir, 'dist', 'wire', 'version.js'))) as { VERSION: string };
    expect(VERSION).toBe(version);
  });

  it('should key stored backend choices by the onnxruntime-web version it depends on and runs', async () => {
    const { dependencies } = JSON.parse(await readFile(join(tensorlaneDir, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    const { ORT_VERSION } = (await import(join(tensorlaneDir, 'dist', 'wire', 'version.js'))) as { ORT_VERSION: string };
    const ort = (await import('onnxruntime-web')) as { env: { versions: { common: string } } };
    expect(dependencies['onnxruntime-web']).toBe(ORT_VERSION);
    expect(ort.env.versions.common).toBe(ORT_VERSION);
  });
});
