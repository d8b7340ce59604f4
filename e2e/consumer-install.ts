// Installing a project outside the workspace as a user would: from the packed tarballs, with pnpm, offline, from the
// store the repo's own `pnpm install` filled. Used by the consumer apps of e2e/consumer.spec.ts and the consumer
// project of @tensorlane/playwright's tests.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's root directory. */
export const repoRoot = fileURLToPath(new URL('..', import.meta.url));

export interface Run {
  code: number | null;
  output: string;
}

/** Runs a command to completion, collecting stdout and stderr together. */
export function run(command: string, args: readonly string[], cwd: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

export async function mustRun(what: string, command: string, args: readonly string[], cwd: string, hint = ''): Promise<string> {
  const { code, output } = await run(command, args, cwd);
  if (code !== 0) throw new Error(`${what} failed (exit ${code}) in ${cwd}${hint}:\n${output}`);
  return output;
}

export async function timed<T>(what: string, action: () => Promise<T>): Promise<T> {
  const start = performance.now();
  const result = await action();
  console.log(`[consumer] ${what}: ${Math.round(performance.now() - start)} ms`);
  return result;
}

/** Packs the built package in `packageDir` into `destination`; returns the tarball's path. `built` must exist first. */
export async function packTarball(packageDir: string, destination: string, built: readonly string[]): Promise<string> {
  const name = relative(repoRoot, packageDir);
  for (const file of built) {
    if (!existsSync(join(packageDir, file))) throw new Error(`${name}/${file} is missing: build the package first (pnpm -r build)`);
  }
  const json = await mustRun('pnpm pack', 'pnpm', ['pack', '--json', '--pack-destination', destination], packageDir);
  const packed = JSON.parse(json) as { filename: string; files: unknown[] };
  const { size } = await stat(packed.filename);
  console.log(`[consumer] tarball ${packed.filename}: ${size} bytes, ${packed.files.length} files`);
  return packed.filename;
}

/**
 * pnpm overrides that pin an app to the versions of the repo's lockfile. The root `pnpm install` put exactly these
 * in pnpm's store, so an offline install resolves from the store even where pnpm's metadata cache knows newer
 * versions (it does: protobufjs depends on `@types/node: >=13.7.0`, which would resolve to the latest). A package
 * locked at one version is pinned by name; one locked at several (postcss: Vite's, Next 15's and Next 16's) is pinned
 * per dependent, as the lockfile's snapshots record it (`"vite@8.3.8>postcss": "8.5.33"`).
 */
async function lockedVersions(): Promise<Record<string, string>> {
  const lockfile = await readFile(join(repoRoot, 'pnpm-lock.yaml'), 'utf8');
  // The last YAML document is the project's (the first, when present, pins pnpm itself).
  const project = lockfile.split(/^---$/m).at(-1)!;
  const sections = /^packages:$([\s\S]*?)^snapshots:$([\s\S]*)/m.exec(project);
  if (sections === null) throw new Error('pnpm-lock.yaml has no packages and snapshots sections');
  const [, packages, snapshots] = sections;
  const versions = new Map<string, Set<string>>();
  for (const [, name, version] of packages!.matchAll(/^ {2}'?(@?[^@\s']+)@(\d[^\s'(]*)'?:$/gm)) {
    versions.set(name!, (versions.get(name!) ?? new Set()).add(version!));
  }
  const overrides: Record<string, string> = {};
  for (const [name, locked] of versions) if (locked.size === 1) overrides[name] = [...locked][0]!;
  // Each snapshot: `  name@version(peers…):` then its (optional) dependencies, one `      child: version(peers…)` a line.
  for (const [, parent, body] of snapshots!.matchAll(/^ {2}'?(@?[^@\s']+@\d[^\s'(:]*)[^\n]*\n((?: {4}.*\n?)*)/gm)) {
    for (const [, child, version] of body!.matchAll(/^ {6}'?(@?[^\s':]+)'?: (\d[^\s(]*)/gm)) {
      if (overrides[child!] === undefined) overrides[`${parent}>${child}`] = version!;
    }
  }
  return overrides;
}

/**
 * Installs the project in `app` offline. Its own pnpm-workspace.yaml makes it a workspace root of its own (pnpm
 * looks no further up) and holds the settings pnpm 12 reads only from there: the locked versions, the one build
 * script to allow (protobufjs' postinstall, which only prints a notice; without a decision pnpm 12 fails with
 * ERR_PNPM_IGNORED_BUILDS), and `settings` of the project's own.
 */
export async function installOffline(app: string, label: string, settings: Readonly<Record<string, unknown>> = {}): Promise<void> {
  // JSON is YAML.
  const workspace = { overrides: await lockedVersions(), allowBuilds: { protobufjs: true }, ...settings };
  await writeFile(join(app, 'pnpm-workspace.yaml'), `${JSON.stringify(workspace, null, 2)}\n`);
  // The store must be the one the repo's node_modules came from: an install under another HOME leaves this one empty
  // while the root's node_modules looks up to date.
  const hint = " (it installs from pnpm's store only: run `pnpm install` at the repo root first, or `pnpm install --force` if node_modules came from another pnpm store)";
  await timed(`${label}: pnpm install --offline`, () => mustRun('pnpm install --offline', 'pnpm', ['install', '--offline'], app, hint));
}
