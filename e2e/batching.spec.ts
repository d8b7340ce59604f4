// Dynamic batching in Chromium, through the real worker, on WebGPU and on WASM: the scenarios of
// test/batching-scenarios.ts (which test/session.test.ts also runs in Node), asserted on the same facts.
import { expect, test } from './fixtures.ts';

for (const backend of ['webgpu', 'wasm'] as const) {
  const tolerance = backend === 'webgpu' ? 1e-3 : 1e-5;
  /** Runs a scenario in the page, opening sessions on `backend` (WebGPU tests fail if it is missing). */
  const scenario = <K extends 'concurrentRequests' | 'aborts' | 'backpressure' | 'poisonedRequest'>(name: K) =>
    async ({ harness }: { harness: import('@playwright/test').Page }) =>
      harness.evaluate(
        ([name, backend]) =>
          window.harness.batching[name]((model, options = {}) =>
            window.harness.tensorlane.createSession({ model: `models/${model}`, backend, ...options }),
          ) as Promise<Awaited<ReturnType<Window['harness']['batching'][K]>>>,
        [name, backend] as const,
      );

  test.describe(`dynamic batching on ${backend}`, () => {
    // The kit's WebGPU gate: fails these tests if WebGPU did not come up, and attaches the adapter to the report.
    if (backend === 'webgpu') test.beforeEach(async ({ gpu }) => void gpu);
    test('should give 1,000 concurrent calls exactly their own rows, in arrival order, in full batches', async ({ harness }) => {
      const report = await scenario('concurrentRequests')({ harness });
      expect(report).toMatchObject({ backend, wrongRows: 0, inArrivalOrder: true, detached: 1000, queueWaitCount: 1000 });
      expect(report.maxDiff).toBeLessThanOrEqual(tolerance);
      const { totalRows, stats } = report;
      expect(stats.requests).toEqual({ submitted: 1000, resolved: 1000, rejected: 0, pending: 0 });
      expect(stats.rows).toEqual({ submitted: totalRows, resolved: totalRows, rejected: 0, pending: 0 });
      expect(stats.rowsRun).toBe(totalRows);
      expect(stats.runs).toBeLessThan(1000 / 10);
    });

    test('should never run a call aborted while queued, reject one aborted after sending at once, and time out', async ({ harness }) => {
      const report = await scenario('aborts')({ harness });
      expect(report).toMatchObject({ queued: { code: 'ABORTED', causeIsReason: true }, timedOut: 'TIMEOUT', dropped: 'ABORTED' });
      expect(report.keptDiff).toBeLessThanOrEqual(tolerance);
      expect(report.stats).toMatchObject({ runs: 1, rowsRun: 8, rejections: { ABORTED: 2, TIMEOUT: 1 } });
      expect(report.stats.requests).toEqual({ submitted: 4, resolved: 1, rejected: 3, pending: 0 });
    });

    test('should reject calls past maxQueueSize with QUEUE_FULL, leaving their inputs, and resolve the rest once', async ({ harness }) => {
      const report = await scenario('backpressure')({ harness });
      expect(report.outcomes).toEqual([...new Array(16).fill('ok'), ...new Array(14).fill('QUEUE_FULL')]);
      expect(report).toMatchObject({ settledOnce: true, rejectedKeptInputs: 14, after: 'ok', tooBig: 'INVALID_INPUT' });
      expect(report.stats.rows).toEqual({ submitted: 48, resolved: 17, rejected: 31, pending: 0 });
    });

    if (backend === 'webgpu') {
      test('should reject, not hang, once a native failure has left the WebGPU session unable to run, with restart off', async ({ harness }) => {
        const outcomes = await harness.evaluate(async () => {
          const session = await window.harness.tensorlane.createSession({ model: 'models/even-rows.onnx', backend: 'webgpu', restart: 'off' });
          const x = (rows: number) => ({ x: { type: 'float32' as const, data: new Float32Array(rows * 3).fill(1), dims: [rows, 3] } });
          const outcome = (rows: number) =>
            session.predict(x(rows), { timeoutMs: 30_000 }).then((out) => `ok ${out['y']!.dims[0]}`, (e) => `${e.code}: ${e.message}`);
          const results = [await outcome(2), await outcome(1), await outcome(4)];
          await session.dispose();
          const fresh = await window.harness.tensorlane.createSession({ model: 'models/even-rows.onnx', backend: 'webgpu' });
          results.push(await fresh.predict(x(2)).then((out) => `ok ${out['y']!.dims[0]}`, (e) => e.code));
          await fresh.dispose();
          return results;
        });
        expect(outcomes[0]).toBe('ok 2');
        expect(outcomes[1]).toMatch(/^RUN_FAILED: onnxruntime-web failed to run the model: failed to call OrtRun\(\)/);
        expect(outcomes[2]).toMatch(/^RUN_FAILED: a run failed inside onnxruntime-web \(.*\), after which this WebGPU session never finishes another run \(restart is 'off': the session stopped; create a new one\)$/);
        expect(outcomes[3]).toBe('ok 2');
      });
    }

    // WASM only: on WebGPU, onnxruntime-web 1.30 cannot fail a run by value and go on. Its GPU kernels clamp an
    // index out of range instead of failing (GatherElements, GatherND gave 0 or the last element), and after a CPU
    // kernel fails inside a WebGPU session (Reshape, or GatherElements on float64) the session is done for (the
    // test above).
    if (backend === 'wasm') {
      test('should fail only the poisoned call of a failed batch, retrying the others alone', async ({ harness }) => {
        const report = await scenario('poisonedRequest')({ harness });
        expect(report).toMatchObject({ backend, results: [[10], [13], 'RUN_FAILED', [12]] });
        expect(report.stats).toMatchObject({ runs: 5, rowsRun: 8, rejections: { RUN_FAILED: 1 } });
      });
    }
  });
}
