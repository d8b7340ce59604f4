// The real client and the real worker host, talking over a MessageChannel in Node, with onnxruntime-web's WASM
// backend doing the work. Only the Worker itself is replaced (by a MessagePort): everything that crosses is
// posted, transferred and rebuilt as it is in a browser.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { MessagePort as NodeMessagePort } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createSession, isTensorlaneError, type Session, type SessionOptions, type Tensor } from '../packages/tensorlane/src/index.ts';
import { createHash } from 'node:crypto';
import { aborts, backpressure, concurrentRequests, poisonedRequest, type Open } from './batching-scenarios.ts';
import { DTYPES, MLP_EXTERNAL_DATA, MODELS, mlpReference, seededFloats } from './models/zoo.ts';
import { expectServes, portWorker } from './node-worker.ts';

function open(model: keyof typeof MODELS, options: Partial<SessionOptions> = {}): Promise<Session> {
  return createSession({ model: MODELS[model](), worker: portWorker(), ...options });
}

const mlpInput = (rows: number, seed: number): Tensor<'float32'> => ({
  type: 'float32',
  data: seededFloats(rows * 256, seed),
  dims: [rows, 256],
});

function expectClose(actual: Float32Array, expected: Float32Array, tolerance: number): void {
  expect(actual.length).toBe(expected.length);
  let worst = 0;
  for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(actual[i]! - expected[i]!));
  expect(worst).toBeLessThanOrEqual(tolerance);
}

describe('a session on the WASM backend in Node', () => {
  let mlp: Session;
  beforeAll(async () => {
    mlp = await open('mlp.onnx');
  });
  afterAll(() => mlp.dispose());

  it('should fall back from webgpu to wasm with the reason when there is no navigator.gpu', () => {
    expect(mlp.backend).toBe('wasm');
    expect(mlp.engine).toBe('wasm');
    expect(mlp.fallback).toEqual([
      { backend: 'webgpu', engine: 'jsep', reason: 'navigator.gpu is undefined (this browser has no WebGPU, or it is turned off)' },
    ]);
    expect(mlp.adapter).toBeUndefined();
  });

  it('should read inputs, outputs and batching from the model', () => {
    expect(mlp.inputs).toEqual([{ name: 'x', type: 'float32', dims: ['batch', 256] }]);
    expect(mlp.outputs).toEqual([{ name: 'y', type: 'float32', dims: ['batch', 10] }]);
    expect(mlp.batching).toEqual({ stacked: true, reason: 'every input and output has first dim "batch"' });
  });

  it('should predict the reference outputs and detach the caller\'s input buffer', async () => {
    const x = mlpInput(3, 7);
    const expected = mlpReference(x.data);
    const out = await mlp.predict({ x });
    expect(x.data.buffer.byteLength).toBe(0);
    expect(out['y']!.type).toBe('float32');
    expect(out['y']!.dims).toEqual([3, 10]);
    expectClose(out['y']!.data as Float32Array, expected, 1e-5);
  });

  it('should leave the caller\'s buffer alone with copy: true', async () => {
    const x = mlpInput(1, 8);
    await mlp.predict({ x }, { copy: true });
    expect(x.data.length).toBe(256);
    expect(x.data.buffer.byteLength).toBe(256 * 4);
  });

  it('should reject reusing a transferred input with INVALID_INPUT, and keep serving', async () => {
    const x = mlpInput(1, 9);
    await mlp.predict({ x });
    await expect(mlp.predict({ x })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringContaining('input "x" data is detached'),
    });
    await expectServes(mlp, 9);
  });

  it('should return predictBatch results equal to per-item predict, as views over one buffer per run', async () => {
    await using mlp = await open('mlp.onnx', { maxBatchSize: 4 });
    const rows = [1, 2, 1, 3, 1];
    const items = rows.map((r, i) => ({ x: mlpInput(r, 100 + i) }));
    const expected = items.map((item) => mlpReference(item.x.data));
    const singles = await Promise.all(items.map((item) => mlp.predict(item, { copy: true })));
    const results = await mlp.predictBatch(items);
    expect(results.map((r) => r['y']!.dims)).toEqual(rows.map((r) => [r, 10]));
    results.forEach((r, i) => {
      expectClose(r['y']!.data as Float32Array, expected[i]!, 1e-5);
      expectClose(r['y']!.data as Float32Array, singles[i]!['y']!.data as Float32Array, 1e-6);
    });
    // runs of at most 4 rows: [1,2,1] [3,1]
    const buffers = results.map((r) => r['y']!.data.buffer);
    expect(new Set(buffers).size).toBe(2);
    expect(buffers[0]).toBe(buffers[2]);
    expect(buffers[3]).toBe(buffers[4]);
    expect(items.every((item) => item.x.data.buffer.byteLength === 0)).toBe(true);
  });

  it('should serve many concurrent calls, each with its own result', async () => {
    const inputs = Array.from({ length: 20 }, (_, i) => mlpInput(1 + (i % 3), 200 + i));
    const expected = inputs.map((x) => mlpReference(x.data));
    const outs = await Promise.all(inputs.map((x) => mlp.predict({ x })));
    outs.forEach((out, i) => expectClose(out['y']!.data as Float32Array, expected[i]!, 1e-5));
  });

  it('should reject a bad request alone: the calls around it succeed', async () => {
    const results = await Promise.allSettled([
      mlp.predict({ x: mlpInput(1, 1) }),
      mlp.predict({ x: { type: 'float32', data: new Float32Array(255), dims: [1, 255] } }),
      mlp.predict({ x: mlpInput(1, 2) }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason).toMatchObject({
      code: 'INVALID_INPUT',
      message: 'input "x" has dims [1,255] but the model expects 256 at dim 1 ([batch,256])',
    });
  });

  it('should reject an already aborted call with ABORTED without taking the input', async () => {
    const x = mlpInput(1, 3);
    const reason = new Error('user left');
    await expect(mlp.predict({ x }, { signal: AbortSignal.abort(reason) })).rejects.toMatchObject({
      code: 'ABORTED',
      message: 'predict was aborted: user left',
      cause: reason,
    });
    expect(x.data.buffer.byteLength).toBe(256 * 4);
  });

  it('should reject a call aborted in flight at once, and keep serving', async () => {
    const controller = new AbortController();
    const pending = mlp.predictBatch(Array.from({ length: 64 }, (_, i) => ({ x: mlpInput(1, i) })), { signal: controller.signal });
    controller.abort();
    await expect(pending).rejects.toMatchObject({ code: 'ABORTED' });
    await expectServes(mlp, 4);
  });

  it('should reject unknown and malformed options with INVALID_OPTIONS', async () => {
    await expect(mlp.predict({ x: mlpInput(1, 5) }, { copyy: true } as never)).rejects.toMatchObject({
      code: 'INVALID_OPTIONS',
      message: 'predict() has no option "copyy"; its options are "signal", "timeoutMs", "copy"',
    });
    await expect(mlp.predictBatch([{ x: mlpInput(1, 5) }], { batchSize: 4 } as never)).rejects.toMatchObject({
      code: 'INVALID_OPTIONS',
      message: 'predictBatch() has no option "batchSize"; its options are "signal", "timeoutMs", "copy"',
    });
    await expect(mlp.predict({ x: mlpInput(1, 5) }, { timeoutMs: -1 })).rejects.toMatchObject({
      code: 'INVALID_OPTIONS',
      message: 'predict() option "timeoutMs" is -1; expected a number >= 0',
    });
    await expect(createSession({ model: MODELS['mlp.onnx'](), maxBatchSize: 2.5, worker: portWorker() })).rejects.toMatchObject({
      code: 'INVALID_OPTIONS',
      message: 'option "maxBatchSize" is 2.5; expected an integer >= 1',
    });
    await expect(createSession({ model: MODELS['mlp.onnx'](), busyWaitMs: -1, worker: portWorker() })).rejects.toMatchObject({
      code: 'INVALID_OPTIONS',
      message: 'option "busyWaitMs" is -1; expected a number >= 0',
    });
    await expect(createSession({ model: MODELS['mlp.onnx'](), backend: 'gpu' as never, worker: portWorker() })).rejects.toMatchObject({
      code: 'INVALID_OPTIONS',
      message: 'option "backend" is "gpu"; expected "auto" | "fastest" | "webgpu" | "wasm"',
    });
  });
});

describe('dynamic batching', () => {
  const openHere: Open = (model, options = {}) => open(model, options);

  it('should give 1,000 concurrent calls exactly their own rows, in arrival order, in full batches', async () => {
    const report = await concurrentRequests(openHere);
    expect(report).toMatchObject({ wrongRows: 0, inArrivalOrder: true, detached: 1000, queueWaitCount: 1000 });
    expect(report.maxDiff).toBeLessThanOrEqual(1e-5);
    const { totalRows, stats } = report;
    expect(stats.requests).toEqual({ submitted: 1000, resolved: 1000, rejected: 0, pending: 0 });
    expect(stats.rows).toEqual({ submitted: totalRows, resolved: totalRows, rejected: 0, pending: 0 });
    expect(stats.rowsRun).toBe(totalRows);
    expect(stats.runs).toBeLessThan(1000 / 10);
    expect(report.meanRowsPerRun).toBeGreaterThan(40);
  });

  it('should never run a call aborted while queued, reject one aborted after sending at once, and time out', async () => {
    const report = await aborts(openHere);
    expect(report).toMatchObject({ queued: { code: 'ABORTED', causeIsReason: true }, timedOut: 'TIMEOUT', dropped: 'ABORTED' });
    expect(report.keptDiff).toBeLessThanOrEqual(1e-5);
    // Only the batch of 4 + 4 rows ran: the queued and the timed-out calls never did.
    expect(report.stats).toMatchObject({ runs: 1, rowsRun: 8, rejections: { ABORTED: 2, TIMEOUT: 1 } });
    expect(report.stats.requests).toEqual({ submitted: 4, resolved: 1, rejected: 3, pending: 0 });
  });

  it('should reject calls past maxQueueSize with QUEUE_FULL, leaving their inputs, and resolve the rest once', async () => {
    const report = await backpressure(openHere);
    expect(report.outcomes).toEqual([...new Array(16).fill('ok'), ...new Array(14).fill('QUEUE_FULL')]);
    expect(report).toMatchObject({ settledOnce: true, rejectedKeptInputs: 14, after: 'ok', tooBig: 'INVALID_INPUT' });
    expect(report.stats.rows).toEqual({ submitted: 48, resolved: 17, rejected: 31, pending: 0 });
    expect(report.stats.rejections).toEqual({ QUEUE_FULL: 14, INVALID_INPUT: 1 });
  });

  it('should fail only the poisoned call of a failed batch, retrying the others alone', async () => {
    const report = await poisonedRequest(openHere);
    expect(report.results).toEqual([[10], [13], 'RUN_FAILED', [12]]);
    expect(report.stats).toMatchObject({ runs: 5, rowsRun: 8, rejections: { RUN_FAILED: 1 } });
  });
});

describe('loading', () => {
  let server: Server;
  let base: string;
  beforeAll(async () => {
    server = createServer((req, res) => {
      const name = req.url?.slice(1) ?? '';
      if (name in MODELS) res.end(MODELS[name as keyof typeof MODELS]());
      else if (req.url === '/index.html') res.setHeader('content-type', 'text/html').end('<!doctype html><p>app</p>');
      else res.writeHead(404, 'Not Found').end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it('should fetch a model URL inside the worker', async () => {
    await using session = await createSession({ model: new URL('/mlp.onnx', base), worker: portWorker(), backend: 'wasm' });
    expect(session.backend).toBe('wasm');
    expect(session.fallback).toEqual([]);
  });

  it('should report download, compile and warm-up progress, every event before createSession resolves', async () => {
    const events: { phase: string; loaded: number; total?: number }[] = [];
    const session = await createSession({
      model: `${base}/mlp.onnx`,
      worker: portWorker(),
      backend: 'wasm',
      warmup: { batchSizes: [1, 4] },
      onProgress: (p) => events.push(p),
    });
    const size = MODELS['mlp.onnx']().length;
    expect(events[0]).toEqual({ phase: 'download', loaded: 0, total: size });
    expect(events.filter((e) => e.phase === 'download').at(-1)).toEqual({ phase: 'download', loaded: size, total: size });
    expect(events.filter((e) => e.phase === 'compile')).toEqual([
      { phase: 'compile', loaded: 0, total: 1 },
      { phase: 'compile', loaded: 1, total: 1 },
    ]);
    const warmup = events.filter((e) => e.phase === 'warmup'); // the middle one may be throttled away
    expect([warmup[0], warmup.at(-1)]).toEqual([{ phase: 'warmup', loaded: 0, total: 2 }, { phase: 'warmup', loaded: 2, total: 2 }]);
    expect(events.map((e) => e.phase).filter((p, i, all) => p !== all[i - 1])).toEqual(['download', 'compile', 'warmup']);
    expect((await session.stats()).warmup).toEqual({ batchSizes: [1, 4], ms: expect.any(Number) });
    // Node has no Cache API: the model loads all the same, and the session says it was not cached.
    expect(session.warnings).toEqual([expect.stringMatching(/^models are not cached: the Cache API is unavailable here/)]);
    await session.dispose();
  });

  it('should check integrity, and reject a mismatch with INTEGRITY_MISMATCH naming both digests', async () => {
    const bytes = MODELS['mlp.onnx']();
    const actual = `sha256-${createHash('sha256').update(bytes).digest('base64')}`;
    await using ok = await createSession({ model: `${base}/mlp.onnx`, integrity: actual, worker: portWorker(), cache: false });
    expect(ok.warnings).toEqual([]);
    const wrong = `sha256-${createHash('sha256').update('other').digest('base64')}`;
    await expect(createSession({ model: bytes, integrity: wrong, worker: portWorker() })).rejects.toMatchObject({
      code: 'INTEGRITY_MISMATCH',
      message: `the model has digest ${actual} but integrity expects ${wrong}`,
      details: { expected: wrong, actual },
    });
    await expect(createSession({ model: bytes, integrity: 'sha256-abc', worker: portWorker() })).rejects.toMatchObject({
      code: 'INVALID_OPTIONS',
      message: `option "integrity" is "sha256-abc"; expected an SRI sha256 digest, 'sha256-' and 44 base64 characters`,
    });
  });

  it('should load external data given by file name, relative to the model URL, and predict the reference', async () => {
    const events: { phase: string; loaded: number; total?: number }[] = [];
    await using session = await createSession({
      model: `${base}/mlp-external.onnx`,
      externalData: [MLP_EXTERNAL_DATA],
      worker: portWorker(),
      cache: false,
      onProgress: (p) => events.push(p),
    });
    const total = MODELS['mlp-external.onnx']().length + MODELS[MLP_EXTERNAL_DATA]().length;
    expect(events.filter((e) => e.phase === 'download').at(-1)).toEqual({ phase: 'download', loaded: total, total });
    const x = mlpInput(2, 5);
    const expected = mlpReference(x.data);
    expectClose((await session.predict({ x }))['y']!.data as Float32Array, expected, 1e-5);
  });

  it('should reject a model whose external data was not given with MODEL_INVALID saying which file', async () => {
    await expect(createSession({ model: `${base}/mlp-external.onnx`, worker: portWorker(), cache: false })).rejects.toMatchObject({
      code: 'MODEL_INVALID',
      message: `model "${base}/mlp-external.onnx" keeps its weights in "${MLP_EXTERNAL_DATA}", which was not given: pass externalData: ['${MLP_EXTERNAL_DATA}']`,
    });
  });

  it('should reject a model with an op no backend implements with BACKEND_UNAVAILABLE naming the URL', async () => {
    await expect(createSession({ model: `${base}/unsupported.onnx`, worker: portWorker(), cache: false })).rejects.toMatchObject({
      code: 'BACKEND_UNAVAILABLE',
      message: expect.stringMatching(
        new RegExp(`^no backend could run model "${base}/unsupported.onnx": webgpu\\/jsep: .*; wasm: session creation failed: .*Could not find an implementation for Relu\\(14\\)`),
      ),
    });
  });

  it('should reject a warm-up it cannot shape, and bad warm-up or session options, with INVALID_OPTIONS', async () => {
    const warmed = await createSession({ model: MODELS['broadcast.onnx'](), worker: portWorker(), warmup: true });
    expect((await warmed.stats()).warmup).toMatchObject({ batchSizes: [1] });
    await warmed.dispose();
    await expect(createSession({ model: MODELS['mlp.onnx'](), worker: portWorker(), warmup: { batchSizes: [0] } })).rejects.toMatchObject({
      code: 'INVALID_OPTIONS',
      message: 'option "warmup.batchSizes" is [0]; expected a non-empty array of positive integers',
    });
    await expect(createSession({ model: MODELS['mlp.onnx'](), worker: portWorker(), warmup: { sizes: [1] } as never })).rejects.toMatchObject({
      code: 'INVALID_OPTIONS',
      message: 'option "warmup" has no option "sizes"; its options are "batchSizes", "freeDimensions"',
    });
    await expect(createSession({ model: MODELS['mlp.onnx'](), worker: portWorker(), graphOptimizationLevel: 'max' as never })).rejects.toMatchObject({
      code: 'INVALID_OPTIONS',
      message: 'option "graphOptimizationLevel" is "max"; expected "disabled" | "basic" | "extended" | "layout" | "all"',
    });
    await expect(createSession({ model: MODELS['mlp.onnx'](), worker: portWorker(), executionProviders: ['wasm'] } as never)).rejects.toMatchObject({
      code: 'INVALID_OPTIONS',
      message: expect.stringMatching(/^createSession\(\) has no option "executionProviders"; its options are "model", /),
    });
  });

  it('should pass freeDimensionOverrides to onnxruntime-web, whose metadata then shows the fixed dims', async () => {
    await using session = await createSession({
      model: MODELS['broadcast.onnx'](),
      worker: portWorker(),
      freeDimensionOverrides: { n: 3, m: 3 },
      graphOptimizationLevel: 'basic',
      logSeverityLevel: 3,
      warmup: { batchSizes: [3] },
    });
    expect((await session.stats()).warmup?.batchSizes).toEqual([3]);
    expect(session.inputs.map((i) => i.dims)).toEqual([[3], [3]]);
    const vec = (n: number) => ({ type: 'float32', data: new Float32Array(n).fill(1), dims: [n] }) as const;
    const { sum } = await session.predict({ a: vec(3), b: vec(3) });
    expect(sum).toMatchObject({ type: 'float32', dims: [3] });
    expect(Array.from(sum!.data as Float32Array)).toEqual([2, 2, 2]);
    await expect(session.predict({ a: vec(2), b: vec(2) })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });

  it('should reject an HTTP error with MODEL_FETCH_FAILED naming the URL and status', async () => {
    await expect(createSession({ model: `${base}/missing.onnx`, worker: portWorker() })).rejects.toMatchObject({
      code: 'MODEL_FETCH_FAILED',
      message: `could not fetch model "${base}/missing.onnx": HTTP 404 Not Found`,
    });
  });

  it('should reject an HTML page served for a model with MODEL_FETCH_FAILED saying why', async () => {
    await expect(createSession({ model: `${base}/index.html`, worker: portWorker() })).rejects.toMatchObject({
      code: 'MODEL_FETCH_FAILED',
      message: `could not fetch model "${base}/index.html": the server answered with an HTML page (25 bytes), not ONNX; is the path right? Dev servers and SPA hosts answer missing files with index.html`,
    });
  });

  it('should reject bytes that are not ONNX with MODEL_INVALID, and empty bytes too', async () => {
    await expect(createSession({ model: new TextEncoder().encode('not a model'), worker: portWorker() })).rejects.toMatchObject({
      code: 'MODEL_INVALID',
      message: expect.stringContaining('protobuf parsing failed'),
    });
    await expect(createSession({ model: new Uint8Array(0), worker: portWorker() })).rejects.toMatchObject({
      code: 'MODEL_INVALID',
      message: 'the model is empty (0 bytes)',
    });
  });

  it('should reject backend webgpu with BACKEND_UNAVAILABLE rather than use wasm', async () => {
    const error = await createSession({ model: MODELS['mlp.onnx'](), backend: 'webgpu', worker: portWorker() }).catch((e: unknown) => e);
    expect(isTensorlaneError(error, 'BACKEND_UNAVAILABLE')).toBe(true);
    expect(error).toMatchObject({
      message: 'no backend could run the model: webgpu/jsep: navigator.gpu is undefined (this browser has no WebGPU, or it is turned off)',
      details: { attempts: [{ backend: 'webgpu', reason: expect.any(String) }] },
    });
  });

  it('should transfer model bytes given as an ArrayBuffer', async () => {
    const bytes = MODELS['mlp.onnx']();
    await using session = await createSession({ model: bytes.buffer as ArrayBuffer, worker: portWorker() });
    expect(bytes.buffer.byteLength).toBe(0);
    expect(session.inputs[0]!.name).toBe('x');
  });

  it('should reject a relative URL with INVALID_OPTIONS when there is no page to resolve it against', async () => {
    await expect(createSession({ model: 'models/mlp.onnx', worker: portWorker() })).rejects.toMatchObject({
      code: 'INVALID_OPTIONS',
      message: 'model "models/mlp.onnx" is not a valid URL (no page to resolve it against; pass an absolute URL)',
    });
  });

  it('should reject with ABORTED and stop the worker when loading is aborted', async () => {
    const controller = new AbortController();
    let stopped = false;
    const pending = createSession({
      model: MODELS['mlp.onnx'](),
      signal: controller.signal,
      worker: () => {
        const port = portWorker()() as unknown as NodeMessagePort;
        port.once('close', () => (stopped = true));
        return port as unknown as Worker;
      },
    });
    controller.abort(new Error('navigated away'));
    await expect(pending).rejects.toMatchObject({ code: 'ABORTED', message: 'createSession was aborted: navigated away' });
    await vi.waitFor(() => expect(stopped).toBe(true));
  });
});

describe('models and dtypes', () => {
  it('should round-trip every supported dtype through the worker', async () => {
    await using session = await open('dtypes.onnx');
    const feeds: Record<string, Tensor> = {};
    for (const type of DTYPES) {
      const values = [1, 0, 1, 1];
      let data: Tensor['data'];
      if (type === 'int64') data = BigInt64Array.from(values.map((v, i) => BigInt(v * (i + 1)) - 3n));
      else if (type === 'uint64') data = BigUint64Array.from(values.map((v, i) => BigInt(v * (i + 1)) + 2n ** 40n));
      else if (type === 'float16') data = Uint16Array.of(0x3c00, 0x4000, 0xc200, 0x0000); // 1, 2, -3, 0
      else if (type === 'bool') data = Uint8Array.from(values);
      else if (type === 'float32') data = Float32Array.of(0.5, -1.25, 3, 1e-7);
      else if (type === 'float64') data = Float64Array.of(0.1, -1e300, 3, Math.PI);
      else data = ({ int8: Int8Array, uint8: Uint8Array, int16: Int16Array, uint16: Uint16Array, int32: Int32Array, uint32: Uint32Array } as const)[type].of(1, 2, 3, 127);
      feeds[`in_${type}`] = { type, data, dims: [2, 2] };
    }
    const expected = Object.fromEntries(Object.entries(feeds).map(([k, t]) => [k.replace('in_', 'out_'), Array.from(t.data as ArrayLike<unknown>)]));
    const out = await session.predict(feeds);
    for (const type of DTYPES) {
      expect(out[`out_${type}`]!.type).toBe(type);
      expect(out[`out_${type}`]!.dims).toEqual([2, 2]);
      expect(Array.from(out[`out_${type}`]!.data as ArrayLike<unknown>)).toEqual(expected[`out_${type}`]);
    }
  });

  it('should report an unnamed dynamic dim as "?" and run items one by one', async () => {
    await using session = await open('unnamed.onnx');
    expect(session.inputs).toEqual([{ name: 'x', type: 'float32', dims: ['?', 3] }]);
    expect(session.batching.stacked).toBe(false);
    const items = [1, 2].map((rows) => ({ x: { type: 'float32', data: new Float32Array(rows * 3).fill(-rows), dims: [rows, 3] } as const }));
    const results = await session.predictBatch(items);
    expect(results.map((r) => r['y']!.dims)).toEqual([[1, 3], [2, 3]]);
    expect(results[0]!['y']!.data.buffer).not.toBe(results[1]!['y']!.data.buffer);
  });

  it('should name the fixed dim a request gets wrong', async () => {
    await using session = await open('fixed.onnx');
    expect(session.batching.reason).toMatch(/^input "x" has a fixed first dim of 1/);
    await expect(session.predict({ x: { type: 'float32', data: new Float32Array(8), dims: [2, 4] } })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: 'input "x" has dims [2,4] but the model expects 1 at dim 0 ([1,4])',
    });
    const out = await session.predict({ x: { type: 'float32', data: Float32Array.of(1, 1, 1, 1), dims: [1, 4] } });
    expect(Array.from(out['y']!.data as Float32Array)).toEqual([1, 2, 3, 4]);
  });

  it('should reject a failing run with RUN_FAILED, from the worker, and keep serving', async () => {
    await using session = await open('broadcast.onnx');
    const vec = (n: number) => ({ type: 'float32', data: new Float32Array(n).fill(1), dims: [n] }) as const;
    await expect(session.predict({ a: vec(2), b: vec(3) })).rejects.toMatchObject({
      name: 'TensorlaneError',
      code: 'RUN_FAILED',
      message: expect.stringMatching(/^onnxruntime-web failed to run the model: .*/),
    });
    const out = await session.predict({ a: vec(3), b: vec(3) });
    expect(Array.from(out['sum']!.data as Float32Array)).toEqual([2, 2, 2]);
  });

  it('should stack items when batching: "stack" is forced on a model whose dims differ in name', async () => {
    await using session = await open('broadcast.onnx', { batching: 'stack' });
    const vec = (n: number, v: number) => ({ type: 'float32', data: new Float32Array(n).fill(v), dims: [n] }) as const;
    const results = await session.predictBatch([{ a: vec(1, 1), b: vec(1, 2) }, { a: vec(2, 3), b: vec(2, 4) }]);
    expect(results.map((r) => Array.from(r['sum']!.data as Float32Array))).toEqual([[3], [7, 7]]);
  });
});

describe('lifecycle', () => {
  it('should reject calls in flight and later calls with DISPOSED after dispose', async () => {
    const session = await open('mlp.onnx');
    const inFlight = session.predictBatch(Array.from({ length: 32 }, (_, i) => ({ x: mlpInput(1, i) })));
    const disposed = session.dispose();
    await expect(inFlight).rejects.toMatchObject({ code: 'DISPOSED' });
    await disposed;
    await expect(session.predict({ x: mlpInput(1, 1) })).rejects.toMatchObject({ code: 'DISPOSED', message: 'the session was disposed' });
    await expect(session.dispose()).resolves.toBeUndefined();
  });

  it('should reject every call in flight with WORKER_CRASHED when the worker fails, and every later call with restart off', async () => {
    let port: MessagePort | undefined;
    const session = await createSession({
      model: MODELS['mlp.onnx'](),
      restart: 'off',
      worker: () => {
        port = portWorker()() as unknown as MessagePort;
        return port as unknown as Worker;
      },
    });
    const inFlight = session.predict({ x: mlpInput(1, 1) });
    port!.dispatchEvent(Object.assign(new Event('error'), { message: 'out of memory' }));
    const crashed = "the worker threw: out of memory; the call's inputs went with the worker, it may be retried";
    await expect(inFlight).rejects.toMatchObject({ code: 'WORKER_CRASHED', message: crashed });
    await expect(session.predict({ x: mlpInput(1, 2) })).rejects.toMatchObject({
      code: 'WORKER_CRASHED',
      message: "the worker threw: out of memory (restart is 'off': the session stopped; create a new one)",
    });
    await session.dispose();
  });
});
