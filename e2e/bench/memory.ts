// 8. Memory: how many copies of a 64-row batch live at the peak, onnxruntime-web's own included, read from the
// renderer process's peak resident memory (Linux: VmHWM, reset through /proc/<pid>/clear_refs).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { formatSample, sampleOf, type SectionResult } from './report.ts';
import { launch, openHarness, pick, type Section } from './harness.ts';

const MiB = 2 ** 20;

function kibOf(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match) throw new Error(`/proc/${pid}/status has no ${field}`);
  return Number(match[1]) * 1024;
}

export const memory: Section = {
  id: 'memory',
  async run(bench): Promise<SectionResult> {
    if (!existsSync('/proc/self/clear_refs')) {
      return { id: 'memory', title: '8. Memory: copies of a batch at the peak', text: 'Not measured: it reads peak memory from Linux /proc.', header: ['batch'], rows: [['not measured']], figures: {} };
    }
    const repeats = pick(bench.mode, { full: 5, quick: 2, smoke: 1 });
    const rowFloats = pick(bench.mode, { full: MiB / 4, quick: MiB / 4, smoke: 1024 });
    const batch = 64;
    // A browser of its own: its one page is the only one in its renderer process.
    const browser = await launch();
    const copies: number[] = [];
    const peaks: number[] = [];
    let bytes = 0;
    let rowsPerRun = 0;
    try {
      const cdp = await browser.newBrowserCDPSession();
      for (let i = 0; i < repeats; i++) {
        const page = await openHarness(browser, bench.url, true);
        await page.evaluate((n) => window.harness.perf.memoryOpen(n), rowFloats);
        const { processInfo } = (await cdp.send('SystemInfo.getProcessInfo')) as { processInfo: { type: string; id: number }[] };
        const renderers = processInfo.filter((p) => p.type === 'renderer').map((p) => p.id);
        const pid = renderers.sort((a, b) => kibOf(b, 'VmRSS') - kibOf(a, 'VmRSS'))[0]!;
        const before = kibOf(pid, 'VmRSS');
        writeFileSync(`/proc/${pid}/clear_refs`, '5'); // the peak starts again from here
        ({ bytes, rowsPerRun } = await page.evaluate((args) => window.harness.perf.memoryRun(args.batch, args.rowFloats), { batch, rowFloats }));
        const peak = kibOf(pid, 'VmHWM') - before;
        peaks.push(peak / MiB);
        copies.push(peak / bytes);
        await page.evaluate(() => window.harness.perf.memoryClose());
        await page.close();
      }
    } finally {
      await browser.close();
    }
    const c = sampleOf(copies);
    return {
      id: 'memory',
      title: '8. Memory: copies of a batch at the peak',
      text:
        `${batch} one-row \`predict\` calls fired at once on the identity model (${(rowFloats * 4) / 1024} KiB a row, ` +
        `one stacked run of ${rowsPerRun.toFixed(0)} rows) in a fresh session: the peak resident memory of the ` +
        `renderer process (page and worker, Linux \`VmHWM\`) above what it held before the inputs were made, against ` +
        `the input+output bytes. 1.0 would be the caller's inputs and outputs alone; each extra copy of the batch's ` +
        `input or output adds 0.5. ${repeats} fresh sessions.`,
      header: ['batch', 'input+output MiB', 'peak above baseline MiB', 'copies of input+output'],
      rows: [[`${batch} × 1 row`, (bytes / MiB).toFixed(1), formatSample(sampleOf(peaks), 1), formatSample(c, 2)]],
      figures: { copies: c.median },
    };
  },
};
