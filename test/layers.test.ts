// The layers of ARCHITECTURE.md, held: each folder of packages/tensorlane/src imports only the layers below it, the
// page (client/) and the worker (worker/) never import each other, and no module imports itself back through others.
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const src = fileURLToPath(new URL('../packages/tensorlane/src/', import.meta.url));

/** What each layer may import, besides itself: the right-hand column of ARCHITECTURE.md's table. */
const ALLOWED: Readonly<Record<string, readonly string[]>> = {
  'errors.ts': [],
  types: ['errors.ts'],
  tensor: ['types', 'errors.ts'],
  wire: ['tensor', 'types', 'errors.ts'],
  cache: ['wire', 'tensor', 'types', 'errors.ts', 'client/url.ts'],
  client: ['cache', 'wire', 'tensor', 'types', 'errors.ts'],
  worker: ['cache', 'wire', 'tensor', 'types', 'errors.ts'],
  'index.ts': ['client', 'cache', 'wire', 'tensor', 'types', 'errors.ts'],
};

const layerOf = (path: string) => (path.includes('/') ? path.slice(0, path.indexOf('/')) : path);

describe('source layers', () => {
  /** Every source module (tests excluded), with the modules it imports, as paths under src/. */
  let imports: Map<string, string[]>;
  beforeAll(async () => {
    const files = (await readdir(src, { recursive: true })).filter((p) => p.endsWith('.ts') && !/\.test(-d)?\.ts$/.test(p));
    imports = new Map();
    for (const file of files) {
      const text = await readFile(join(src, file), 'utf8');
      const targets = [...text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)].map(([, spec]) =>
        relative(src, resolve(dirname(join(src, file)), spec!)).replace(/\.js$/, '.ts'),
      );
      imports.set(file, targets);
    }
  });

  it('should import only the layers below, and never between client/ and worker/', () => {
    const wrong: string[] = [];
    for (const [file, targets] of imports) {
      const layer = layerOf(file);
      const allowed = ALLOWED[layer];
      expect(allowed, `${file} is in no layer of ARCHITECTURE.md`).toBeDefined();
      for (const target of targets) {
        if (layerOf(target) === layer || allowed!.includes(layerOf(target)) || allowed!.includes(target)) continue;
        wrong.push(`${file} imports ${target}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('should have no import cycle', () => {
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const visit = (file: string, path: string[]) => {
      state.set(file, 'open');
      for (const next of imports.get(file) ?? []) {
        if (state.get(next) === 'open') cycles.push([...path.slice(path.indexOf(next)), next].join(' → '));
        else if (!state.has(next)) visit(next, [...path, next]);
      }
      state.set(file, 'done');
    };
    for (const file of imports.keys()) if (!state.has(file)) visit(file, [file]);
    expect(cycles).toEqual([]);
  });
});
