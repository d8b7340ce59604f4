// Checks of the package as published: the packed tarball lints clean (publint --strict), its types resolve for ESM
// consumers (attw), it holds what a user needs and nothing else, it stays within the size budget stated in the
// README, and its version has a CHANGELOG entry. Needs the built package (pnpm --filter tensorlane build).
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
const packageDir = join(repoRoot, 'packages', 'tensorlane');
const bin = (name: string) => join(repoRoot, 'node_modules', '.bin', name);

/** The size budget of the tarball's own files (onnxruntime-web and comlink are dependencies, not counted). */
const BUDGET = { packedKiB: 120, unpackedKiB: 600 } as const;

/** Runs a command; on failure the assertion shows its whole output. */
async function check(command: string, args: readonly string[]): Promise<{ ok: boolean; output: string }> {
  try {
    const { stdout, stderr } = await run(command, args, { cwd: packageDir, maxBuffer: 16 << 20 });
    return { ok: true, output: stdout + stderr };
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    return { ok: false, output: `${String(error)}\n${stdout}${stderr}` };
  }
}

describe('the packed package', () => {
  let dir: string;
  let tarball: string;
  let files: string[];

  beforeAll(async () => {
    if (!existsSync(join(packageDir, 'dist', 'index.js'))) {
      throw new Error('packages/tensorlane/dist is missing: build the package first (pnpm --filter tensorlane build)');
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
    const result = await check(bin('publint'), ['--strict']);
    expect(result.output).toContain('All good!');
    expect(result.ok, result.output).toBe(true);
  }, 60_000);

  it('should resolve its types for ESM consumers and bundlers (attw, esm-only profile)', async () => {
    // esm-only: tensorlane is an ES module package for browsers; node10 and require() from CommonJS are out of scope.
    const result = await check(bin('attw'), [tarball, '--profile', 'esm-only', '--format', 'table-flipped']);
    expect(result.ok, result.output).toBe(true);
  }, 60_000);

  it('should hold the built code, its types and maps, README, LICENSE and CHANGELOG, and no tests or sources', () => {
    for (const needed of ['package.json', 'README.md', 'LICENSE', 'CHANGELOG.md', 'dist/index.js', 'dist/index.d.ts', 'dist/worker/entry.js', 'dist/worker/entry.d.ts']) {
      expect(files).toContain(needed);
    }
    expect(files.filter((f) => !/^(dist\/.+\.(js|d\.ts|js\.map)|package\.json|README\.md|LICENSE|CHANGELOG\.md)$/.test(f))).toEqual([]);
    expect(files.filter((f) => f.includes('.test'))).toEqual([]);
  });

  it(`should stay within the size budget: ${BUDGET.packedKiB} KiB packed, ${BUDGET.unpackedKiB} KiB unpacked`, async () => {
    const packed = (await stat(tarball)).size;
    let unpacked = 0;
    for (const file of files) unpacked += (await stat(join(packageDir, file))).size;
    console.log(`[package] ${files.length} files: ${(packed / 1024).toFixed(1)} KiB packed, ${(unpacked / 1024).toFixed(1)} KiB unpacked`);
    expect(packed).toBeLessThanOrEqual(BUDGET.packedKiB * 1024);
    expect(unpacked).toBeLessThanOrEqual(BUDGET.unpackedKiB * 1024);
  });

  it('should be version 0.x with a CHANGELOG entry for that version', async () => {
    const { version } = JSON.parse(await readFile(join(packageDir, 'package.json'), 'utf8')) as { version: string };
    expect(version).toMatch(/^0\.\d+\.\d+$/);
    const changelog = await readFile(join(packageDir, 'CHANGELOG.md'), 'utf8');
    expect(changelog).toMatch(new RegExp(`^## ${version.replaceAll('.', '\\.')}\\b`, 'm'));
  });

  it('should report the same version to the worker handshake as its package.json', async () => {
    const { version } = JSON.parse(await readFile(join(packageDir, 'package.json'), 'utf8')) as { version: string };
    const { VERSION } = (await import(join(packageDir, 'dist', 'version.js'))) as { VERSION: string };
    expect(VERSION).toBe(version);
  });

  it('should key stored backend choices by the onnxruntime-web version it depends on and runs', async () => {
    const { dependencies } = JSON.parse(await readFile(join(packageDir, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    const { ORT_VERSION } = (await import(join(packageDir, 'dist', 'version.js'))) as { ORT_VERSION: string };
    const ort = (await import('onnxruntime-web')) as { env: { versions: { common: string } } };
    expect(dependencies['onnxruntime-web']).toBe(ORT_VERSION);
    expect(ort.env.versions.common).toBe(ORT_VERSION);
  });
});
