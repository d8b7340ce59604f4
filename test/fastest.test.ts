// backend: 'fastest' through the real worker host, with real onnxruntime-web (WASM) in Node. Node has no WebGPU, so
// the "webgpu" backend here is a stand-in: an adapter that describes itself, and onnxruntime-web's WASM backend
// under the webgpu entry, whose runs the test can slow down or count. What is tested is the choosing: what runs,
// how often, what is kept, what is said, and that 'fastest' fails only where 'auto' would.
import type * as Ort from 'onnxruntime-web';
import { describe, expect, it } from 'vitest';
import { createSession, type Engine, type SessionOptions } from '../packages/tensorlane/src/index.ts';
import { browserEnv, type BackendEnv } from '../packages/tensorlane/src/worker/backend-table.ts';
import { createHost } from '../packages/tensorlane/src/worker/host.ts';
import { encodeModel } from './models/onnx.ts';
import { MODELS } from './models/zoo.ts';
import { countingEnv, loadRequest, portWorker } from './node-worker.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Engines in Node: the WebGPU engines are WASM under their entries, on a stand-in adapter and device. `slow` engines'
 * runs take 60 ms longer; `jspi` says whether the stand-in browser has JS Promise Integration.
 */
function twoBackends({ slow = [], jspi = false }: { slow?: Engine | readonly Engine[]; jspi?: boolean } = {}) {
  const runs: Partial<Record<Engine, number>> = {};
  const devices = { made: 0, destroyed: 0 };
  const device = () => {
    devices.made++;
    return { lost: new Promise<never>(() => undefined), features: new Set(['shader-f16']), limits: {}, destroy: () => void devices.destroyed++ };
  };
  const adapter = () => ({
    info: { vendor: 'test', architecture: 'stand-in', device: '1', description: 'a stand-in adapter', isFallbackAdapter: false },
    features: new Set(['shader-f16']),
    limits: { maxBufferSize: 2 ** 30, maxStorageBufferBindingSize: 2 ** 27 },
    requestDevice: async () => device(),
  });
  const env: BackendEnv = {
    gpu: () => ({ requestAdapter: async () => adapter() }),
    secure: () => true,
    threading: () => ({ isolated: false, cores: 1 }),
    jspi: () => jspi,
    async importOrt(engine) {
      const ort = await browserEnv.importOrt('wasm');
      const create = async (model: Uint8Array, options: Ort.InferenceSession.SessionOptions) => {
        const session = await ort.InferenceSession.create(model, { ...options, executionProviders: ['wasm'] });
        const run = session.run.bind(session);
        session.run = (async (...args: Parameters<typeof run>) => {
          runs[engine] = (runs[engine] ?? 0) + 1;
          if ([slow].flat().includes(engine)) await sleep(60);
          return run(...args);
        }) as typeof session.run;
        return session;
      };
      return { ...ort, env: ort.env, InferenceSession: { ...ort.InferenceSession, create } } as unknown as typeof ort;
    },
  };
  return { env, runs, devices };
}

/** 'fastest' between JSEP and WASM, unless `options` say otherwise. */
const open = (env: BackendEnv, options: Partial<SessionOptions> = {}) =>
  createSession({ model: MODELS['mlp.onnx'](), backend: 'fastest', webgpuEngine: 'jsep', worker: portWorker(env), calibration: { runs: 3 }, ...options });

describe("backend: 'fastest'", () => {
  it('should keep the backend whose runs are faster, either way round, and release the other', async () => {
    const label = { jsep: 'webgpu\\/jsep', wasm: 'wasm' } as const;
    for (const slow of ['jsep', 'wasm'] as const) {
      const { env, runs, devices } = twoBackends({ slow });
      await using session = await open(env);
      const fast = slow === 'jsep' ? 'wasm' : 'jsep';
      expect(session.engine).toBe(fast);
      expect(session.backend).toBe(fast === 'jsep' ? 'webgpu' : 'wasm');
      expect(session.selection).toMatchObject({ chosen: session.backend, engine: fast, fromCache: false });
      expect(session.selection!.reason).toMatch(new RegExp(`^${label[fast]}: [\\d.]+ ms vs ${label[slow]} [\\d.]+ ms a run at batch 1 \\(median of 3\\)$`));
      expect(session.selection!.engineTimings![slow]![1]).toBeGreaterThanOrEqual(59);
      expect(session.selection!.timings[slow === 'jsep' ? 'webgpu' : 'wasm']).toEqual(session.selection!.engineTimings![slow]);
      expect(runs).toEqual({ jsep: 4, wasm: 4 });
      // The WebGPU session ran on a device tensorlane made; the loser's went with its session.
      expect(devices).toEqual({ made: 1, destroyed: fast === 'wasm' ? 1 : 0 });
      expect(await session.stats()).toMatchObject({ calibration: { runs: 8 }, runs: 0 });
      // The session serves on the kept backend only.
      await session.predict({ x: { type: 'float32', data: new Float32Array(256), dims: [1, 256] } });
      expect(runs[fast]).toBe(5);
      expect(runs[slow]).toBe(4);
      expect(session.adapter === undefined).toBe(fast === 'wasm');
      if (fast === 'jsep') expect(session.adapter).toMatchObject({ features: ['shader-f16'], limits: { maxStorageBufferBindingSize: 2 ** 27 } });
    }
  });

  it("should measure every WebGPU engine under webgpuEngine 'auto', and say why one could not run", async () => {
    const { env, runs } = twoBackends({ slow: ['jsep', 'wasm'] });
    await using session = await open(env, { webgpuEngine: 'auto' });
    expect(session.engine).toBe('native');
    expect(session.backend).toBe('webgpu');
    expect(runs).toEqual({ jsep: 4, native: 4, wasm: 4 }); // an untimed round, then three timed runs each
    const { engineTimings, timings } = session.selection!;
    expect(Object.keys(engineTimings!).sort()).toEqual(['jsep', 'native', 'wasm']);
    expect(timings).toEqual({ webgpu: engineTimings!.native, wasm: engineTimings!.wasm }); // each backend's fastest engine
    expect(session.selection!.reason).toMatch(/^webgpu\/native: [\d.]+ ms vs webgpu\/jsep [\d.]+ ms a run at batch 1; [\d.]+ ms vs wasm [\d.]+ ms a run at batch 1 \(median of 3\)$/);
    expect(session.fallback).toEqual([
      { backend: 'webgpu', engine: 'jspi', reason: expect.stringMatching(/^this browser has no JS Promise Integration/) },
      { backend: 'webgpu', engine: 'jsep', reason: `slower: ${session.selection!.reason}` },
      { backend: 'wasm', engine: 'wasm', reason: `slower: ${session.selection!.reason}` },
    ]);
  });

  it('should measure at the warm-up batch sizes and report a calibrate phase between compile and warmup', async () => {
    const { env } = twoBackends({ slow: 'jsep' });
    const phases: string[] = [];
    await using session = await open(env, { warmup: { batchSizes: [1, 4] }, onProgress: (p) => phases.push(`${p.phase} ${p.loaded}/${p.total}`) });
    expect(Object.keys(session.selection!.timings.wasm!)).toEqual(['1', '4']);
    expect(session.selection!.reason).toMatch(/^wasm: [\d.]+ ms vs webgpu\/jsep [\d.]+ ms a run at batch 1, [\d.]+ ms vs [\d.]+ ms at batch 4 \(medians of 3\)$/);
    expect(phases.map((p) => p.split(' ')[0]).filter((p, i, all) => p !== all[i - 1])).toEqual(['compile', 'calibrate', 'warmup']);
    expect(phases).toContain('calibrate 16/16');
  });

  it('should say the choice was not stored where there is no Cache API, and still load', async () => {
    const { env } = twoBackends();
    await using session = await open(env);
    expect(session.warnings).toEqual([
      expect.stringMatching(/^the backend choice was not stored: the Cache API is unavailable here .*; the next load measures again$/),
    ]);
    await using forgetful = await open(env, { calibration: { runs: 1, remember: false } });
    expect(forgetful.warnings).toEqual([]);
  });

  it('should keep what auto would, running each backend once, when the model fails on every backend', async () => {
    // even-rows reshapes 3 * rows values in pairs: at batch 1 every run fails, on every backend.
    const { env, runs } = twoBackends();
    await using session = await open(env, { model: MODELS['even-rows.onnx']() });
    expect(session.backend).toBe('webgpu');
    expect(session.selection!.reason).toMatch(
      /^webgpu\/jsep: kept as 'auto' would, nothing was measured \(webgpu\/jsep: its run at batch 1 failed: .+; wasm: its run at batch 1 failed: .+\)$/,
    );
    expect(runs).toEqual({ jsep: 1, wasm: 1 });
    // With warm-up asked for, 'auto' would have failed its warm-up run: so does 'fastest', without running again.
    const failing = twoBackends();
    await expect(open(failing.env, { model: MODELS['even-rows.onnx'](), warmup: true })).rejects.toMatchObject({
      code: 'RUN_FAILED',
      message: expect.stringMatching(/^the measuring run failed on every backend: webgpu\/jsep: its run at batch 1 failed: /),
    });
    expect(failing.runs).toEqual({ jsep: 1, wasm: 1 });
  });

  it('should keep what auto would, saying why, when the warm-up inputs cannot be shaped', async () => {
    // A symbolic dim other than the batch, which nothing sizes.
    const model = encodeModel({
      name: 'sequence',
      inputs: [{ name: 'x', type: 'float32', dims: ['batch', 'sequence'] }],
      outputs: [{ name: 'y', type: 'float32', dims: ['batch', 'sequence'] }],
      nodes: [{ op: 'Relu', inputs: ['x'], outputs: ['y'] }],
    });
    const { env, runs } = twoBackends();
    await using session = await open(env, { model });
    expect(session.backend).toBe('webgpu');
    expect(session.selection!.reason).toBe(
      `webgpu/jsep: kept as 'auto' would: the model could not be measured (warm-up cannot shape input "x" [batch,sequence]: give dim "sequence" a size in warmup.freeDimensions, e.g. { sequence: 128 })`,
    );
    expect(session.fallback).toEqual([{ backend: 'wasm', engine: 'wasm', reason: expect.stringMatching(/^not measured: warm-up cannot shape input "x"/) }]);
    expect(runs).toEqual({});
  });

  it('should build one session and say so when only one backend can run here', async () => {
    await using session = await createSession({ model: MODELS['mlp.onnx'](), backend: 'fastest', worker: portWorker() });
    expect(session.selection).toEqual({
      chosen: 'wasm',
      engine: 'wasm',
      reason:
        'wasm: the only engine that can run here (webgpu/jsep: navigator.gpu is undefined (this browser has no WebGPU, or it is turned off); ' +
        'webgpu/native: navigator.gpu is undefined (this browser has no WebGPU, or it is turned off); ' +
        "webgpu/jspi: this browser has no JS Promise Integration (WebAssembly.Suspending), which the jspi build needs; webgpuEngine: 'native' runs the same kernels without it)",
      timings: {},
      fromCache: false,
    });
    expect((await session.stats()).calibration).toEqual({ runs: 0, ms: 0 });
  });

  it('should leave the selection and calibration undefined for the other backends', async () => {
    await using session = await createSession({ model: MODELS['mlp.onnx'](), backend: 'wasm', worker: portWorker() });
    expect(session.selection).toBeUndefined();
    expect((await session.stats()).calibration).toBeUndefined();
  });

  it('should release every session it built when disposed while measuring', async () => {
    const { env, counts } = countingEnv(twoBackends({ slow: 'wasm' }).env);
    const host = createHost(() => undefined, env);
    const load = host.api.load(loadRequest({ backend: 'fastest', calibration: { budgetMs: 5000, runs: 3, remember: false } }));
    await sleep(50);
    await host.api.dispose();
    expect(await load).toMatchObject({ ok: false, error: { code: 'DISPOSED' } });
    await expect.poll(() => counts.released.sort()).toEqual(['jsep', 'native', 'wasm']);
  });

  it('should reject bad calibration options and bad variants with INVALID_OPTIONS naming them', async () => {
    const bad = (options: Partial<SessionOptions>) => createSession({ model: MODELS['mlp.onnx'](), worker: portWorker(), ...options });
    await expect(bad({ calibration: { runs: 0 } })).rejects.toMatchObject({
      code: 'INVALID_OPTIONS',
      message: 'option "calibration.runs" is 0; expected an integer >= 1',
    });
    await expect(bad({ calibration: { budgetMs: -1 } })).rejects.toMatchObject({ message: 'option "calibration.budgetMs" is -1; expected a number >= 0' });
    await expect(bad({ calibration: { budget: 1 } as never })).rejects.toMatchObject({
      message: 'option "calibration" has no option "budget"; its options are "budgetMs", "runs", "remember"',
    });
    await expect(bad({ model: [] })).rejects.toMatchObject({
      message: "model is an empty array; expected variants, e.g. [{ url, requires: ['shader-f16'] }, { url }]",
    });
    await expect(bad({ model: [{ url: 'https://x.test/a.onnx', requires: 'shader-f16' as never }] })).rejects.toMatchObject({
      message: `model[0].requires is "shader-f16"; expected an array of WebGPU feature names, e.g. ['shader-f16']`,
    });
    await expect(bad({ model: [{ url: 42 as never }] })).rejects.toMatchObject({ message: 'model[0].url is 42; expected a URL (string or URL)' });
    await expect(bad({ model: [{ url: 'https://x.test/a.onnx' }], integrity: `sha256-${'A'.repeat(43)}=` })).rejects.toMatchObject({
      message: 'option "integrity" names one model\'s digest, but model lists variants; give each variant its own: { url, integrity }',
    });
  });
});
