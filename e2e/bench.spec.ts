// Keeps `pnpm bench` from rotting: every section runs once, at its smallest, against the harness the tests serve,
// and the report renders. Asserts the shape of what was measured, never a time.
import { SECTIONS, measure } from './bench/bench.ts';
import { openHarness } from './bench/harness.ts';
import { renderReport } from './bench/report.ts';
import { expect, test } from './fixtures.ts';

test('should run every bench section in smoke mode and render the report', async ({ browser, baseURL }) => {
  test.setTimeout(300_000);
  const url = `${baseURL}/`;
  const report = await measure({ browser, url, mode: 'smoke', openPage: ({ isolated = false } = {}) => openHarness(browser, url, isolated) }, SECTIONS, () => undefined);
  expect(report.sections.map((s) => s.id)).toEqual(SECTIONS.map((s) => s.id));
  for (const section of report.sections) {
    expect(section.rows.length, section.id).toBeGreaterThan(0);
    for (const row of section.rows) expect(row.length, section.id).toBe(section.header.length);
    for (const [name, value] of Object.entries(section.figures)) expect(Number.isFinite(value), `${section.id} ${name}`).toBe(true);
  }
  // The targets whose models or sizes smoke mode leaves out say so rather than pass; it proves nothing about speed.
  expect(report.targets.filter((t) => t.measured === 'not measured').map((t) => t.target)).toEqual([
    'saturated throughput vs the floor, MLP',
    'batched vs maxBatchSize 1, MLP',
    'batched vs onnxruntime-web main thread, conv net, 1 thread each',
    "batched vs onnxruntime-web main thread, conv net, each with its defaults (numThreads 'auto')",
    'overhead vs hand-written worker, MLP batch 64',
    'boundary at 64 MiB vs a bare transfer',
    'boundary at 64 MiB vs the hand-written worker',
  ]);
  expect(report.sections.find((s) => s.id === 'threads')!.figures['auto']).toBeGreaterThan(1);
  expect(renderReport(report)).toContain('#### 8. Memory: copies of a batch at the peak');
});
