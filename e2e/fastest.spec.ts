// backend: 'fastest' and model variants in real Chromium with WebGPU on (SwiftShader here, a software adapter): the
// measurement of every engine and its reason, the stored choice and its reuse, a slowed engine losing either way, and
// variants chosen by the adapter's features. Tiny models and few runs: every WebGPU run costs ~25 ms here.
import { createHash } from 'node:crypto';
import { expect, test } from './fixtures.ts';
import { MODELS } from '../test/models/zoo.ts';

const sri = (bytes: Uint8Array) => `sha256-${createHash('sha256').update(bytes).digest('base64')}`;

// Every test here needs WebGPU: the gate fails the test when no adapter came up (see @tensorlane/playwright).
test.beforeEach(async ({ gpu, harness }) => {
  void gpu;
  await harness.evaluate(() => window.harness.tensorlane.deleteBackendChoices());
});

test('should measure every engine, keep the fastest with the timings why, and reuse the stored choice', async ({ gpu, harness }) => {
  const load = (model: string) =>
    harness.evaluate(async (model) => {
      const phases: string[] = [];
      const session = await window.harness.tensorlane.createSession({
        model,
        backend: 'fastest',
        allowSoftwareAdapter: true,
        cache: false, // the model downloads each time: the stored choice does not depend on the model cache
        // Room for three WebGPU engines' first runs (shader compilation) on a busy machine: every run is measured.
        calibration: { budgetMs: 120_000 },
        onProgress: (p) => phases.push(p.phase),
      });
      const { calibration, runs } = await session.stats();
      await session.dispose();
      const { backend, engine, selection, fallback } = session;
      return { backend, engine, selection, fallback, calibration, runs, phases: [...new Set(phases)] };
    }, model);

  const first = await load('models/mlp.onnx');
  console.log(`selection: ${JSON.stringify(first.selection)}`);
  // Every engine was measured: a WebGPU engine without timings means it did not come up, and the test fails.
  const engineTimings = first.selection!.engineTimings!;
  expect(Object.keys(engineTimings).sort()).toEqual(['jsep', 'jspi', 'native', 'wasm']);
  const ranked = (['jsep', 'native', 'jspi', 'wasm'] as const).toSorted((a, b) => engineTimings[a]![1]! - engineTimings[b]![1]!);
  const chosen = ranked[0]!;
  const fastestWebGpu = ranked.find((e) => e !== 'wasm')!;
  expect(first.selection!.timings).toEqual({ webgpu: engineTimings[fastestWebGpu], wasm: engineTimings.wasm });
  const label = (e: string) => (e === 'wasm' ? 'wasm' : `webgpu\\/${e}`);
  const others = ranked.slice(1).toSorted((a, b) => ['jsep', 'native', 'jspi', 'wasm'].indexOf(a) - ['jsep', 'native', 'jspi', 'wasm'].indexOf(b));
  expect(first).toMatchObject({
    backend: chosen === 'wasm' ? 'wasm' : 'webgpu',
    engine: chosen,
    selection: {
      chosen: chosen === 'wasm' ? 'wasm' : 'webgpu',
      engine: chosen,
      fromCache: false,
      reason: expect.stringMatching(
        new RegExp(`^${label(chosen)}: ${others.map((o) => `[\\d.]+ ms vs ${label(o)} [\\d.]+ ms a run at batch 1`).join('; ')} \\(median of 7\\)$`),
      ),
    },
    fallback: others.map((o) => ({ backend: o === 'wasm' ? 'wasm' : 'webgpu', engine: o, reason: `slower: ${first.selection!.reason}` })),
    calibration: { runs: 32, ms: expect.any(Number) }, // 4 engines, an untimed run and 7 timed runs each
    runs: 0, // measuring runs are not the session's runs
    phases: ['download', 'compile', 'calibrate'],
  });
  // SwiftShader is a software adapter: WASM wins by far (a real GPU may go either way).
  if (gpu.worker.available && gpu.worker.adapter.isFallbackAdapter) expect(chosen).toBe('wasm');

  // The same model again: the stored choice, one session built, no measuring run.
  const second = await load('models/mlp.onnx');
  expect(second).toMatchObject({
    engine: chosen,
    selection: { ...first.selection, fromCache: true },
    fallback: [],
    calibration: { runs: 0, ms: 0 },
    phases: ['download', 'compile'],
  });

  const listed = await harness.evaluate(() => window.harness.tensorlane.listBackendChoices());
  expect(listed).toEqual([
    {
      model: sri(MODELS['mlp.onnx']()),
      adapter: { vendor: expect.any(String), architecture: expect.any(String), device: expect.any(String), description: expect.any(String) },
      browser: expect.stringMatching(/Chrome\/\d+/),
      batchSizes: [1],
      threads: 1, // the harness page is not cross-origin isolated
      webgpuEngine: 'auto',
      tensorlane: '0.1.0',
      onnxruntime: '1.31.1',
      chosen: first.selection!.chosen,
      engine: chosen,
      reason: first.selection!.reason,
      timings: first.selection!.timings,
      engineTimings,
      storedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    },
  ]);

  // Another model (another digest) is measured again, and stored beside the first.
  const fixed = await load('models/fixed.onnx');
  expect(fixed.selection!.fromCache).toBe(false);
  expect(fixed.calibration!.runs).toBe(32);
  expect(await harness.evaluate((digest) => window.harness.tensorlane.deleteBackendChoices(digest), sri(MODELS['fixed.onnx']()))).toBe(1);
  expect((await harness.evaluate(() => window.harness.tensorlane.listBackendChoices())).map((c) => c.model)).toEqual([sri(MODELS['mlp.onnx']())]);
  expect(await harness.evaluate(() => window.harness.tensorlane.deleteBackendChoices())).toBe(1);
});

// The slowed engine loses; with WASM slowed, the WebGPU engine named wins (JSEP, then the native engine).
for (const [slow, webgpuEngine] of [['jsep', 'jsep'], ['wasm', 'jsep'], ['wasm', 'native']] as const) {
  test(`should choose the other engine when every ${slow} run takes 100 ms longer, against webgpu/${webgpuEngine}`, async ({ harness }) => {
    const result = await harness.evaluate(async ({ slow, webgpuEngine }) => {
      const session = await window.harness.tensorlane.createSession({
        model: 'models/fixed.onnx',
        backend: 'fastest',
        webgpuEngine,
        allowSoftwareAdapter: true,
        calibration: { runs: 3, remember: false },
        worker: window.harness.slowBackendWorker(slow),
      });
      await session.dispose();
      return { engine: session.engine, selection: session.selection! };
    }, { slow, webgpuEngine });
    console.log(`${slow} slowed: ${result.selection.reason}`);
    const other = slow === 'wasm' ? webgpuEngine : 'wasm';
    const label = (e: string) => (e === 'wasm' ? 'wasm' : `webgpu\\/${e}`);
    expect(result.engine).toBe(other);
    expect(result.selection.reason).toMatch(new RegExp(`^${label(other)}: [\\d.]+ ms vs ${label(slow)} [\\d.]+ ms a run at batch 1 \\(median of 3\\)$`));
    expect(result.selection.engineTimings![slow]![1]).toBeGreaterThanOrEqual(100);
    expect(await harness.evaluate(() => window.harness.tensorlane.listBackendChoices())).toEqual([]); // remember: false
  });
}

test('should load the first variant whose requires the adapter offers, and name the missing features when none fits', async ({ harness }) => {
  const result = await harness.evaluate(async () => {
    const { createSession } = window.harness.tensorlane;
    const variants = [
      { url: 'models/unnamed.onnx', requires: ['shader-f16'] },
      { url: 'models/fixed.onnx', requires: ['float32-filterable'] },
      { url: 'models/mlp.onnx' },
    ];
    const session = await createSession({ model: variants, backend: 'webgpu' });
    await session.dispose();
    const error = (options: object) =>
      createSession({ model: [{ url: 'models/mlp.onnx', requires: ['shader-f16', 'no-such-feature'] }], ...options }).then(
        () => 'resolved',
        (e: { code: string; message: string; details: unknown }) => ({ code: e.code, message: e.message, details: e.details }),
      );
    return {
      backend: session.backend,
      adapter: session.adapter!,
      model: session.model,
      variants,
      onWebGpu: await error({ backend: 'webgpu' }),
      onWasm: await error({ backend: 'wasm' }),
    };
  });
  // backend: 'webgpu' failing here means WebGPU did not come up.
  expect(result.backend).toBe('webgpu');
  const { features, limits, vendor, architecture } = result.adapter;
  console.log(`adapter ${vendor} ${architecture}: features ${features.join(', ')}; limits ${JSON.stringify(limits)}`);
  expect(features).toEqual([...features].sort());
  expect(limits.maxBufferSize).toBeGreaterThan(0);
  expect(limits.maxStorageBufferBindingSize).toBeGreaterThan(0);
  const fits = result.variants.find((v) => (v.requires ?? []).every((f) => features.includes(f)))!;
  expect(result.model).toBe(new URL(fits.url, harness.url()).href);
  if (!features.includes('shader-f16')) expect(result.model).toMatch(/\/models\/(fixed|mlp)\.onnx$/);
  const url = result.model!.replace(/[^/]+$/, 'mlp.onnx');
  const lacking = ['shader-f16', 'no-such-feature'].filter((f) => !features.includes(f));
  expect(result.onWebGpu).toEqual({
    code: 'BACKEND_UNAVAILABLE',
    message: expect.stringMatching(
      new RegExp(`^no model variant fits this device: variant 0 \\("${url}"\\) requires ${lacking.join(', ')}, which the WebGPU adapter \\(.+\\) lacks$`),
    ),
    details: { variants: [{ url, missing: lacking }] },
  });
  expect(result.onWasm).toMatchObject({
    code: 'BACKEND_UNAVAILABLE',
    message: `no model variant fits this device: variant 0 ("${url}") requires shader-f16, no-such-feature, but no WebGPU adapter is in use (backend: 'wasm')`,
  });
});
