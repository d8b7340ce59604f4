// `pnpm bench`: every performance claim of tensorlane, measured side by side in one Chromium, printed as Markdown
// and saved as JSON. Prints figures; asserts nothing.
//   pnpm bench                    every section, full size (~10 min)
//   pnpm bench --quick            smaller rounds, WASM only (under a minute)
//   pnpm bench --only a,b         some sections: saturated, overhead, boundary, batching, smoothness, threads, memory,
//                                 latency, warmup, calibration, engines, recovery, streams, chaos, pictures
//   pnpm bench --write            also writes e2e/bench/results.json and the README's Performance table (full runs only)
//   pnpm bench --write --only a,b those sections replace theirs in results.json; the others are kept, each saying the
//                                 run it came from (a section that cannot run in full here is run alone, e.g. --quick)
//   BASELINE=<git rev> pnpm bench --only saturated
//                                 that revision's tensorlane beside this one in section 1–2, printed as [baseline] lines
// JSON: test-results/bench-<mode>.json. Run it on a quiet machine: the figures are only as steady as the load.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { batching } from './batching.ts';
import { calibration } from './calibration.ts';
import { chaos } from './chaos.ts';
import { engines } from './engines.ts';
import { boundary } from './boundary.ts';
import { runBench, withPage, type Bench, type Mode, type Section } from './harness.ts';
import { latency } from './latency.ts';
import { memory } from './memory.ts';
import { overhead } from './overhead.ts';
import { pictures } from './pictures.ts';
import { recovery } from './recovery.ts';
import { renderReport, renderSection, spliceReadme, type Meta, type Report, type SectionResult } from './report.ts';
import { saturated } from './saturated.ts';
import { smoothness } from './smoothness.ts';
import { checkTargets } from './targets.ts';
import { streams } from './streams.ts';
import { threads } from './threads.ts';
import { warmup } from './warmup.ts';

export const SECTIONS: readonly Section[] = [saturated, overhead, boundary, batching, smoothness, threads, memory, latency, warmup, calibration, engines, recovery, streams, chaos, pictures];

const root = new URL('../../', import.meta.url);
const readJson = (path: string) => JSON.parse(readFileSync(new URL(path, root), 'utf8')) as { version: string };

function commit(): string {
  const git = (...args: string[]) => execFileSync('git', args, { cwd: root, encoding: 'utf8' }).trim();
  try {
    return `${git('rev-parse', '--short', 'HEAD')}${git('status', '--porcelain', '--untracked-files=no') ? '+changes' : ''}`;
  } catch {
    return 'unknown';
  }
}

/** Runs `sections` in `bench`, printing each as it completes; the report, with the targets. */
export async function measure(bench: Bench, sections: readonly Section[], log = console.log): Promise<Report> {
  const loadBefore = loadavg()[0]!;
  const adapter = await withPage(bench, false, (page) =>
    page.evaluate(async () => {
      type Adapter = { info: { vendor: string; architecture: string; isFallbackAdapter: boolean } };
      const adapter = await (navigator as { gpu?: { requestAdapter(): Promise<Adapter | null> } }).gpu?.requestAdapter();
      return adapter ? { name: `${adapter.info.vendor} ${adapter.info.architecture}`, fallback: adapter.info.isFallbackAdapter } : undefined;
    }),
  );
  const results: SectionResult[] = [];
  for (const section of sections) {
    const started = Date.now();
    const result = await section.run(bench);
    results.push(result);
    log(`${renderSection(result)}\n\n(${section.id}: ${((Date.now() - started) / 1000).toFixed(0)} s)\n`);
  }
  const meta: Meta = {
    mode: bench.mode,
    date: new Date().toISOString().slice(0, 10),
    machine: `${cpus()[0]?.model.trim() ?? 'unknown CPU'}, Linux`,
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    load: [loadBefore, loadavg()[0]!],
    browser: `Chromium ${bench.browser.version()}`,
    adapter: adapter?.name ?? 'no adapter',
    ...(adapter ? { fallbackAdapter: adapter.fallback } : {}),
    onnxruntimeWeb: readJson('node_modules/onnxruntime-web/package.json').version,
    tensorlane: readJson('packages/tensorlane/package.json').version,
    commit: commit(),
  };
  return { meta, targets: checkTargets(results), sections: results };
}

/** How a section kept from an earlier report says where it came from, once. */
const KEPT = 'Measured in ';

/**
 * `report`'s sections in place of theirs in `earlier`, the others kept, each saying which run it came from; the
 * targets read again from them all.
 */
export function keepOthers(report: Report, earlier: Report): Report {
  const { meta } = earlier;
  const from = `Measured in an earlier run, not in the run above: \`pnpm bench\` (${meta.mode} mode, ${meta.date}, commit ${meta.commit}) on ${meta.machine}, ${meta.cores} cores; onnxruntime-web ${meta.onnxruntimeWeb}. `;
  const sections = SECTIONS.flatMap((section) => {
    const fresh = report.sections.find((s) => s.id === section.id);
    if (fresh) return [fresh];
    const kept = earlier.sections.find((s) => s.id === section.id);
    if (!kept) return [];
    return [kept.text.startsWith(KEPT) ? kept : { ...kept, text: `${from}${kept.text}` }];
  });
  return { meta: report.meta, targets: checkTargets(sections), sections };
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const mode: Mode = args.includes('--smoke') ? 'smoke' : args.includes('--quick') ? 'quick' : 'full';
  const onlyAt = args.indexOf('--only');
  const only = onlyAt >= 0 ? (args[onlyAt + 1] ?? '').split(',') : undefined;
  const unknown = only?.filter((id) => !SECTIONS.some((s) => s.id === id)) ?? [];
  if (unknown.length > 0) throw new Error(`no bench section ${unknown.join(', ')}; the sections are ${SECTIONS.map((s) => s.id).join(', ')}`);
  const write = args.includes('--write');
  if (write && mode !== 'full') throw new Error('--write needs a full run: the README shows full figures');
  const sections = only ? SECTIONS.filter((s) => only.includes(s.id)) : SECTIONS;

  const report = await runBench(mode, (bench) => measure(bench, sections));
  const markdown = renderReport(report);
  console.log(`\n${markdown}\n`);
  mkdirSync(new URL('test-results/', root), { recursive: true });
  writeFileSync(new URL(`test-results/bench-${mode}.json`, root), `${JSON.stringify(report, null, 2)}\n`);
  if (write) {
    const results = new URL('e2e/bench/results.json', root);
    const written = only ? keepOthers(report, JSON.parse(readFileSync(results, 'utf8')) as Report) : report;
    writeFileSync(results, `${JSON.stringify(written, null, 2)}\n`);
    const readme = new URL('README.md', root);
    writeFileSync(readme, spliceReadme(readFileSync(readme, 'utf8'), renderReport(written)));
    console.log('wrote e2e/bench/results.json and README.md');
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
