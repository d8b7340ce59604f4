// Keeps `pnpm bench` from rotting: every section runs once, at its smallest, against the harness the tests serve,
// and the report renders. Asserts the shape of what was measured, never a time.
import { SECTIONS, measure } from './bench/bench.ts';
import { benchAt } from './bench/harness.ts';
import { renderReport } from './bench/report.ts';
import { expect, test } from './fixtures.ts';

test('should run every bench section in smoke mode and render the report', async ({ browser, baseURL }) => {
  test.setTimeout(300_000);
  const report = await measure(benchAt(browser, `${baseURL}/`, 'smoke'), SECTIONS, () => undefined);
  expect(report.sections.map((s) => s.id)).toEqual(SECTIONS.map((s) => s.id));
  for (const section of report.sections) {
    expect(section.rows.length, section.id).toBeGreaterThan(0);
    for (const row of section.rows) expect(row.length, section.id).toBe(section.header.length);
    for (const [name, value] of Object.entries(section.figures)) expect(Number.isFinite(value), `${section.id} ${name}`).toBe(true);
  }
  // Smoke mode leaves models and sizes out: a target it did not measure says so rather than pass.
  expect(report.targets.filter((t) => t.measured === 'not measured' && t.met)).toEqual([]);
  // 'auto' on the bench's cross-origin isolated page: one thread per core but one, up to 4.
  expect(report.sections.find((s) => s.id === 'threads')!.figures['auto']).toBe(Math.max(1, Math.min(4, report.meta.cores - 1)));
  expect(renderReport(report)).toContain('#### 8. Memory: copies of a batch at the peak');
});
