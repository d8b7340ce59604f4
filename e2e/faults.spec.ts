// Self-healing sessions in real Chromium: each fault injected from a custom worker with test hooks
// (harness/fault-worker.ts), through the real SDK, on the backends where it happens.
import { expect, test } from './fixtures.ts';

// The device is tensorlane's own on every engine: its loss is seen, and the calls move to a new worker and device.
for (const webgpuEngine of ['jsep', 'native', 'jspi'] as const) {
  test(`should answer every call pending when the GPU device is lost, exactly once and correctly, on a new device, on ${webgpuEngine}`, async ({ gpu, harness }) => {
    void gpu; // the kit's WebGPU gate: fails the test if WebGPU did not come up
    const result = await harness.evaluate(async (webgpuEngine) => {
      const { tensorlane, seededFloats, faultWorkers, injectFault } = window.harness;
      const session = await tensorlane.createSession({ model: 'models/even-rows.onnx', backend: 'webgpu', webgpuEngine, worker: faultWorkers() });
      const events: unknown[] = [];
      session.addEventListener('restart', (event) => events.push(event.detail));
      const inputs = Array.from({ length: 20 }, (_, i) => seededFloats(2 * 3, i));
      const expected = inputs.map((x) => Array.from(x));
      const settled = new Array<number>(inputs.length).fill(0);
      const calls = inputs.map((data, i) =>
        session.predict({ x: { type: 'float32', data, dims: [2, 3] } }).then(
          (out) => (settled[i]!++, Array.from(out['y']!.data as Float32Array)),
          (error: { code: string; message: string }) => (settled[i]!++, `${error.code}: ${error.message}`),
        ),
      );
      injectFault('destroy-device');
      const outputs = await Promise.all(calls);
      const stats = await session.stats();
      await session.dispose();
      return { outputs, expected, settled, events, engine: session.engine, restarts: stats.restarts, requests: stats.requests };
    }, webgpuEngine);
    expect(result.outputs).toEqual(result.expected);
    expect(result.settled).toEqual(new Array(20).fill(1));
    expect(result.events).toEqual([{ cause: 'device-lost', message: expect.stringMatching(/^the GPU device was lost \(destroyed/), backend: 'webgpu', engine: webgpuEngine, restarts: 1 }]);
    expect(result.engine).toBe(webgpuEngine);
    expect(result.restarts).toMatchObject({ 'device-lost': 1 });
    expect(result.requests).toEqual({ submitted: 20, resolved: 20, rejected: 0, pending: 0 });
  });
}

// A loss mid-run: before any kernel ran (the calls just reached the worker), during onnxruntime-web's kernels (its first
// compute dispatch), and during the read-back of the outputs (its mapAsync, which the loss rejects unhandled).
for (const at of ['submit', 'kernels', 'read-back'] as const) {
  test(`should answer all 20 calls in flight correctly, once each, on a new device when the GPU device is lost at ${at}`, async ({ gpu, harness }) => {
    void gpu; // the kit's WebGPU gate: fails the test if WebGPU did not come up
    const result = await harness.evaluate(async (at) => {
      const { tensorlane, faultWorkers, injectFault, stress } = window.harness;
      const session = await tensorlane.createSession({ model: 'models/lookup.onnx', backend: 'webgpu', worker: faultWorkers(), maxBatchSize: 4 });
      await session.predict(stress.lookupCall(2, 0).feeds); // the session has run: its kernels are compiled
      const events: unknown[] = [];
      session.addEventListener('restart', (event) => events.push(event.detail));
      injectFault('destroy-device', { at });
      // Rows 1-3, so that runs stack several calls; every output row names the input row it came from.
      const calls = Array.from({ length: 20 }, (_, i) => stress.lookupCall(1 + (i % 3), 100 * i));
      const settled = new Array<number>(calls.length).fill(0);
      const outputs = await Promise.all(calls.map(({ feeds }, i) => session.predict(feeds).then(
        (out) => (settled[i]!++, Array.from(out['y']!.data as Float32Array)),
        (error: { code: string; message: string }) => (settled[i]!++, `${error.code}: ${error.message}`),
      )));
      const stats = await session.stats();
      await session.dispose();
      return { outputs, expected: calls.map((call) => call.expected), settled, events, restarts: stats.restarts, requests: stats.requests };
    }, at);
    expect(result.outputs).toEqual(result.expected);
    expect(result.settled).toEqual(new Array(20).fill(1));
    expect(result.events).toEqual([{ cause: 'device-lost', message: expect.stringMatching(/^the GPU device was lost \(destroyed/), backend: 'webgpu', engine: 'jsep', restarts: 1 }]);
    expect(result.restarts).toEqual({ 'worker-crashed': 0, 'device-lost': 1, 'session-failed': 0, requested: 0 });
    expect(result.requests).toEqual({ submitted: 21, resolved: 21, rejected: 0, pending: 0 });
  });
}

test('should rebuild on WASM when the GPU device is lost and no adapter comes back, saying why in fallback', async ({ gpu, harness }) => {
  void gpu; // the kit's WebGPU gate: fails the test if WebGPU did not come up
  const result = await harness.evaluate(async () => {
    const { tensorlane, seededFloats, faultWorkers, injectFault } = window.harness;
    const session = await tensorlane.createSession({
      model: 'models/even-rows.onnx', allowSoftwareAdapter: true, worker: faultWorkers(['', 'no-adapter']),
    });
    const before = { backend: session.backend, fallback: session.fallback };
    const restarted = new Promise<unknown>((resolve) => session.addEventListener('restart', (event) => resolve(event.detail), { once: true }));
    const data = seededFloats(4 * 3, 7);
    const expected = Array.from(data);
    const call = session.predict({ x: { type: 'float32', data, dims: [4, 3] } });
    injectFault('destroy-device');
    const output = Array.from((await call)['y']!.data as Float32Array);
    const detail = await restarted;
    const after = { backend: session.backend, fallback: session.fallback, adapter: session.adapter };
    await session.dispose();
    return { before, after, detail, output, expected };
  });
  expect(result.before).toEqual({ backend: 'webgpu', fallback: [] });
  expect(result.after).toEqual({
    backend: 'wasm', adapter: undefined, fallback: [{ backend: 'webgpu', engine: 'jsep', reason: 'no WebGPU adapter (navigator.gpu.requestAdapter() returned null)' }],
  });
  expect(result.detail).toMatchObject({ cause: 'device-lost', backend: 'wasm', restarts: 1 });
  expect(result.output).toEqual(result.expected);
});

for (const webgpuEngine of ['jsep', 'native', 'jspi'] as const) {
  test(`should rebuild a WebGPU session a failed run left unable to run, failing only the request that broke it, on ${webgpuEngine}`, async ({ gpu, harness }) => {
    void gpu; // the kit's WebGPU gate: fails the test if WebGPU did not come up
    const result = await harness.evaluate(async (webgpuEngine) => {
      const { tensorlane, seededFloats } = window.harness;
      const session = await tensorlane.createSession({ model: 'models/even-rows.onnx', backend: 'webgpu', webgpuEngine });
      const causes: string[] = [];
      session.addEventListener('restart', (event) => causes.push(event.detail.cause));
      const x = (rows: number, seed: number) => ({ x: { type: 'float32' as const, data: seededFloats(rows * 3, seed), dims: [rows, 3] } });
      const settle = (feeds: ReturnType<typeof x>) => {
        const expected = Array.from(feeds.x.data);
        return session.predict(feeds).then(
          (out) => JSON.stringify(Array.from(out['y']!.data as Float32Array)) === JSON.stringify(expected) ? 'ok' : 'wrong values',
          (error: { code: string; message: string }) => `${error.code}: ${error.message}`,
        );
      };
      // Stacked into one run of 5 rows, which cannot split in pairs: the run fails natively and the session is wedged.
      // Then each runs alone on a new session: the 1-row request fails (and wedges that one too), the others answer.
      const outcomes = await Promise.all([settle(x(2, 1)), settle(x(1, 2)), settle(x(2, 3))]);
      const after = await settle(x(2, 4));
      const { restarts } = await session.stats();
      await session.dispose();
      return { outcomes, after, causes, restarts };
    }, webgpuEngine);
    expect(result.outcomes[0]).toBe('ok');
    expect(result.outcomes[1]).toMatch(/^RUN_FAILED: onnxruntime-web failed to run the model: .*failed to call OrtRun\(\)/);
    expect(result.outcomes[2]).toBe('ok');
    expect(result.after).toBe('ok');
    expect(result.causes).toEqual(['session-failed', 'session-failed']);
    expect(result.restarts).toMatchObject({ 'session-failed': 2 });
  });
}

for (const backend of ['webgpu', 'wasm'] as const) {
  test.describe(backend, () => {
    if (backend === 'webgpu') test.beforeEach(async ({ gpu }) => void gpu); // the kit's WebGPU gate
    test(`should reject calls in flight with WORKER_CRASHED when the worker throws, then serve from a new worker on ${backend}`, async ({ harness }) => {
      const result = await harness.evaluate(async (backend) => {
        const { tensorlane, seededFloats, faultWorkers, injectFault, faultWorkerCount } = window.harness;
        const started = faultWorkerCount();
        // A 2-row run is due at once; a 1-row call waits in the queue for company until the crash takes it.
        const session = await tensorlane.createSession({
          model: 'models/even-rows.onnx', backend, worker: faultWorkers(), maxBatchSize: 2, maxQueueDelayMs: 60_000,
        });
        const restarted = new Promise<unknown>((resolve) => session.addEventListener('restart', (event) => resolve(event.detail), { once: true }));
        const inFlight = session.predict({ x: { type: 'float32', data: seededFloats(3, 1), dims: [1, 3] } }).then(() => 'resolved', (e: { code: string; message: string }) => `${e.code}: ${e.message}`);
        injectFault('throw');
        const crashed = await inFlight;
        const data = seededFloats(6, 2);
        const expected = Array.from(data);
        const later = Array.from((await session.predict({ x: { type: 'float32', data, dims: [2, 3] } }))['y']!.data as Float32Array);
        const detail = await restarted;
        await session.dispose();
        return { crashed, later, expected, detail, workers: faultWorkerCount() - started };
      }, backend);
      expect(result.crashed).toMatch(/^WORKER_CRASHED: the worker threw: Uncaught Error: injected crash \(.+\); the call's inputs went with the worker, it may be retried$/);
      expect(result.later).toEqual(result.expected);
      expect(result.detail).toMatchObject({ cause: 'worker-crashed', backend, restarts: 1 });
      expect(result.workers).toBe(2);
    });
  });
}

test('should restart after an unhandled promise rejection in the worker', async ({ harness }) => {
  const result = await harness.evaluate(async () => {
    const { tensorlane, seededFloats, faultWorkers, injectFault } = window.harness;
    const session = await tensorlane.createSession({ model: 'models/even-rows.onnx', backend: 'wasm', worker: faultWorkers() });
    const restarted = new Promise<{ message: string }>((resolve) => session.addEventListener('restart', (event) => resolve(event.detail), { once: true }));
    injectFault('reject');
    const { message } = await restarted;
    const out = await session.predict({ x: { type: 'float32', data: seededFloats(6, 1), dims: [2, 3] } });
    await session.dispose();
    return { message, rows: out['y']!.dims[0] };
  });
  expect(result).toEqual({ message: 'the worker has an unhandled promise rejection: injected rejection', rows: 2 });
});

test('should end a crash loop after maxRestarts: a dead session rejects every call at once', async ({ harness }) => {
  const result = await harness.evaluate(async () => {
    const { tensorlane, seededFloats, faultWorkers } = window.harness;
    const factory = faultWorkers(['crash-on-submit']);
    const workers: Worker[] = [];
    let posted = 0;
    const worker = () => {
      const started = factory();
      const post = started.postMessage.bind(started) as (...args: unknown[]) => void;
      started.postMessage = ((...args: unknown[]) => (posted++, post(...args))) as Worker['postMessage'];
      workers.push(started);
      return started;
    };
    const session = await tensorlane.createSession({ model: 'models/even-rows.onnx', backend: 'wasm', worker, maxRestarts: 3 });
    let restarts = 0;
    session.addEventListener('restart', () => restarts++);
    const call = () => session.predict({ x: { type: 'float32', data: seededFloats(3, 1), dims: [1, 3] } }).then(() => 'resolved', (e: { code: string; message: string }) => `${e.code}: ${e.message}`);
    const outcomes: string[] = [];
    for (let i = 0; i < 4; i++) outcomes.push(await call());
    // The fourth fault stops the session: later calls are rejected without reaching any worker (none is started,
    // nothing is posted), so the page need not wait for one.
    const before = { workers: workers.length, posted };
    const dead = [await call(), await call()];
    const after = { workers: workers.length, posted };
    await session.dispose();
    return { outcomes, dead, before, after, restarts };
  });
  expect(result.outcomes).toEqual(new Array(4).fill(expect.stringMatching(/^WORKER_CRASHED: the worker threw: Uncaught Error: injected crash on every call/)));
  expect(result.dead).toEqual(new Array(2).fill(expect.stringMatching(/^WORKER_CRASHED: the session stopped: 4 faults within 60 s, more than maxRestarts \(3\) allows; the last: the worker threw: Uncaught Error: injected crash on every call/)));
  expect(result.after).toEqual(result.before);
  expect(result.before.workers).toBe(4);
  expect(result.restarts).toBe(3);
});

test('should wait for a running run before releasing on dispose, reject the rest with DISPOSED, and post nothing after', async ({ harness }) => {
  const result = await harness.evaluate(async () => {
    const { tensorlane, seededFloats, faultWorkers } = window.harness;
    const factory = faultWorkers();
    let worker: Worker | undefined;
    let terminated = false;
    const start = () => {
      worker = factory();
      const terminate = worker.terminate.bind(worker);
      worker.terminate = () => ((terminated = true), terminate());
      return worker;
    };
    const session = await tensorlane.createSession({ model: 'models/mlp.onnx', backend: 'wasm', maxBatchSize: 1, worker: start });
    const calls = Array.from({ length: 500 }, (_, i) =>
      session.predict({ x: { type: 'float32', data: seededFloats(256, i), dims: [1, 256] } }).then(() => 'ok', (e: { code: string }) => e.code),
    );
    await calls[0]; // runs are going: one call per run
    let after = 0;
    await session.dispose();
    // Terminated by the time dispose() resolves: a terminated worker's messages, even those already queued, are
    // never delivered, so none can reach the page later. Count any that would, until the calls and one more task end.
    const terminatedOnDispose = terminated;
    worker!.addEventListener('message', () => after++);
    const outcomes = await Promise.all(calls);
    await new Promise((resolve) => setTimeout(resolve));
    const count = (code: string) => outcomes.filter((o) => o === code).length;
    return { ok: count('ok'), disposed: count('DISPOSED'), other: outcomes.length - count('ok') - count('DISPOSED'), after, terminatedOnDispose };
  });
  expect(result.ok + result.disposed).toBe(500);
  expect(result.disposed).toBeGreaterThan(0);
  expect(result.other).toBe(0);
  expect(result.terminatedOnDispose).toBe(true);
  expect(result.after).toBe(0);
});

test('should load a model given as bytes in yet another worker when a restart\'s worker crashes while loading it', async ({ harness }) => {
  const result = await harness.evaluate(async () => {
    const { tensorlane, seededFloats, faultWorkers, injectFault } = window.harness;
    const bytes = await (await fetch('models/even-rows.onnx')).arrayBuffer();
    const size = bytes.byteLength;
    // The first worker serves, the second dies as it is asked to load, the third serves.
    const session = await tensorlane.createSession({ model: bytes, backend: 'wasm', worker: faultWorkers(['', 'crash-on-load', '']) });
    const events: unknown[] = [];
    const restarted = new Promise((resolve) => session.addEventListener('restart', (event) => resolve(events.push(event.detail))));
    injectFault('throw');
    await restarted;
    const data = seededFloats(6, 5);
    const expected = Array.from(data);
    const out = await session.predict({ x: { type: 'float32', data, dims: [2, 3] } }).then(
      (o) => Array.from(o['y']!.data as Float32Array),
      (e: { code: string; message: string }) => `${e.code}: ${e.message}`,
    );
    const { restarts, memory } = await session.stats();
    await session.dispose();
    return { out, expected, events, restarts, kept: memory.modelBytesKept, size };
  });
  expect(result.out).toEqual(result.expected);
  expect(result.events).toEqual([{ cause: 'worker-crashed', message: expect.stringMatching(/injected crash/), backend: 'wasm', engine: 'wasm', restarts: 1 }]);
  expect(result.restarts).toMatchObject({ 'worker-crashed': 1 });
  expect(result.kept).toBe(result.size);
});

test('should restart a session whose model was given as bytes, again and again, the bytes moving each way', async ({ harness }) => {
  const result = await harness.evaluate(async () => {
    const { tensorlane, seededFloats, faultWorkers, injectFault } = window.harness;
    const bytes = await (await fetch('models/even-rows.onnx')).arrayBuffer();
    const session = await tensorlane.createSession({ model: bytes, backend: 'wasm', worker: faultWorkers() });
    const detached = bytes.byteLength === 0; // moved to the worker
    await session.restart();
    await session.restart();
    const restarted = new Promise<unknown>((resolve) => session.addEventListener('restart', (event) => resolve(event.detail), { once: true }));
    injectFault('throw');
    const detail = await restarted;
    const data = seededFloats(6, 3);
    const expected = Array.from(data);
    const out = Array.from((await session.predict({ x: { type: 'float32', data, dims: [2, 3] } }))['y']!.data as Float32Array);
    const { restarts } = await session.stats();
    await session.dispose();

    // With restart: 'off' the bytes are not kept, so restart() cannot load them again: it says so, and the session serves on.
    const kept = await tensorlane.createSession({ model: await (await fetch('models/even-rows.onnx')).arrayBuffer(), backend: 'wasm', restart: 'off' });
    const refused = await kept.restart().then(() => 'resolved', (e: { code: string; message: string }) => `${e.code}: ${e.message}`);
    const after = (await kept.predict({ x: { type: 'float32', data: seededFloats(6, 4), dims: [2, 3] } }))['y']!.dims;
    await kept.dispose();
    return { detached, detail, out, expected, restarts, refused, after };
  });
  expect(result.detached).toBe(true);
  expect(result.detail).toMatchObject({ cause: 'worker-crashed', restarts: 3 });
  expect(result.out).toEqual(result.expected);
  expect(result.restarts).toMatchObject({ requested: 2, 'worker-crashed': 1 });
  expect(result.refused).toMatch(/^INVALID_OPTIONS: session\.restart\(\) .*restart: 'off'/);
  expect(result.after).toEqual([2, 3]);
});
