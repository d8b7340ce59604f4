// `pnpm bench:calls`: what one call costs tensorlane's own code, in CPU time, without a browser's noise. Calls one
// after another, each awaited, on the MLP, in one Node thread (calls-in-node.ts): both sides of a call share it, so a
// call's figure is the CPU both sides spend on it; section 3 of `pnpm bench` adds to it the waking of two threads in a
// browser. µs a call, medians (min–max) of the rounds, the ways taking turns.
//   pnpm bench:calls                      (the table: batch 1 and 64, 7 rounds)
//   BATCH=1 ROUNDS=15 pnpm bench:calls    (one batch size, more rounds)
//   BASELINE=<git rev> pnpm bench:calls   (that revision's tensorlane too, side by side in the same rounds)
//   PROFILE=1 pnpm bench:calls            (where tensorlane's µs go: self time by function, sampled; PROFILE=byHand
//                                          for the hand-written pair)
// calls-in-node.ts runs as Vite builds code for production: tsx would wrap every closure in a naming call, which
// costs a call more than in a browser.
import { execFileSync } from 'node:child_process';
import { copyFileSync, rmSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'vite';

const ROUNDS = Number(process.env['ROUNDS'] ?? 7);
const BATCHES = [1, 64].filter((batch) => !process.env['BATCH'] || String(batch) === process.env['BATCH']);
const CALLS: Record<number, number> = { 1: 3000, 64: 300 };
const repo = fileURLToPath(new URL('../../', import.meta.url));
const scratch = `${repo}node_modules/.bench-calls/`;

/** calls-in-node.ts built against the tensorlane of the tree at `root`, and loaded. */
async function load(root: string, name: string): Promise<typeof import('./calls-in-node.ts')> {
  const outDir = `${scratch}${name}/`;
  await build({ configFile: false, logLevel: 'warn', build: { ssr: `${root}e2e/bench/calls-in-node.ts`, outDir, emptyOutDir: true, target: 'node20' } });
  return import(pathToFileURL(`${outDir}calls-in-node.js`).href);
}

/** The baseline's tensorlane, measured by this tree's calls-in-node.ts: a worktree under node_modules, removed once built. */
async function loadBaseline(rev: string) {
  const tree = `${scratch}baseline-tree/`;
  rmSync(tree, { recursive: true, force: true });
  execFileSync('git', ['worktree', 'add', '--detach', '--force', tree, rev], { cwd: repo, stdio: 'ignore' });
  try {
    copyFileSync(`${repo}e2e/bench/calls-in-node.ts`, `${tree}e2e/bench/calls-in-node.ts`);
    return await load(tree, 'baseline');
  } finally {
    execFileSync('git', ['worktree', 'remove', '--force', tree], { cwd: repo, stdio: 'ignore' });
  }
}

const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
const cell = (xs: readonly number[]) => `${median(xs).toFixed(1)} (${Math.min(...xs).toFixed(1)}–${Math.max(...xs).toFixed(1)})`;

type Lane = readonly [name: string, make: (calls: number) => Promise<void>, per: number];

/** µs a call (or a row: `per` rows a call) of each lane, over `rounds` rounds taking turns, after one to warm up. */
async function measure(lanes: readonly Lane[], calls: number): Promise<Map<string, number[]>> {
  const micros = new Map<string, number[]>(lanes.map(([name]) => [name, []]));
  for (let round = -1; round < ROUNDS; round++) {
    for (const [name, make, per] of lanes) {
      const started = performance.now();
      await make(calls);
      if (round >= 0) micros.get(name)!.push(((performance.now() - started) * 1000) / calls / per);
    }
  }
  return micros;
}

const current = await load(repo, 'current');
const rev = process.env['BASELINE'];
const baseline = rev ? await loadBaseline(rev) : undefined;
const profiled = process.env['PROFILE'] === '1' ? 'tensorlane' : process.env['PROFILE'] === 'byHand' ? 'byHand' : undefined;
const then = (t: readonly number[], b: readonly number[] | undefined) => (b ? `${cell(b)} | ${(median(t) / median(b)).toFixed(3)} | ` : '');
const rows: string[] = [];
/** KiB of heap allocated a call, the median of 3 counts, per lane: calls one after another, and a burst. */
const heap: string[] = [];
const kib = async (count: () => Promise<number>) => {
  const counts = [await count(), await count(), await count()];
  return (median(counts) / 1024).toFixed(2);
};
type Ways = Awaited<ReturnType<typeof current.openWays>>;
const heapRow = async (label: string, now: Ways, old: Ways | undefined, way: 'tensorlane' | 'burst', calls: number, hand?: Ways) => {
  const [t, b, h] = [await kib(() => now.allocated(way, calls)), old && (await kib(() => old.allocated(way, calls))), hand && (await kib(() => hand.allocated('byHand', calls)))];
  heap.push(`| ${label} | ${t} | ${rev ? `${b} | ` : ''}${h ?? '—'} |`);
};
for (const batch of BATCHES) {
  const calls = CALLS[batch]!;
  const ways = await current.openWays(batch);
  const old = await baseline?.openWays(batch);
  const micros = await measure(
    [['tensorlane', ways.ways.tensorlane, 1], ...(old ? [['baseline', old.ways.tensorlane, 1] as const] : []), ['byHand', ways.ways.byHand, 1], ['run', ways.ways.run, 1]],
    calls,
  );
  const [t, b, h, r] = ['tensorlane', 'baseline', 'byHand', 'run'].map((name) => micros.get(name));
  rows.push(
    `| mlp.onnx [${batch},256] | ${cell(t!)} | ${then(t!, b)}${cell(h!)} | ${cell(r!)} | ${(median(t!) - median(h!)).toFixed(1)} | ${(median(t!) / median(h!)).toFixed(2)}× |`,
  );
  await heapRow(`mlp.onnx [${batch},256], one after another`, ways, old, 'tensorlane', calls, ways);
  if (profiled) console.log(`\n${profiled}, mlp.onnx [${batch},256], ${calls} calls: self time a call\n${(await ways.profile(profiled, calls)).join('\n')}`);
  await ways.close();
  await old?.close();
}
console.log(
  `\nOne call after another in one Node ${process.versions.node} thread, µs a call, medians (min–max) of ${ROUNDS} rounds:\n\n` +
    `| model [dims] | tensorlane | ${rev ? `tensorlane at ${rev} | now/then | ` : ''}hand-written | session.run alone | tensorlane − hand-written | tensorlane/hand-written |\n` +
    `| --- | --- | ${rev ? '--- | --- | ' : ''}--- | --- | --- | --- |\n` +
    rows.join('\n'),
);

// A saturated page: 2,048 one-row calls fired at once, batched by tensorlane (64 rows a run), against the floor of
// those rows: session.run at 64 rows, per row.
const burst = { one: await current.openWays(1), old: await baseline?.openWays(1), floor: await current.openWays(64) };
const micros = await measure(
  [['tensorlane', burst.one.ways.burst, 1], ...(burst.old ? [['baseline', burst.old.ways.burst, 1] as const] : []), ['floor', (n) => burst.floor.ways.run(n / 64), 1]],
  2048,
);
const [t, b, f] = ['tensorlane', 'baseline', 'floor'].map((name) => micros.get(name));
console.log(
  `\n2,048 one-row calls fired at once, µs a row, medians (min–max) of ${ROUNDS} rounds:\n\n` +
    `| model | tensorlane | ${rev ? `tensorlane at ${rev} | now/then | ` : ''}floor: session.run at 64 rows | path: tensorlane − floor | floor/tensorlane |\n` +
    `| --- | --- | ${rev ? '--- | --- | ' : ''}--- | --- | --- |\n` +
    `| mlp.onnx | ${cell(t!)} | ${then(t!, b)}${cell(f!)} | ${(median(t!) - median(f!)).toFixed(1)} | ${(median(f!) / median(t!)).toFixed(2)}× |`,
);
await heapRow('mlp.onnx [1,256], 2,048 at once', burst.one, burst.old, 'burst', 2048);
const held = async (ways: Ways | undefined) => ways && `${median([await ways.inFlight(2048), await ways.inFlight(2048), await ways.inFlight(2048)]).toFixed(0)} B`;
const [heldNow, heldThen] = [await held(burst.one), await held(burst.old)];
console.log(
  `\nJavaScript heap allocated, KiB a call (both sides of a call, and onnxruntime-web's runs; typed arrays' contents not counted), medians of 3:\n\n` +
    `| calls | tensorlane | ${rev ? `tensorlane at ${rev} | ` : ''}hand-written |\n| --- | --- | ${rev ? '--- | ' : ''}--- |\n` +
    heap.join('\n'),
);
console.log(
  `\nJavaScript heap a call in flight holds (2,048 one-row calls sent, not yet read by the worker, after a full collection; median of 3): ${heldNow}` +
    (rev ? `; at ${rev}: ${heldThen}` : ''),
);
if (profiled === 'tensorlane') console.log(`\ntensorlane, 2,048 one-row calls at once: self time a call\n${(await burst.one.profile('burst', 2048)).join('\n')}`);
await Promise.all([burst.one.close(), burst.old?.close(), burst.floor.close()]);
