import { describe, expect, it } from 'vitest';
import { calibrate, type Clock, type Contender } from './calibrate.js';

/**
 * A clock that moves only when nothing else can happen: `drive` lets the code under test run until it waits, then
 * jumps to the next timer and fires it, until the promise it drives settles. Runs are timers of their length.
 */
function fakeClock() {
  let time = 0;
  const timers = new Set<{ at: number; fire: () => void }>();
  const idle = () => new Promise<void>((resolve) => setTimeout(resolve));
  const clock: Clock = {
    now: () => time,
    timeout(fire, ms) {
      const timer = { at: time + ms, fire };
      timers.add(timer);
      return () => timers.delete(timer);
    },
  };
  async function drive<T>(promise: Promise<T>): Promise<T> {
    let settled = false;
    void promise.finally(() => (settled = true)).catch(() => undefined);
    for (await idle(); !settled; await idle()) {
      const next = [...timers].sort((a, b) => a.at - b.at)[0];
      if (next === undefined) throw new Error('nothing left to run, and the calibration has not settled');
      timers.delete(next);
      time = next.at;
      next.fire();
    }
    return promise;
  }
  return { clock, drive };
}

let clock = fakeClock();

/** A contender whose runs take `ms[batchIndex]` of the test's clock (the first run `first` ms), counting its runs. */
function contender(engine: Contender['engine'], ms: readonly number[], { first = ms[0]!, fails = false } = {}) {
  const calls: number[] = [];
  return {
    calls,
    engine,
    async run(index: number) {
      calls.push(index);
      if (fails) throw new Error(`${engine} kernel failed`);
      await new Promise<void>((resolve) => clock.clock.timeout(resolve, calls.length === 1 ? first : ms[index]!));
    },
  };
}

/** Calibrates on a new test clock, moving it until the decision. */
const measure = (contenders: readonly Contender[], plan: Parameters<typeof calibrate>[1], onRun?: Parameters<typeof calibrate>[2]) => {
  clock = fakeClock();
  return clock.drive(calibrate(contenders, plan, onRun, clock.clock));
};

describe('calibrate', () => {
  it('should keep the faster contender either way round, with the medians in the reason', async () => {
    const label = { wasm: 'wasm', jsep: 'webgpu/jsep' } as const;
    for (const [fast, slow] of [['wasm', 'jsep'], ['jsep', 'wasm']] as const) {
      const a = contender(fast, [1]);
      const b = contender(slow, [100], { first: 150 });
      const result = await measure(fast === 'wasm' ? [b, a] : [a, b], { batchSizes: [1], runs: 3, budgetMs: 5000 });
      expect(result.chosen).toBe(fast);
      expect(result.reason).toBe(`${label[fast]}: 1.00 ms vs ${label[slow]} 100.0 ms a run at batch 1 (median of 3)`);
      expect(result.timings).toEqual({ [fast]: { 1: 1 }, [slow]: { 1: 100 } });
      expect(result.ms).toBe(1 + 150 + 3 * (1 + 100));
      expect(result.runs).toBe(8); // one untimed and three timed runs each
      expect([a.calls.length, b.calls.length]).toEqual([4, 4]);
    }
  });

  it('should compare the sum over batch sizes and list each batch size in the reason', async () => {
    // wasm wins at batch 1, webgpu at batch 8; webgpu's total is lower.
    const wasm = contender('wasm', [1, 150]);
    const webgpu = contender('jsep', [40, 45]);
    const result = await measure([webgpu, wasm], { batchSizes: [1, 8], runs: 2, budgetMs: 5000 });
    expect(result.chosen).toBe('jsep');
    expect(result.reason).toBe('webgpu/jsep: 40.0 ms vs wasm 1.00 ms a run at batch 1, 45.0 ms vs 150.0 ms at batch 8 (medians of 2)');
    expect(result.timings).toEqual({ jsep: { 1: 40, 8: 45 }, wasm: { 1: 1, 8: 150 } });
  });

  it('should never run a contender again after its run failed, and say why it lost', async () => {
    const webgpu = contender('jsep', [1], { fails: true });
    const wasm = contender('wasm', [1]);
    const result = await measure([webgpu, wasm], { batchSizes: [1], runs: 3, budgetMs: 5000 });
    expect(webgpu.calls).toEqual([0]);
    expect(result.chosen).toBe('wasm');
    expect(result.failed.get('jsep')).toBeInstanceOf(Error);
    expect(result.reason).toBe('wasm: 1.00 ms a run at batch 1 (median of 3), the only engine measured; webgpu/jsep: its run at batch 1 failed: jsep kernel failed');
  });

  it('should stop at the budget, leave the run in flight pending, and choose among those measured', async () => {
    // Round 0: webgpu, wasm (untimed); round 1: wasm (timed), then webgpu's run outlasts the budget.
    const webgpu = contender('jsep', [400], { first: 20 });
    const wasm = contender('wasm', [1]);
    const result = await measure([webgpu, wasm], { batchSizes: [1], runs: 7, budgetMs: 100 });
    // It decided when the budget ran out (20 + 1 + 1 ms, then 78 ms of webgpu's 400), not when that run ended.
    expect(result.ms).toBe(100);
    expect(result.pending.has('jsep')).toBe(true);
    expect(wasm.calls).toEqual([0, 0]);
    expect(result.chosen).toBe('wasm');
    expect(result.reason).toBe('wasm: 1.00 ms a run at batch 1 (median of 1), the only engine measured; webgpu/jsep: its run was still going when the 100 ms calibration budget ran out');
    await clock.drive(result.pending.get('jsep')!);
    expect(webgpu.calls).toEqual([0, 0]);
  });

  it('should keep a contender that did not outlast the budget over one that did, when nothing was measured', async () => {
    const webgpu = contender('jsep', [1], { first: 200 });
    const wasm = contender('wasm', [1]);
    const result = await measure([webgpu, wasm], { batchSizes: [1], runs: 3, budgetMs: 50 });
    expect(result.chosen).toBe('wasm');
    expect(wasm.calls).toEqual([]);
    expect(result.timings).toEqual({});
    expect(result.reason).toBe('wasm: kept without measuring; webgpu/jsep: its run was still going when the 50 ms calibration budget ran out');
    await clock.drive(Promise.all(result.pending.values()));
  });

  it('should choose nothing when every contender failed or outlasted the budget', async () => {
    const result = await measure([contender('jsep', [1], { fails: true }), contender('wasm', [1], { first: 200 })], {
      batchSizes: [1],
      runs: 3,
      budgetMs: 50,
    });
    expect(result.chosen).toBeUndefined();
    expect(result.reason).toBe(
      'webgpu/jsep: its run at batch 1 failed: jsep kernel failed; wasm: its run was still going when the 50 ms calibration budget ran out',
    );
    await clock.drive(Promise.all(result.pending.values()));
  });

  it('should report each run out of the runs planned', async () => {
    const reports: string[] = [];
    await measure([contender('jsep', [0]), contender('wasm', [0])], { batchSizes: [1, 2], runs: 1, budgetMs: 5000 }, (done, total) =>
      reports.push(`${done}/${total}`),
    );
    expect(reports).toEqual(['1/8', '2/8', '3/8', '4/8', '5/8', '6/8', '7/8', '8/8']);
  });
});
