// Load, soak and fuzz in real Chromium. The soak runs on the harness at /?isolated (cross-origin isolated, WASM on 2
// threads) and reads what the session holds from stats().memory, counted in its worker:
// performance.measureUserAgentSpecificMemory() does not answer while onnxruntime-web's threads wait between runs (see
// the README, "Threads"). The create/dispose cycles measure the page with it, once every worker is gone; Chromium
// measures at its next garbage collection, which the page starts with gc() (--expose-gc, in playwright.config.ts).
import { expect, test } from './fixtures.ts';

// Each test has a session of its own: they may run side by side.
test.describe.configure({ mode: 'parallel' });

const MB = 1 << 20;
const mb = (bytes: number) => `${(bytes / MB).toFixed(1)} MB`;

for (const backend of ['webgpu', 'wasm'] as const) {
  test.describe(backend, () => {
    if (backend === 'webgpu') test.beforeEach(async ({ gpu }) => void gpu); // the kit's WebGPU gate
    test(`should serve exactly maxQueueSize of 20,000 calls issued at once, and reject the rest QUEUE_FULL before the first answer, on ${backend}`, async ({ harness }) => {
      const result = await harness.evaluate((backend) => window.harness.stress.load(backend, 20_000, 1000), backend);
      console.log(`[load ${backend}] issued 20,000 calls in ${result.issueMs.toFixed(0)} ms; all settled in ${result.totalMs.toFixed(0)} ms`);
      expect(result).toMatchObject({
        backend, served: 1000, wrong: 0, full: 19_000, fullKeptInputs: 19_000, other: 0, settledTwice: 0, fullBeforeFirstAnswer: true,
      });
    });
  });
}

test('should reject 1,000 seeded malformed calls with a TensorlaneError of their code each, and keep serving, on wasm and webgpu', async ({ gpu, harness }) => {
  void gpu;
  const result = await harness.evaluate(async () => {
    const { tensorlane, fuzz, seededFloats } = window.harness;
    const reports = [];
    for (const [backend, numRuns] of [['wasm', 1000], ['webgpu', 200]] as const) {
      const session = await tensorlane.createSession({ model: 'models/mlp.onnx', backend });
      const report = await fuzz(session, tensorlane, { seed: 20261201, numRuns });
      const out = await session.predict({ x: { type: 'float32', data: seededFloats(256, 1), dims: [1, 256] } });
      await session.dispose();
      reports.push({ backend, ...report, servesAfter: out['y']!.dims });
    }
    return reports;
  });
  for (const report of result) {
    console.log(`[fuzz ${report.backend}] ${report.cases} cases, ${report.kinds} kinds: ${JSON.stringify(report.codes)}`);
    expect(report.failures).toEqual([]);
    expect(report.servesAfter).toEqual([1, 10]);
  }
  expect(result.map((r) => r.cases)).toEqual([1000, 200]);
});

// Chaos under load: three sessions kept busy while faults strike at seeded random moments (e2e/harness/chaos.ts);
// `pnpm bench --only chaos` runs the same for minutes. The kinds take turns, a fault every `faultEvery` s on average
// (a clean-clone CI run: 12 on WASM and 10 on WebGPU, each kind twice or more).
for (const [backend, seconds, faultEvery] of [['wasm', 12, 0.8], ['webgpu', 20, 1.5]] as const) {
  test.describe(backend, () => {
    if (backend === 'webgpu') test.beforeEach(async ({ gpu }) => void gpu); // the kit's WebGPU gate
    test(`should settle every call once under chaos, answering right or with a code that says if a retry may help, on ${backend}`, async ({ harness }) => {
      test.setTimeout(240_000);
      const options = { backend, seconds, seed: 20261202, concurrency: 8, faultEvery };
      const r = await harness.evaluate((o) => window.harness.chaos(o), options);
      console.log(`[chaos ${backend}] ${JSON.stringify(r)}`);
      expect(r).toMatchObject({ unexpected: [], settledTwice: 0, unsettled: 0, lost: [], wrong: 0, pendingInStats: 0 });
      expect(r.resolved).toBeGreaterThan(0);
      expect(r.resolved + Object.values(r.rejections).reduce((a, b) => a + b, 0)).toBe(r.calls);
      // Every kind of fault struck, and the session disposed under load was one of three.
      const kinds = ['uncaught error', 'unhandled rejection', 'wedge', 'restart()', 'dispose()', ...(backend === 'webgpu' ? ['device loss'] : [])];
      expect(Object.keys(r.faults).sort()).toEqual(kinds.sort());
      expect(r.faults['dispose()']).toBe(1);
      // Only calls in flight at a crash may reject WORKER_CRASHED; a lost device, a wedge or restart() loses none.
      expect(r.rejections.WORKER_CRASHED ?? 0).toBeLessThanOrEqual(r.inFlightAtCrashes);
      expect(Object.keys(r.rejections).every((code) => ['WORKER_CRASHED', 'TIMEOUT', 'DISPOSED'].includes(code))).toBe(true);
      // Memory flat: each session ends where it started, give or take half (a restart starts it afresh).
      r.memory.end.forEach((end, i) => expect(end.wasmHeapBytes).toBeLessThanOrEqual(r.memory.start[i]!.wasmHeapBytes * 1.5));
      // No worker left once every session is disposed.
      await expect.poll(() => harness.workers().length).toBe(0);
    });
  });
}

test.describe('soak', () => {
  // performance.measureUserAgentSpecificMemory() needs a cross-origin-isolated page.
  test.use({ isolated: true });

  for (const [backend, predictions, burst] of [['wasm', 10_000, 50], ['webgpu', 1000, 50]] as const) {
    test.describe(backend, () => {
      if (backend === 'webgpu') test.beforeEach(async ({ gpu }) => void gpu); // the kit's WebGPU gate
      test(`should answer ${predictions.toLocaleString('en')} mixed predictions correctly with flat worker memory, and give it back on restart() on ${backend}`, async ({ harness }) => {
        test.setTimeout(300_000);
        const result = await harness.evaluate(([backend, predictions, burst]) => window.harness.stress.soak(backend, predictions, burst), [backend, predictions, burst] as const);
        const held = (m: typeof result.start) => `heap ${mb(m.wasmHeapBytes)}, GPU ${mb(m.gpuBufferBytes)}`;
        console.log(`[soak ${backend}] ${result.done} predictions in ${result.runs} runs since the restart; ${held(result.start)} after the first tenth, ${held(result.end)} at the end, ${held(result.restarted)} after restart()`);
        expect(result).toMatchObject({ backend, wrong: 0, failed: 0, restarts: { requested: 1 } });
        expect(result.done).toBeGreaterThanOrEqual(predictions);
        // Flat: the heap (which never shrinks) and the GPU buffers end where the first tenth left them, give or take
        // half (see the README, "Guarantees"); a restart starts from a fresh worker's.
        expect(result.start.wasmHeapBytes).toBeGreaterThan(0);
        expect(result.end.wasmHeapBytes).toBeLessThanOrEqual(result.start.wasmHeapBytes * 1.5);
        expect(result.end.gpuBufferBytes).toBeLessThanOrEqual(result.start.gpuBufferBytes * 1.5);
        expect(result.restarted.wasmHeapBytes).toBeLessThanOrEqual(result.end.wasmHeapBytes);
        expect(result.restarted.gpuBufferBytes).toBeLessThanOrEqual(result.start.gpuBufferBytes * 1.5);
      });
    });
  }

  // 10 cycles: a worker left behind by each would be 10 workers, holding 16 MB of WASM heap or more each.
  test('should leave no worker alive and memory near its start after 10 createSession/dispose cycles', async ({ harness }) => {
    test.setTimeout(300_000);
    const before = await harness.evaluate(() => window.harness.stress.memory());
    const result = await harness.evaluate(() => window.harness.stress.cycles(10));
    // Chromium's memory measurement waits for workers still shutting down: measure once they are gone.
    await expect.poll(() => harness.workers().length).toBe(0);
    const after = await harness.evaluate(() => window.harness.stress.memory());
    console.log(`[cycles] 10 sessions (createSession ${result.createMs.toFixed(0)} ms, dispose ${result.disposeMs.toFixed(0)} ms, mean): page memory ${mb(before.total)} before, ${mb(after.total)} after; worker memory ${mb(after.workers)} after`);
    expect(result.served).toBe(10);
    expect(after.workers).toBe(0);
    expect(after.total).toBeLessThanOrEqual(before.total * 1.5 + 16 * MB);
  });
});
