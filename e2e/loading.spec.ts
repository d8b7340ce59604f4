// Loading in real Chromium, through the real worker, from a local server the spec starts (e2e/model-server.ts):
// progress, integrity, the model cache (counted in requests at the server), the quota fallback, external data,
// warm-up, and every way a download or a model can fail.
import { createHash } from 'node:crypto';
import { expect, test } from './fixtures.ts';
import { startModelServer, type ModelServer } from './model-server.ts';
import { MLP_EXTERNAL_DATA, MODELS } from '../test/models/zoo.ts';

let server: ModelServer;
test.beforeAll(async () => {
  server = await startModelServer();
});
test.afterAll(() => server.close());

const sri = (bytes: Uint8Array | string) => `sha256-${createHash('sha256').update(bytes).digest('base64')}`;
const MLP_BYTES = MODELS['mlp.onnx']().length;


test('should report download progress that only grows, at most one event a piece, ending at the total', async ({ harness }) => {
  const url = `${server.url}/slow/mlp.onnx`;
  const result = await harness.evaluate(async (url) => {
    const events: { phase: string; loaded: number; total?: number }[] = [];
    const session = await window.harness.tensorlane.createSession({
      model: url,
      backend: 'wasm',
      cache: false,
      onProgress: (p) => events.push({ ...p }),
    });
    await session.dispose();
    return events;
  }, url);
  const download = result.filter((e) => e.phase === 'download');
  expect(download[0]).toMatchObject({ loaded: 0, total: MLP_BYTES });
  expect(download.at(-1)).toMatchObject({ loaded: MLP_BYTES, total: MLP_BYTES });
  expect(download.every((e) => e.total === MLP_BYTES)).toBe(true);
  for (let i = 1; i < download.length; i++) expect(download[i]!.loaded).toBeGreaterThanOrEqual(download[i - 1]!.loaded);
  // The body comes in 16 pieces: progress along the way, never more than the start, one per piece and the final
  // event. How events are spaced in time (at most one per 50 ms) is createProgress's unit test, on a test clock.
  expect(download.length).toBeGreaterThan(3);
  expect(download.length).toBeLessThanOrEqual(1 + 16 + 1);
  expect(result.map((e) => e.phase).filter((p, i, all) => p !== all[i - 1])).toEqual(['download', 'compile']);
});

test('should report progress without a total when the server sends no Content-Length', async ({ harness }) => {
  const events = await harness.evaluate(async (url) => {
    const events: { phase: string; loaded: number; total?: number }[] = [];
    const session = await window.harness.tensorlane.createSession({ model: url, backend: 'wasm', cache: false, onProgress: (p) => events.push(p) });
    await session.dispose();
    return events.filter((e) => e.phase === 'download');
  }, `${server.url}/chunked/mlp.onnx`);
  expect(events.every((e) => e.total === undefined)).toBe(true);
  expect(events.at(-1)).toEqual({ phase: 'download', loaded: MLP_BYTES });
});

test('should accept a matching integrity and reject a mismatch with INTEGRITY_MISMATCH naming both digests', async ({ harness }) => {
  const url = `${server.url}/models/mlp.onnx`;
  const good = sri(MODELS['mlp.onnx']());
  const bad = sri('another model');
  const result = await harness.evaluate(async ({ url, good, bad }) => {
    const { createSession } = window.harness.tensorlane;
    const ok = await createSession({ model: url, backend: 'wasm', integrity: good, cache: false });
    await ok.dispose();
    const error = await createSession({ model: url, backend: 'wasm', integrity: bad, cache: false }).then(
      () => 'resolved',
      (e: { code: string; message: string; details: unknown }) => ({ code: e.code, message: e.message, details: e.details }),
    );
    return { ok: ok.backend, error };
  }, { url, good, bad });
  expect(result.ok).toBe('wasm');
  expect(result.error).toEqual({
    code: 'INTEGRITY_MISMATCH',
    message: `model "${url}" has digest ${good} but integrity expects ${bad}`,
    details: { url, expected: bad, actual: good },
  });
});

test('should load a model the second time from the cache with zero requests, list it and delete it', async ({ harness }) => {
  const url = `${server.url}/models/convnet.onnx`;
  const path = '/models/convnet.onnx';
  const load = () =>
    harness.evaluate(async (url) => {
      const phases: string[] = [];
      const session = await window.harness.tensorlane.createSession({ model: url, backend: 'wasm', onProgress: (p) => phases.push(p.phase) });
      await session.dispose();
      return { phases: [...new Set(phases)], warnings: session.warnings };
    }, url);
  expect(await load()).toEqual({ phases: ['download', 'compile'], warnings: [] });
  expect(server.requests(path)).toBe(1);
  expect(await load()).toEqual({ phases: ['cache', 'compile'], warnings: [] });
  expect(server.requests(path)).toBe(1); // the second load made no request at all
  // The entry carries its digest: the same integrity is a hit; another is another version, fetched and checked.
  const withIntegrity = (integrity: string) =>
    harness.evaluate(async ({ url, integrity }) => {
      const session = await window.harness.tensorlane.createSession({ model: url, backend: 'wasm', integrity });
      await session.dispose();
      return 'loaded';
    }, { url, integrity }).catch((e: Error) => e.message);
  expect(await withIntegrity(sri(MODELS['convnet.onnx']()))).toBe('loaded');
  expect(server.requests(path)).toBe(1);
  expect(await withIntegrity(sri('convnet v2'))).toMatch(/model ".*\/convnet\.onnx" has digest sha256-\S+ but integrity expects sha256-/);
  expect(server.requests(path)).toBe(2);
  const listed = await harness.evaluate(() => window.harness.tensorlane.listCachedModels());
  expect(listed).toEqual([
    { url, integrity: sri(MODELS['convnet.onnx']()), bytes: MODELS['convnet.onnx']().length, storedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) },
  ]);
  expect(await harness.evaluate((url) => window.harness.tensorlane.deleteCachedModels(url), url)).toBe(1);
  expect(await load()).toEqual({ phases: ['download', 'compile'], warnings: [] });
  expect(server.requests(path)).toBe(3);
  // cache: false neither reads nor writes
  await harness.evaluate(async (url) => {
    await window.harness.tensorlane.deleteCachedModels();
    for (let i = 0; i < 2; i++) await (await window.harness.tensorlane.createSession({ model: url, backend: 'wasm', cache: false })).dispose();
  }, url);
  expect(server.requests(path)).toBe(5);
  expect(await harness.evaluate(() => window.harness.tensorlane.listCachedModels())).toEqual([]);
});

test('should load without caching, and say so in session.warnings, when the cache is over quota', async ({ harness }) => {
  const url = `${server.url}/models/fixed.onnx`;
  const warnings = await harness.evaluate(async (url) => {
    const { createSession } = window.harness.tensorlane;
    const warnings: (readonly string[])[] = [];
    for (let i = 0; i < 2; i++) {
      const session = await createSession({ model: url, backend: 'wasm', worker: window.harness.fullCacheWorker });
      const out = await session.predict({ x: { type: 'float32', data: Float32Array.of(1, 1, 1, 1), dims: [1, 4] } });
      if (Array.from(out['y']!.data as Float32Array).join() !== '1,2,3,4') throw new Error('wrong output');
      warnings.push(session.warnings);
      await session.dispose();
    }
    return warnings;
  }, url);
  const warning = `model "${url}" was not cached: the storage quota is exceeded (QuotaExceededError: the quota has been exceeded (simulated)); it loaded from the network and will download again next time`;
  expect(warnings).toEqual([[warning], [warning]]);
  expect(server.requests('/models/fixed.onnx')).toBe(2);
});

test('should load external data with the model, with one progress total, and from the cache the second time', async ({ harness }) => {
  const url = `${server.url}/models/mlp-external.onnx`;
  const total = MODELS['mlp-external.onnx']().length + MODELS[MLP_EXTERNAL_DATA]().length;
  const load = () =>
    harness.evaluate(async (url) => {
      const { tensorlane: { createSession }, seededFloats } = window.harness;
      const events: { phase: string; loaded: number; total?: number }[] = [];
      const session = await createSession({ model: url, backend: 'wasm', externalData: ['mlp-external.onnx.data'], onProgress: (p) => events.push(p) });
      const out = await session.predict({ x: { type: 'float32', data: seededFloats(256, 3), dims: [1, 256] } });
      const reference = await createSession({ model: 'models/mlp.onnx', backend: 'wasm' });
      const expected = await reference.predict({ x: { type: 'float32', data: seededFloats(256, 3), dims: [1, 256] } });
      await Promise.all([session.dispose(), reference.dispose()]);
      return { last: events.filter((e) => e.phase === 'download' || e.phase === 'cache').at(-1), same: Array.from(out['y']!.data as Float32Array).join() === Array.from(expected['y']!.data as Float32Array).join() };
    }, url);
  expect(await load()).toEqual({ last: { phase: 'download', loaded: total, total }, same: true });
  expect(await load()).toEqual({ last: { phase: 'cache', loaded: total, total }, same: true });
  expect([server.requests('/models/mlp-external.onnx'), server.requests(`/models/${MLP_EXTERNAL_DATA}`)]).toEqual([1, 1]);
});

test('should reject each failed load with its code, the URL and the status or parser message, and load fine after', async ({ harness }) => {
  const closed = await startModelServer();
  const refused = `${closed.url}/models/mlp.onnx`;
  await closed.close();
  const base = server.url;
  const results = await harness.evaluate(async ({ base, refused }) => {
    const { createSession } = window.harness.tensorlane;
    const attempt = (model: string) =>
      createSession({ model, backend: 'wasm', cache: false }).then(
        (s) => `resolved on ${s.backend}`,
        (e: { code: string; message: string; details?: Record<string, unknown> }) => ({ code: e.code, message: e.message, status: e.details?.['status'] }),
      );
    const results: Record<string, unknown> = {};
    for (const [name, url] of Object.entries({
      404: `${base}/status/404`,
      500: `${base}/status/500`,
      refused,
      truncated: `${base}/truncated/mlp.onnx`,
      empty: `${base}/empty.onnx`,
      notOnnx: `${base}/not-onnx.onnx`,
      unsupported: `${base}/models/unsupported.onnx`,
    })) {
      results[name] = await attempt(url);
    }
    const session = await createSession({ model: `${base}/models/mlp.onnx`, backend: 'wasm' });
    const out = await session.predict({ x: { type: 'float32', data: new Float32Array(256), dims: [1, 256] } });
    await session.dispose();
    results['after'] = out['y']!.dims;
    return results;
  }, { base, refused });
  expect(results).toEqual({
    404: { code: 'MODEL_FETCH_FAILED', message: `could not fetch model "${base}/status/404": HTTP 404 Not Found`, status: 404 },
    500: { code: 'MODEL_FETCH_FAILED', message: `could not fetch model "${base}/status/500": HTTP 500 Internal Server Error`, status: 500 },
    refused: { code: 'MODEL_FETCH_FAILED', message: `could not fetch model "${refused}": Failed to fetch` },
    truncated: {
      code: 'MODEL_FETCH_FAILED',
      message: expect.stringMatching(new RegExp(`^the download of "${base}/truncated/mlp.onnx" was cut short after \\d+ of ${MLP_BYTES} bytes: `)),
    },
    empty: { code: 'MODEL_INVALID', message: `model "${base}/empty.onnx" is empty (0 bytes)` },
    notOnnx: { code: 'MODEL_INVALID', message: expect.stringMatching(new RegExp(`^model "${base}/not-onnx.onnx" could not be loaded: .*protobuf parsing failed`)) },
    unsupported: {
      code: 'BACKEND_UNAVAILABLE',
      message: expect.stringMatching(new RegExp(`^no backend could run model "${base}/models/unsupported.onnx": wasm: session creation failed: .*Could not find an implementation for Relu\\(14\\)`)),
    },
    after: [1, 10],
  });
});

test('should reject with ABORTED when aborted mid-download, stop the download, and load fine after', async ({ harness }) => {
  const path = '/hang/mlp.onnx';
  const hungUp = server.hungUp(path);
  const result = await harness.evaluate(async (url) => {
    const { createSession } = window.harness.tensorlane;
    const controller = new AbortController();
    const pending = createSession({
      model: url,
      backend: 'wasm',
      signal: controller.signal,
      onProgress: (p) => {
        if (p.phase === 'download' && p.loaded > 0) controller.abort(new Error('user cancelled'));
      },
    });
    const error = await pending.then(
      () => 'resolved',
      (e: { code: string; message: string }) => ({ code: e.code, message: e.message }),
    );
    const session = await createSession({ model: 'models/mlp.onnx', backend: 'wasm' });
    await session.dispose();
    return { error, after: session.backend };
  }, `${server.url}${path}`);
  expect(result).toEqual({ error: { code: 'ABORTED', message: 'createSession was aborted: user cancelled' }, after: 'wasm' });
  await hungUp; // the worker was stopped, and its download with it
});

for (const backend of ['webgpu', 'wasm'] as const) {
  test(`should warm up once per listed batch size on ${backend}, and report it in stats()`, async ({ harness }) => {
    const result = await harness.evaluate(async (backend) => {
      const { tensorlane, seededFloats } = window.harness;
      const warmupEvents: { loaded: number; total?: number }[] = [];
      const session = await tensorlane.createSession({
        model: 'models/mlp.onnx',
        backend,
        warmup: { batchSizes: [1, 2] },
        onProgress: (p) => p.phase === 'warmup' && warmupEvents.push({ loaded: p.loaded, ...(p.total === undefined ? {} : { total: p.total }) }),
      });
      const out = await session.predict({ x: { type: 'float32', data: seededFloats(2 * 256, 1), dims: [2, 256] } });
      const { warmup, runs } = await session.stats();
      await session.dispose();
      return { backend: session.backend, adapter: session.adapter, warmup, runs, first: warmupEvents[0], last: warmupEvents.at(-1), dims: out['y']!.dims };
    }, backend);
    if (result.adapter) console.log(`WebGPU adapter: ${JSON.stringify(result.adapter)}`);
    expect(result).toMatchObject({
      backend,
      warmup: { batchSizes: [1, 2], ms: expect.any(Number) },
      runs: 1, // the warm-up runs are not counted as the scheduler's
      first: { loaded: 0, total: 2 },
      last: { loaded: 2, total: 2 },
      dims: [2, 10],
    });
    expect(result.warmup!.ms).toBeGreaterThan(0);
  });
}

test('should keep WebGPU outputs on the GPU with preferredOutputLocation and still return them as arrays', async ({ harness }) => {
  const result = await harness.evaluate(async () => {
    const { tensorlane, seededFloats } = window.harness;
    const x = () => ({ x: { type: 'float32' as const, data: seededFloats(256, 5), dims: [1, 256] } });
    const reference = await tensorlane.createSession({ model: 'models/mlp.onnx', backend: 'wasm' });
    const expected = Array.from((await reference.predict(x()))['y']!.data as Float32Array);
    const gpu = await tensorlane.createSession({
      model: 'models/mlp.onnx', backend: 'webgpu', preferredOutputLocation: 'gpu-buffer', graphOptimizationLevel: 'basic', warmup: true,
    });
    const runs = [];
    for (let i = 0; i < 2; i++) runs.push(Array.from((await gpu.predict(x()))['y']!.data as Float32Array));
    const capture = await tensorlane.createSession({ model: 'models/mlp.onnx', enableGraphCapture: true }).then(
      () => 'resolved',
      (e: { code: string }) => e.code,
    );
    await Promise.all([reference.dispose(), gpu.dispose()]);
    return { expected, runs, backend: gpu.backend, capture };
  });
  expect(result.backend).toBe('webgpu');
  for (const actual of result.runs) {
    expect(actual.length).toBe(10);
    actual.forEach((v, i) => expect(Math.abs(v - result.expected[i]!)).toBeLessThanOrEqual(1e-4));
  }
  expect(result.capture).toBe('INVALID_OPTIONS');
});
