// @tensorlane/playwright's README states facts the code also holds: its quick start is the file the consumer project
// runs, and its platform table is WEBGPU_FLAGS. These checks keep the two from drifting apart.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { WEBGPU_FLAGS, type AdapterChoice, type Platform } from '../packages/playwright/src/launch.ts';

const kitDir = fileURLToPath(new URL('../packages/playwright/', import.meta.url));
const readme = () => readFile(`${kitDir}README.md`, 'utf8');

/** The rows of the Markdown table whose header row starts with `| first |`. */
function tableRows(text: string, first: string): string[][] {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => l.startsWith(`| ${first} |`));
  expect(start, `no table starting with "| ${first} |"`).toBeGreaterThanOrEqual(0);
  const rows: string[][] = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('|')) break;
    rows.push(line.slice(1, -1).split(' | ').map((c) => c.trim()));
  }
  return rows;
}

const codeSpans = (cell: string) => [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]);

describe('the @tensorlane/playwright README', () => {
  it('should show as its quick start the test the consumer project runs', async () => {
    const block = /## Quick start[\s\S]*?```ts\n([\s\S]*?)```/.exec(await readme())?.[1];
    expect(block).toBe(await readFile(`${kitDir}test/projects/consumer/quick-start.spec.ts`, 'utf8'));
    expect(block!.trim().split('\n')).toHaveLength(5);
  });

  it('should list, per platform and adapter, the flags webgpu() passes', async () => {
    const rows = tableRows(await readme(), 'platform');
    const adapters: AdapterChoice[] = ['hardware', 'software', 'any'];
    const table = Object.fromEntries(rows.map(([platform, ...cells]) => [platform, Object.fromEntries(adapters.map((a, i) => [a, codeSpans(cells[i]!)]))]));
    const expected = Object.fromEntries(
      (Object.keys(WEBGPU_FLAGS) as Platform[]).map((p) => [p, Object.fromEntries(adapters.map((a) => [a, WEBGPU_FLAGS[p][a].map((f) => f.flag)]))]),
    );
    expect(table).toEqual(expected);
  });

  it('should say why each flag is there, as WEBGPU_FLAGS does', async () => {
    const rows = tableRows(await readme(), 'flag');
    const why = new Map(Object.values(WEBGPU_FLAGS).flatMap((byAdapter) => Object.values(byAdapter).flat()).map((f) => [f.flag, f.why]));
    expect(Object.fromEntries(rows.map(([flag, reason]) => [codeSpans(flag!)[0], reason]))).toEqual(Object.fromEntries(why));
  });
});
