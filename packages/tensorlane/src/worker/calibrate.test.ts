import { describe, expect, it } from 'vitest';
import { calibrate, type Contender } from './calibrate.js';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A contender whose runs take `ms[batchIndex]` (the first run `first` ms), counting its runs. */
function contender(engine: Contender['engine'], ms: readonly number[], { first = ms[0]!, fails = false } = {}) {
  const calls: number[] = [];
  return {
    calls,
    engine,
    async run(index: number) {
      calls.push(index);
      if (fails) throw new Error(`${engine} kernel failed`);
      await sleep(calls.length === 1 ? first : ms[index]!);
    },
  };
}

describe('calibrate', () => {
  it('should keep the faster contender either way round, with the medians in the reason', async () => {
    const label = { wasm: 'wasm', jsep: 'webgpu\\/jsep' } as const;
    for (const [fast, slow] of [['wasm', 'jsep'], ['jsep', 'wasm']] as const) {
      // Timers, not work: a gap wide enough for a machine busy with other test files.
      const a = contender(fast, [1]);
      const b = contender(slow, [100], { first: 150 });
      const result = await calibrate(fast === 'wasm' ? [b, a] : [a, b], { batchSizes: [1], runs: 3, budgetMs: 5000 });
      expect(result.chosen).toBe(fast);
      expect(result.reason).toMatch(new RegExp(`^${label[fast]}: \\d+\\.\\d\\d ms vs ${label[slow]} \\d+\\.\\d ms a run at batch 1 \\(median of 3\\)$`));
      expect(result.timings[slow]![1]).toBeGreaterThanOrEqual(99);
      expect(result.timings[fast]![1]).toBeLessThan(result.timings[slow]![1]!);
      expect(result.runs).toBe(8); // one untimed and three timed runs each
      expect([a.calls.length, b.calls.length]).toEqual([4, 4]);
    }
  });

  it('should compare the sum over batch sizes and list each batch size in the reason', async () => {
    // wasm wins at batch 1, webgpu at batch 8; webgpu's total is lower.
    const wasm = contender('wasm', [1, 150]);
    const webgpu = contender('jsep', [40, 45]);
    const result = await calibrate([webgpu, wasm], { batchSizes: [1, 8], runs: 2, budgetMs: 5000 });
    expect(result.chosen).toBe('jsep');
    expect(result.reason).toMatch(/^webgpu\/jsep: \d+\.\d+ ms vs wasm \d+\.\d+ ms a run at batch 1, \d+\.\d+ ms vs \d+\.\d ms at batch 8 \(medians of 2\)$/);
    expect(Object.keys(result.timings.wasm!)).toEqual(['1', '8']);
  });

  it('should never run a contender again after its run failed, and say why it lost', async () => {
    const webgpu = contender('jsep', [1], { fails: true });
    const wasm = contender('wasm', [1]);
    const result = await calibrate([webgpu, wasm], { batchSizes: [1], runs: 3, budgetMs: 5000 });
    expect(webgpu.calls).toEqual([0]);
    expect(result.chosen).toBe('wasm');
    expect(result.failed.get('jsep')).toBeInstanceOf(Error);
    expect(result.reason).toMatch(/^wasm: \d+\.\d+ ms a run at batch 1 \(median of 3\), the only engine measured; webgpu\/jsep: its run at batch 1 failed: jsep kernel failed$/);
  });

  it('should stop at the budget, leave the run in flight pending, and choose among those measured', async () => {
    // Round 0: webgpu, wasm (untimed); round 1: wasm (timed), then webgpu's run outlasts the budget.
    const webgpu = contender('jsep', [400], { first: 20 });
    const wasm = contender('wasm', [1]);
    const started = performance.now();
    const result = await calibrate([webgpu, wasm], { batchSizes: [1], runs: 7, budgetMs: 100 });
    expect(performance.now() - started).toBeLessThan(300);
    expect(result.pending.has('jsep')).toBe(true);
    expect(result.chosen).toBe('wasm');
    expect(result.reason).toMatch(/^wasm: [\d.]+ ms a run at batch 1 \(median of 1\), the only engine measured; webgpu\/jsep: its run was still going when the 100 ms calibration budget ran out$/);
    await result.pending.get('jsep');
    expect(webgpu.calls).toEqual([0, 0]);
  });

  it('should keep a contender that did not outlast the budget over one that did, when nothing was measured', async () => {
    const webgpu = contender('jsep', [1], { first: 200 });
    const wasm = contender('wasm', [1]);
    const result = await calibrate([webgpu, wasm], { batchSizes: [1], runs: 3, budgetMs: 50 });
    expect(result.chosen).toBe('wasm');
    expect(wasm.calls).toEqual([]);
    expect(result.timings).toEqual({});
    expect(result.reason).toBe('wasm: kept without measuring; webgpu/jsep: its run was still going when the 50 ms calibration budget ran out');
    await Promise.all(result.pending.values());
  });

  it('should choose nothing when every contender failed or outlasted the budget', async () => {
    const result = await calibrate([contender('jsep', [1], { fails: true }), contender('wasm', [1], { first: 200 })], {
      batchSizes: [1],
      runs: 3,
      budgetMs: 50,
    });
    expect(result.chosen).toBeUndefined();
    expect(result.reason).toBe(
      'webgpu/jsep: its run at batch 1 failed: jsep kernel failed; wasm: its run was still going when the 50 ms calibration budget ran out',
    );
    await Promise.all(result.pending.values());
  });

  it('should report each run out of the runs planned', async () => {
    const reports: string[] = [];
    await calibrate([contender('jsep', [0]), contender('wasm', [0])], { batchSizes: [1, 2], runs: 1, budgetMs: 5000 }, (done, total) =>
      reports.push(`${done}/${total}`),
    );
    expect(reports).toEqual(['1/8', '2/8', '3/8', '4/8', '5/8', '6/8', '7/8', '8/8']);
  });
});
