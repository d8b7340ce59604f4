// The predict contract in real Chromium, through the real worker: transfers, batching, errors, lifecycle.
import { expect, test } from './fixtures.ts';

for (const backend of ['webgpu', 'wasm'] as const) {
  test(`should detach the feeds and return predictBatch outputs equal to per-item predict on ${backend}`, async ({ harness }) => {
    const result = await harness.evaluate(async (backend) => {
      const { tensorlane, seededFloats } = window.harness;
      const session = await tensorlane.createSession({ model: 'models/mlp.onnx', backend, maxBatchSize: 4 });
      const item = (rows: number, seed: number) => ({ x: { type: 'float32' as const, data: seededFloats(rows * 256, seed), dims: [rows, 256] } });
      const rows = [1, 3, 1, 2, 1];
      const items = rows.map((r, i) => item(r, 10 + i));
      const singles = [];
      for (const [i, r] of rows.entries()) singles.push(await session.predict(item(r, 10 + i)));
      const fed = item(2, 99);
      await session.predict(fed);
      const batch = await session.predictBatch(items);
      await session.dispose();
      return {
        backend: session.backend,
        fedByteLength: fed.x.data.buffer.byteLength,
        itemsByteLengths: items.map((it) => it.x.data.buffer.byteLength),
        batch: batch.map((out) => ({ dims: out['y']!.dims, data: Array.from(out['y']!.data as Float32Array) })),
        singles: singles.map((out) => Array.from(out['y']!.data as Float32Array)),
        // runs of at most 4 rows: [1,3] [1,2,1]; views share their run's buffer
        sharedBuffers: [batch[0]!['y']!.data.buffer === batch[1]!['y']!.data.buffer, batch[2]!['y']!.data.buffer === batch[4]!['y']!.data.buffer, batch[1]!['y']!.data.buffer === batch[2]!['y']!.data.buffer],
      };
    }, backend);
    expect(result.backend).toBe(backend);
    expect(result.fedByteLength).toBe(0);
    expect(result.itemsByteLengths).toEqual([0, 0, 0, 0, 0]);
    expect(result.batch.map((b) => b.dims)).toEqual([[1, 10], [3, 10], [1, 10], [2, 10], [1, 10]]);
    result.batch.forEach((b, i) => b.data.forEach((v, j) => expect(Math.abs(v - result.singles[i]![j]!)).toBeLessThanOrEqual(1e-5)));
    expect(result.sharedBuffers).toEqual([true, true, false]);
  });
}

test('should reject a bad request with its code and serve the next one', async ({ harness }) => {
  const result = await harness.evaluate(async () => {
    const { tensorlane } = window.harness;
    const session = await tensorlane.createSession({ model: 'models/broadcast.onnx', backend: 'wasm' });
    const vec = (n: number) => ({ type: 'float32' as const, data: new Float32Array(n).fill(1), dims: [n] });
    const settle = (p: Promise<unknown>) =>
      p.then(
        () => 'ok',
        (e: unknown) => ({
          isTensorlaneError: e instanceof tensorlane.TensorlaneError && tensorlane.isTensorlaneError(e),
          code: (e as { code: string }).code,
          message: (e as Error).message,
        }),
      );
    const results = await Promise.all([
      settle(session.predict({ a: vec(3), b: vec(3) })),
      settle(session.predict({ a: { ...vec(2), type: 'int32' as never }, b: vec(2) })), // caught on the page
      settle(session.predict({ a: vec(2), b: vec(3) })), // fails inside onnxruntime-web, in the worker
      settle(session.predict({ a: vec(4), b: vec(4) })),
    ]);
    await session.dispose();
    return results;
  });
  expect(result[0]).toBe('ok');
  expect(result[1]).toEqual({ isTensorlaneError: true, code: 'INVALID_INPUT', message: 'input "a" has type "int32" but the model expects "float32"' });
  expect(result[2]).toMatchObject({ isTensorlaneError: true, code: 'RUN_FAILED', message: expect.stringMatching(/^onnxruntime-web failed to run the model: /) });
  expect(result[3]).toBe('ok');
});

test('should keep the page awake while calls are out, and post nothing once they are answered or with busyWaitMs 0', async ({ harness }) => {
  const counts = await harness.evaluate(async () => {
    const { tensorlane, seededFloats } = window.harness;
    // The page stays awake by posting itself empty messages (wire/awake.ts): count them.
    let empty = 0;
    const post = MessagePort.prototype.postMessage;
    MessagePort.prototype.postMessage = function (this: MessagePort, message: unknown, ...rest: never[]) {
      if (message === undefined) empty++;
      return (post as (...args: unknown[]) => void).call(this, message, ...rest);
    };
    const idle = () => new Promise((resolve) => setTimeout(resolve, 200));
    const posted: Record<string, { during: number; after: number }> = {};
    try {
      for (const busyWaitMs of [2, 0]) {
        const session = await tensorlane.createSession({ model: 'models/mlp.onnx', backend: 'wasm', busyWaitMs });
        await idle();
        empty = 0;
        for (let i = 0; i < 20; i++) await session.predict({ x: { type: 'float32', data: seededFloats(256, i + 1), dims: [1, 256] } });
        const during = empty;
        empty = 0;
        await idle();
        posted[busyWaitMs] = { during, after: empty };
        await session.dispose();
      }
    } finally {
      MessagePort.prototype.postMessage = post;
    }
    return posted;
  });
  expect(counts['2']!.during).toBeGreaterThan(0);
  expect(counts['2']!.after).toBe(0);
  expect(counts['0']).toEqual({ during: 0, after: 0 });
});

test('should resolve a relative model URL against the page, not the worker script', async ({ harness }) => {
  const result = await harness.evaluate(async () => {
    const session = await window.harness.tensorlane.createSession({ model: 'models/fixed.onnx', backend: 'wasm' });
    await session.dispose();
    return session.inputs;
  });
  expect(result).toEqual([{ name: 'x', type: 'float32', dims: [1, 4] }]);
});

test('should reject a missing model, answered by the SPA fallback page, with MODEL_FETCH_FAILED saying why', async ({ harness, baseURL }) => {
  const error = await harness.evaluate(() =>
    window.harness.tensorlane.createSession({ model: 'models/missing.onnx' }).then(
      () => 'resolved',
      (e: { code: string; message: string }) => ({ code: e.code, message: e.message }),
    ),
  );
  expect(error).toEqual({
    code: 'MODEL_FETCH_FAILED',
    message: expect.stringMatching(new RegExp(`^could not fetch model "${baseURL}/models/missing.onnx": the server answered with an HTML page \\(\\d+ bytes\\), not ONNX; is the path right\\?`)),
  });
});

test('should round-trip int64, bool and float16 (as Float16Array) through the worker', async ({ harness }) => {
  const result = await harness.evaluate(async () => {
    const session = await window.harness.tensorlane.createSession({ model: 'models/dtypes.onnx', backend: 'wasm' });
    const feeds: Record<string, { type: string; data: ArrayLike<unknown>; dims: number[] }> = {};
    for (const { name, type } of session.inputs) {
      const make: Record<string, () => ArrayLike<unknown>> = {
        int64: () => BigInt64Array.of(-(2n ** 60n), 1n, 2n, 3n),
        uint64: () => BigUint64Array.of(2n ** 63n, 1n, 2n, 3n),
        bool: () => Uint8Array.of(1, 0, 0, 1),
        float16: () => Float16Array.of(0.5, -2, 65504, 0),
        float64: () => Float64Array.of(Math.PI, 1, 2, 3),
      };
      const small = { float32: Float32Array, int8: Int8Array, uint8: Uint8Array, int16: Int16Array, uint16: Uint16Array, int32: Int32Array, uint32: Uint32Array } as Record<string, { of(...n: number[]): ArrayLike<number> }>;
      const data = make[type]?.() ?? small[type]!.of(1, 2, 3, 4);
      feeds[name] = { type, data, dims: [2, 2] };
    }
    const out = await session.predict(feeds as never);
    await session.dispose();
    return Object.fromEntries(Object.entries(out).map(([k, t]) => [k, { type: t.type, cls: t.data.constructor.name, values: Array.from(t.data as ArrayLike<unknown>, String) }]));
  });
  expect(result['out_int64']).toEqual({ type: 'int64', cls: 'BigInt64Array', values: [String(-(2n ** 60n)), '1', '2', '3'] });
  expect(result['out_uint64']).toEqual({ type: 'uint64', cls: 'BigUint64Array', values: [String(2n ** 63n), '1', '2', '3'] });
  expect(result['out_bool']).toEqual({ type: 'bool', cls: 'Uint8Array', values: ['1', '0', '0', '1'] });
  expect(result['out_float16']!.values.map(Number)).toEqual([0.5, -2, 65504, 0]);
  expect(result['out_float64']!.values.map(Number)).toEqual([Math.PI, 1, 2, 3]);
});

test('should reject alone a call whose buffer cannot be sent, though it travels in one message with others', async ({ harness }) => {
  const result = await harness.evaluate(async () => {
    const { tensorlane, seededFloats } = window.harness;
    const session = await tensorlane.createSession({ model: 'models/mlp.onnx', backend: 'wasm' });
    // A view of WebAssembly memory passes every check but cannot be transferred: postMessage throws DataCloneError.
    const memory = new WebAssembly.Memory({ initial: 1 });
    const x = (data: Float32Array) => ({ x: { type: 'float32' as const, data, dims: [1, 256] } });
    const outcomes = await Promise.allSettled([
      session.predict(x(seededFloats(256, 1))),
      session.predict(x(new Float32Array(memory.buffer, 0, 256))),
      session.predict(x(seededFloats(256, 2))),
    ]);
    // Items that view one buffer move it once.
    const one = seededFloats(3 * 256, 3);
    const items = [0, 1, 2].map((i) => x(one.subarray(i * 256, (i + 1) * 256)));
    const batch = await session.predictBatch(items).then((out) => out.length, (e) => e.code);
    await session.dispose();
    return {
      outcomes: outcomes.map((o) => (o.status === 'fulfilled' ? 'ok' : `${o.reason.code}: ${o.reason.message}`)),
      memoryBytes: memory.buffer.byteLength,
      batch,
      oneDetached: one.buffer.byteLength === 0,
    };
  });
  expect(result.outcomes[0]).toBe('ok');
  expect(result.outcomes[1]).toMatch(/^INVALID_INPUT: input "x" data cannot be transferred to the worker \(.+\), as with a view of WebAssembly memory; pass \{ copy: true \} to send a copy$/);
  expect(result.outcomes[2]).toBe('ok');
  expect(result.memoryBytes).toBe(65536);
  expect(result).toMatchObject({ batch: 3, oneDetached: true });
});

test('should reject calls in flight with DISPOSED when disposed, and later calls too', async ({ harness }) => {
  const result = await harness.evaluate(async () => {
    const { tensorlane } = window.harness;
    const session = await tensorlane.createSession({ model: 'models/mlp.onnx', backend: 'wasm', maxBatchSize: 1 });
    const x = () => ({ x: { type: 'float32' as const, data: new Float32Array(256), dims: [1, 256] } });
    const inFlight = session.predictBatch(Array.from({ length: 16 }, x)).then(() => 'resolved', (e: { code: string }) => e.code);
    await session.dispose();
    const later = await session.predict(x()).then(() => 'resolved', (e: { code: string }) => e.code);
    return { inFlight: await inFlight, later };
  });
  expect(result).toEqual({ inFlight: 'DISPOSED', later: 'DISPOSED' });
});

test('should reject with WORKER_CRASHED when the worker script cannot start, instead of hanging', async ({ harness }) => {
  const error = await harness.evaluate(() =>
    window.harness.tensorlane
      .createSession({ model: 'models/mlp.onnx', worker: () => new Worker('/no-such-worker.js', { type: 'module' }) })
      .then(() => 'resolved', (e: { code: string; message: string }) => ({ code: e.code, message: e.message })),
  );
  expect(error).toEqual({ code: 'WORKER_CRASHED', message: expect.stringContaining('the worker failed to start') });
});

test('should not lose requests sent while a custom worker is still starting', async ({ harness }) => {
  const backend = await harness.evaluate(async () => {
    const session = await window.harness.tensorlane.createSession({ model: 'models/mlp.onnx', backend: 'wasm', worker: window.harness.slowStartWorker });
    await session.dispose();
    return session.backend;
  });
  expect(backend).toBe('wasm');
});
