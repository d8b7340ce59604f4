// Where the bare model page finds tensorlane and its dependencies: each package's directory on disk (Node's
// resolution, so pnpm's and npm's layouts both work), and the browser entry of each of its exports.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** A package the page may load: its name, its directory, and its specifiers mapped to files relative to it. */
export interface BrowserPackage {
  readonly name: string;
  readonly dir: string;
  /** Bare specifier (`'onnxruntime-web/wasm'`) to file path in the package (`'dist/ort.wasm.bundle.min.mjs'`). */
  readonly entries: Readonly<Record<string, string>>;
}

/** The export conditions a browser build matches, in the order bundlers try them. */
const CONDITIONS = new Set(['browser', 'import', 'module', 'default']);

interface Manifest {
  name?: string;
  exports?: unknown;
  module?: string;
  main?: string;
  dependencies?: Record<string, string>;
}

const readManifest = (dir: string): Manifest => JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest;

/** The directory of package `name` as resolved from `fromDir`. */
function packageDir(name: string, fromDir: string): string {
  let entry: string;
  try {
    entry = createRequire(join(fromDir, 'package.json')).resolve(name);
  } catch (error) {
    throw new Error(`cannot find package "${name}" from ${fromDir}: install it (it is a dependency of the model page)`, { cause: error });
  }
  for (let dir = dirname(entry); dir !== dirname(dir); dir = dirname(dir)) {
    try {
      if (readManifest(dir).name === name) return dir;
    } catch {
      // no package.json here
    }
  }
  throw new Error(`package "${name}" resolved to ${entry}, but no package.json named "${name}" is above it`);
}

/** The file an exports target selects for a browser, following conditions in their order. */
function pick(target: unknown): string | undefined {
  if (typeof target === 'string') return target;
  if (Array.isArray(target)) return target.map(pick).find((t) => t !== undefined);
  if (typeof target !== 'object' || target === null) return undefined;
  for (const [condition, value] of Object.entries(target)) {
    const file = CONDITIONS.has(condition) ? pick(value) : undefined;
    if (file !== undefined) return file;
  }
  return undefined;
}

/** Every bare specifier of package `name` (its root and each exported subpath without wildcards) and its file. */
function entriesOf(name: string, manifest: Manifest): Record<string, string> {
  const { exports } = manifest;
  if (exports === undefined) return { [name]: (manifest.module ?? manifest.main ?? 'index.js').replace(/^\.\//, '') };
  const subpaths = typeof exports === 'object' && exports !== null && !Array.isArray(exports) && Object.keys(exports).some((k) => k.startsWith('.'));
  const map = (subpaths ? exports : { '.': exports }) as Record<string, unknown>;
  const entries: Record<string, string> = {};
  for (const [subpath, target] of Object.entries(map)) {
    const file = subpath.includes('*') ? undefined : pick(target);
    if (file !== undefined) entries[subpath === '.' ? name : `${name}${subpath.slice(1)}`] = file.replace(/^\.\//, '');
  }
  return entries;
}

function browserPackage(name: string, fromDir: string): BrowserPackage {
  const dir = packageDir(name, fromDir);
  return { name, dir, entries: entriesOf(name, readManifest(dir)) };
}

/**
 * The packages the model page serves: tensorlane (the one this kit's peer dependency resolves to) with its
 * dependencies, and es-module-shims, which gives tensorlane's worker the page's import map.
 */
export function modelPagePackages(): readonly BrowserPackage[] {
  const here = dirname(fileURLToPath(import.meta.url));
  const tensorlane = browserPackage('tensorlane', here);
  const dependencies = Object.keys(readManifest(tensorlane.dir).dependencies ?? {}).map((name) => browserPackage(name, tensorlane.dir));
  return [tensorlane, ...dependencies, browserPackage('es-module-shims', here)];
}

/** The import map that points every specifier of `packages` at `/@pkg/<name>/<file>`. */
export function importMapOf(packages: readonly BrowserPackage[]): { imports: Record<string, string> } {
  const imports: Record<string, string> = {};
  for (const { name, entries } of packages) {
    for (const [specifier, file] of Object.entries(entries)) imports[specifier] = `/@pkg/${name}/${file}`;
  }
  return { imports };
}
