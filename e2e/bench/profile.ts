// `pnpm bench:profile`: where a burst's time goes, on the page and in tensorlane's worker. Chrome's tracing (the V8
// sampling profiler of every thread of the renderer) through Playwright, during bursts of one-row predicts; prints
// each thread's busiest functions, self time, and the share of the burst each thread was busy.
//   pnpm bench:profile                 (the tiny model: the path itself; MODEL=mlp.onnx for the MLP)
//   SEQUENTIAL=1 pnpm bench:profile    (calls one after another instead of a burst)
//   RAW=1 pnpm bench:profile           (the same calls through the bench's hand-written worker, for comparison)
//   RAW=batched pnpm bench:profile     (through the bench's batching by hand over that worker, section 1–2's "by hand")
import { writeFileSync } from 'node:fs';
import { runBench } from './harness.ts';
import { MLP, TINY } from './models.ts';

interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  id?: string;
  ts: number;
  args: { name?: string; data?: { cpuProfile?: { nodes?: Node[]; samples?: number[] }; timeDeltas?: number[] } };
}
interface Node {
  id: number;
  parent?: number;
  callFrame: { functionName: string; url?: string; lineNumber: number };
}

/** Self time per function and per thread, in ms, from the trace's ProfileChunk events. */
function selfTimes(events: readonly TraceEvent[]) {
  const threadNames = new Map(events.filter((e) => e.name === 'thread_name').map((e) => [`${e.pid}:${e.tid}`, e.args.name ?? '']));
  const profiles = new Map<string, { thread: string; nodes: Map<number, Node>; self: Map<string, number>; total: number }>();
  // A 'Profile' event comes from the profiled thread; its chunks from the profiler's own thread, under the same id.
  for (const e of events.filter((e) => e.name === 'Profile')) {
    profiles.set(`${e.pid}:${e.id}`, { thread: threadNames.get(`${e.pid}:${e.tid}`) ?? `${e.tid}`, nodes: new Map(), self: new Map(), total: 0 });
  }
  for (const e of events.filter((e) => e.name === 'ProfileChunk')) {
    const profile = profiles.get(`${e.pid}:${e.id}`);
    if (!profile) continue;
    for (const node of e.args.data?.cpuProfile?.nodes ?? []) profile.nodes.set(node.id, node);
    const samples = e.args.data?.cpuProfile?.samples ?? [];
    const deltas = e.args.data?.timeDeltas ?? [];
    samples.forEach((id, i) => {
      const frame = profile.nodes.get(id)?.callFrame;
      const name = frame ? `${frame.functionName || '(anonymous)'} ${(frame.url ?? '').split('/').pop()}:${frame.lineNumber + 1}` : '?';
      const ms = (deltas[i + 1] ?? deltas[i] ?? 0) / 1000;
      profile.self.set(name, (profile.self.get(name) ?? 0) + ms);
      if (!/^\((idle|program|garbage collector)\)/.test(name) || name.startsWith('(garbage')) profile.total += ms;
    });
  }
  return [...profiles.values()];
}

const model = process.env['MODEL'] === 'mlp.onnx' ? MLP : TINY;
const COUNT = Number(process.env['COUNT'] ?? 2000);
const BURSTS = Number(process.env['BURSTS'] ?? 20);
const SEQUENTIAL = process.env['SEQUENTIAL'] === '1';
const RAW: boolean | 'batched' = process.env['RAW'] === '1' ? true : process.env['RAW'] === 'batched' ? 'batched' : false;

// Unminified, so that the profile names tensorlane's functions.
await runBench('full', async (bench) => {
  const page = await bench.openPage({ isolated: true });
  await page.evaluate((args) => window.harness.perf.profileOpen(args.model, args.raw), { model, raw: RAW });
  await page.evaluate((args) => window.harness.perf.profileBurst(args.count, args.sequential), { count: COUNT, sequential: SEQUENTIAL }); // warm-up
  await bench.browser.startTracing(page, { categories: ['disabled-by-default-v8.cpu_profiler', 'v8', 'devtools.timeline', 'disabled-by-default-v8.gc', '__metadata'] });
  let elapsed = 0;
  for (let i = 0; i < BURSTS; i++) {
    elapsed += await page.evaluate((args) => window.harness.perf.profileBurst(args.count, args.sequential), { count: COUNT, sequential: SEQUENTIAL });
  }
  const trace = JSON.parse((await bench.browser.stopTracing()).toString()) as { traceEvents: TraceEvent[] };
  if (process.env['TRACE']) writeFileSync(process.env['TRACE'], JSON.stringify(trace));
  // The hand-written worker keeps no stats: its line says which worker it was instead.
  const stats = RAW ? undefined : await page.evaluate(() => window.harness.perf.profileStats());
  await page.evaluate(() => window.harness.perf.profileClose());
  console.log(
    `${BURSTS} ${SEQUENTIAL ? 'rounds' : 'bursts'} of ${COUNT} one-row predicts${SEQUENTIAL ? ' one after another' : ''} on ${model.file}: ${(elapsed / BURSTS).toFixed(1)} ms a burst, ` +
      `${((1000 * elapsed) / BURSTS / COUNT).toFixed(2)} µs a call` +
      (stats ? `; ${stats.rowsPerRun.toFixed(1)} rows a run, ${stats.runMicrosPerRow.toFixed(2)} µs a row in session.run` : ' (the hand-written worker)'),
  );
  for (const profile of selfTimes(trace.traceEvents)) {
    if (profile.total < 1) continue;
    console.log(`\n${profile.thread}: busy ${profile.total.toFixed(0)} ms (${((1000 * profile.total) / (BURSTS * COUNT)).toFixed(2)} µs a call)`);
    const top = [...profile.self].filter(([name]) => !name.startsWith('(idle)')).sort((a, b) => b[1] - a[1]).slice(0, 25);
    for (const [name, ms] of top) console.log(`  ${ms.toFixed(1).padStart(8)} ms  ${((1000 * ms) / (BURSTS * COUNT)).toFixed(2).padStart(6)} µs/call  ${name}`);
  }
}, { minify: false });
