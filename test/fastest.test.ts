// backend: 'fastest' through the real worker host, with real onnxruntime-web (WASM) in Node. Node has no WebGPU, so
// the "webgpu" backend here is a stand-in: an adapter that describes itself, and onnxruntime-web's WASM backend
// under the webgpu entry, whose runs the test can slow down or count. What is tested is the choosing: what runs,
// how often, what is kept, what is said, and that 'fastest' fails only where 'auto' would.
import type * as Ort from 'onnxruntime-web';
import { describe, expect, it } from 'vitest';
import { createSession, type SessionOptions } from '../packages/tensorlane/src/index.ts';
import { browserEnv, type BackendEnv } from '../packages/tensorlane/src/worker/backend-table.ts';
import { createHost } from '../packages/tensorlane/src/worker/host.ts';
import { encodeModel } from './models/onnx.ts';
import { MODELS } from './models/zoo.ts';
import { countingEnv, loadRequest, portWorker } from './node-worker.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Two backends in Node: "webgpu" is WASM under the webgpu entry, on a stand-in adapter. */
function twoBackends({ slow }: { slow?: 'webgpu' | 'wasm' } = {}) {
  const runs = { webgpu: 0, wasm: 0 };
  const adapter = {
    info: { vendor: 'test', architecture: 'stand-in', device: '1', description: 'a stand-in adapter', isFallbackAdapter: false },
    features: new Set(['shader-f16']),
    limits: { maxBufferSize: 2 ** 30, maxStorageBufferBindingSize: 2 ** 27 },
  };
  const env: BackendEnv = {
    gpu: () => ({ requestAdapter: async () => adapter }),
    secure: () => true,
    threading: () => ({ isolated: false, cores: 1 }),
    async importOrt(backend) {
      const ort = await browserEnv.importOrt('wasm');
      const create = async (model: Uint8Array, options: Ort.InferenceSession.SessionOptions) => {
        const session = await ort.InferenceSession.create(model, { ...options, executionProviders: ['wasm'] });
        const run = session.run.bind(session);
        session.run = (async (...args: Parameters<typeof run>) => {
          runs[backend]++;
          if (slow === backend) await sleep(60);
          return run(...args);
        }) as typeof session.run;
        return session;
      };
      return { ...ort, env: ort.env, InferenceSession: { ...ort.InferenceSession, create } } as unknown as typeof ort;
    },
  };
  return { env, runs };
}

const open = (env: BackendEnv, options: Partial<SessionOptions> = {}) =>
  createSession({ model: MODELS['mlp.onnx'](), backend: 'fastest', worker: portWorker(env), calibration: { runs: 3 }, ...options });

describe("backend: 'fastest'", () => {
  it('should keep the backend whose runs are faster, either way round, and release the other', async () => {
    for (const slow of ['webgpu', 'wasm'] as const) {
      const { env, runs } = twoBackends({ slow });
      await using session = await open(env);
      const fast = slow === 'webgpu' ? 'wasm' : 'webgpu';
      expect(session.backend).toBe(fast);
      expect(session.selection).toMatchObject({ chosen: fast, fromCache: false });
      expect(session.selection!.reason).toMatch(new RegExp(`^${fast}: [\\d.]+ ms vs ${slow} [\\d.]+ ms a run at batch 1 \\(median of 3\\)$`));
      expect(session.selection!.timings[slow]![1]).toBeGreaterThanOrEqual(59);
      expect(runs).toEqual({ webgpu: 4, wasm: 4 });
      expect(await session.stats()).toMatchObject({ calibration: { runs: 8 }, runs: 0 });
      // The session serves on the kept backend only.
      await session.predict({ x: { type: 'float32', data: new Float32Array(256), dims: [1, 256] } });
      expect(runs[fast]).toBe(5);
      expect(runs[slow]).toBe(4);
      expect(session.adapter === undefined).toBe(fast === 'wasm');
      if (fast === 'webgpu') expect(session.adapter).toMatchObject({ features: ['shader-f16'], limits: { maxStorageBufferBindingSize: 2 ** 27 } });
    }
  });

  it('should measure at the warm-up batch sizes and report a calibrate phase between compile and warmup', async () => {
    const { env } = twoBackends({ slow: 'webgpu' });
    const phases: string[] = [];
    await using session = await open(env, { warmup: { batchSizes: [1, 4] }, onProgress: (p) => phases.push(`${p.phase} ${p.loaded}/${p.total}`) });
    expect(Object.keys(session.selection!.timings.wasm!)).toEqual(['1', '4']);
    expect(session.selection!.reason).toMatch(/^wasm: [\d.]+ ms vs webgpu [\d.]+ ms a run at batch 1, [\d.]+ ms vs [\d.]+ ms at batch 4 \(medians of 3\)$/);
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
      /^webgpu: kept as 'auto' would, nothing was measured \(webgpu: its run at batch 1 failed: .+; wasm: its run at batch 1 failed: .+\)$/,
    );
    expect(runs).toEqual({ webgpu: 1, wasm: 1 });
    // With warm-up asked for, 'auto' would have failed its warm-up run: so does 'fastest', without running again.
    const failing = twoBackends();
    await expect(open(failing.env, { model: MODELS['even-rows.onnx'](), warmup: true })).rejects.toMatchObject({
      code: 'RUN_FAILED',
      message: expect.stringMatching(/^the measuring run failed on every backend: webgpu: its run at batch 1 failed: /),
    });
    expect(failing.runs).toEqual({ webgpu: 1, wasm: 1 });
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
      `webgpu: kept as 'auto' would: the model could not be measured (warm-up cannot shape input "x" [batch,sequence]: give dim "sequence" a size in warmup.freeDimensions, e.g. { sequence: 128 })`,
    );
    expect(session.fallback).toEqual([{ backend: 'wasm', reason: expect.stringMatching(/^not measured: warm-up cannot shape input "x"/) }]);
    expect(runs).toEqual({ webgpu: 0, wasm: 0 });
  });

  it('should build one session and say so when only one backend can run here', async () => {
    await using session = await createSession({ model: MODELS['mlp.onnx'](), backend: 'fastest', worker: portWorker() });
    expect(session.selection).toEqual({
      chosen: 'wasm',
      reason: 'wasm: the only backend that can run here (webgpu: navigator.gpu is undefined (this browser has no WebGPU, or it is turned off))',
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
    await expect.poll(() => counts.released.sort()).toEqual(['wasm', 'webgpu']);
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
