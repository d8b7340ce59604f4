// Chaos under load, for minutes: three sessions on the lookup model kept busy with concurrent predict/predictBatch
// calls while faults strike at seeded random moments (e2e/harness/chaos.ts). Counts, not times: every call settled
// once, every answer right, every rejection a code a fault explains, memory at the start and the end, workers left.
import { loadavg } from 'node:os';
import type { Backend } from 'tensorlane';
import type { ChaosReport } from '../harness/chaos.ts';
import { pick, withPage, type Section } from './harness.ts';

const MB = 2 ** 20;

/** Whether a retry may help, by the codes a chaos call may reject with; any other code breaks a rule. */
const RETRY: Readonly<Record<string, boolean>> = { WORKER_CRASHED: true, TIMEOUT: true, DISPOSED: false };

/** `WORKER_CRASHED 12 (retry), DISPOSED 8 (final)`. */
function formatRejections(rejections: ChaosReport['rejections']): string {
  const entries = Object.entries(rejections);
  if (entries.length === 0) return 'none';
  return entries.map(([code, n]) => `${code} ${n} (${RETRY[code] === undefined ? 'unexpected' : RETRY[code] ? 'retry' : 'final'})`).join(', ');
}

/** The heap of each session at the start → at the end, in MB. */
function formatMemory({ start, end }: ChaosReport['memory'], key: 'wasmHeapBytes' | 'gpuBufferBytes'): string {
  return start.map((s, i) => `${(s[key] / MB).toFixed(1)}→${(end[i]![key] / MB).toFixed(1)}`).join(', ');
}

export const chaos: Section = {
  id: 'chaos',
  async run(bench) {
    const seconds = pick(bench.mode, { full: 180, quick: 30, smoke: 3 });
    const backends = pick<readonly Backend[]>(bench.mode, { full: ['wasm', 'webgpu'], quick: ['wasm'], smoke: ['wasm'] });
    const rows: string[][] = [];
    const figures: Record<string, number> = {};
    const load = [loadavg()[0]!];
    for (const backend of backends) {
      const report = await withPage(bench, false, async (page) => {
        const r = await page.evaluate(
          (options) => window.harness.chaos(options),
          { backend, seconds, seed: 20261202, concurrency: 16, faultEvery: backend === 'webgpu' ? 6 : 3 },
        );
        // Every session disposed: its worker, and any worker a restart started, is gone.
        const deadline = Date.now() + 30_000;
        while (page.workers().length > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
        return { ...r, workersLeft: page.workers().length };
      });
      const { faults, rejections } = report;
      const broken = report.unexpected.length + report.settledTwice + report.unsettled + report.wrong;
      rows.push([
        backend,
        String(report.calls),
        Object.entries(faults).map(([kind, n]) => `${kind} ${n}`).join(', '),
        `${report.resolved} (${report.wrong} wrong)`,
        formatRejections(rejections),
        `${rejections.WORKER_CRASHED ?? 0} of ${report.inFlightAtCrashes} in flight at ${report.crashes} crashes`,
        `${report.settledTwice} / ${report.unsettled}`,
        `${formatMemory(report.memory, 'wasmHeapBytes')}${backend === 'webgpu' ? `; GPU ${formatMemory(report.memory, 'gpuBufferBytes')}` : ''}`,
        String(report.workersLeft),
        broken === 0 ? 'none' : [...report.unexpected, ...report.lost].join('; ') || `${broken}`,
      ]);
      figures[`${backend}.calls`] = report.calls;
      figures[`${backend}.broken`] = broken;
      figures[`${backend}.workersLeft`] = report.workersLeft;
    }
    load.push(loadavg()[0]!);
    return {
      id: 'chaos',
      title: 'Chaos: faults under load',
      text:
        `Three sessions of the lookup model (two by URL, one given as bytes), each kept at 16 calls in flight ` +
        `(predict of 1–4 rows and predictBatch of 2–4 items, a fifth with a 3 s timeout) for ${seconds} s per backend, ` +
        `while faults strike at seeded random moments (every 3 s on average on WASM, 6 s on WebGPU): an uncaught error ` +
        `and an unhandled rejection in a worker, a lost GPU device at a random point of a run (WebGPU), a worker wedged ` +
        `for 1.5 s, \`restart()\`, and the \`dispose()\` of the third session at 60% of the time. Every answer is ` +
        `checked against the model's; a rejection must be one a fault explains (\`WORKER_CRASHED\` only for a call in ` +
        `flight when the page saw its worker crash, \`TIMEOUT\` only for a call with a timeout, \`DISPOSED\` only on the ` +
        `disposed session). Load average ${load.map((x) => x.toFixed(2)).join(' before, ')} after.`,
      header: ['backend', 'calls', 'faults', 'resolved', 'rejections (retry may help?)', 'WORKER_CRASHED', 'settled twice / never', 'heap MB, start→end', 'workers left', 'broken rules'],
      rows,
      figures,
    };
  },
};
