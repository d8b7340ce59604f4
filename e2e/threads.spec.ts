// Multi-threaded WASM without configuration: threads where the page is cross-origin isolated (the harness at
// /?isolated is served with COOP and COEP; 'auto' leaves the page a core), one thread and a warning where it is not.
import type { Page, Request } from '@playwright/test';
import { mlpReference, seededFloats } from '../test/models/zoo.ts';
import { expect, test } from './fixtures.ts';

const ROWS = 8;
const SEED = 5;

/** A session on the MLP with `numThreads`: what it reports, and its outputs for seeded rows. */
function runMlp(page: Page, backend: 'wasm' | 'webgpu', numThreads: 'auto' | number) {
  return page.evaluate(
    async ({ backend, numThreads, rows, seed }) => {
      const { tensorlane, seededFloats } = window.harness;
      const session = await tensorlane.createSession({ model: 'models/mlp.onnx', backend, numThreads, allowSoftwareAdapter: true });
      const { y } = await session.predict({ x: { type: 'float32', data: seededFloats(rows * 256, seed), dims: [rows, 256] } });
      await session.dispose();
      return { isolated: crossOriginIsolated, backend: session.backend, threads: session.threads, warnings: session.warnings, y: Array.from(y!.data as Float32Array) };
    },
    { backend, numThreads, rows: ROWS, seed: SEED },
  );
}

const expected = mlpReference(seededFloats(ROWS * 256, SEED));

test.describe('on a cross-origin isolated page', () => {
  test.use({ isolated: true });
  for (const [backend, tolerance] of [['wasm', 1e-5], ['webgpu', 1e-3]] as const) {
    test.describe(backend, () => {
      // The kit's WebGPU gate: fails the WebGPU test when WebGPU did not come up.
      if (backend === 'webgpu') test.beforeEach(async ({ gpu }) => void gpu);
      test(`should run ${backend} on one thread per core but one by default, on 2 real threads when asked, and match the reference`, async ({ harness }) => {
        // 'auto' leaves the page's thread a core: 1 thread on 2 cores, up to 4.
        const cores = await harness.evaluate(() => navigator.hardwareConcurrency);
        const auto = await runMlp(harness, backend, 'auto');
        expect(auto).toMatchObject({ isolated: true, backend, warnings: [], threads: Math.max(1, Math.min(cores - 1, 4)) });
        expect(auto.y).toBeCloseToTensor(expected, { atol: tolerance, rtol: 0 });
        // onnxruntime-web starts its threads as workers of tensorlane's worker: seeing them proves the threads are real.
        const threads: string[] = [];
        harness.on('worker', (worker) => threads.push(worker.url()));
        const two = await runMlp(harness, backend, 2);
        expect(two).toMatchObject({ isolated: true, backend, warnings: [], threads: 2 });
        expect(two.y).toBeCloseToTensor(expected, { atol: tolerance, rtol: 0 });
        // tensorlane's own worker, and onnxruntime-web's thread (threads - 1 of them) started from its build's script.
        expect(threads.length).toBeGreaterThanOrEqual(2);
      });
    });
  }

  // Thread workers that cannot start (a bundler moved their script, a policy forbids it, or their script is not
  // onnxruntime-web's and never answers) must not hang the session: it serves on one thread and says why, and so does
  // the worker a restart brings up (once here; test/threads.test.ts too). A hang would show as this test's timeout,
  // well above the bounded wait for a thread. Nor is the failed worker's download of the .wasm cut off: in Chromium
  // 156 the next worker's download of it could then wait 20 s for the cache entry the cut one left locked.
  for (const [how, failure, restart] of [
    ['missing', /its thread worker \(\S+\) failed to start/, true],
    ['silent', /its thread worker \(\S+\) did not answer within \d+ s/, false],
  ] as const) {
    test(`should serve on one thread with a warning${restart ? ', after a restart too,' : ''} when its thread workers cannot start (${how} thread script)`, async ({ harness }) => {
      const downloads = new Map<Request, string>();
      harness.on('request', (request) => void (new URL(request.url()).pathname.endsWith('.wasm') && downloads.set(request, 'under way')));
      harness.on('requestfinished', (request) => void (downloads.has(request) && downloads.set(request, 'finished')));
      harness.on('requestfailed', (request) => void (downloads.has(request) && downloads.set(request, `failed: ${request.failure()?.errorText}`)));
      const result = await harness.evaluate(
        async ({ how, restart, rows, seed }) => {
          const { tensorlane, seededFloats, threadlessWorker } = window.harness;
          const session = await tensorlane.createSession({ model: 'models/mlp.onnx', backend: 'wasm', numThreads: 2, worker: threadlessWorker(how) });
          const served = async () => ({
            threads: session.threads,
            warnings: session.warnings,
            y: Array.from((await session.predict({ x: { type: 'float32', data: seededFloats(rows * 256, seed), dims: [rows, 256] } })).y!.data as Float32Array),
          });
          const seen = [{ backend: session.backend, ...(await served()) }];
          if (restart) {
            await session.restart();
            seen.push({ backend: session.backend, ...(await served()) });
          }
          await session.dispose();
          return seen;
        },
        { how, restart, rows: ROWS, seed: SEED },
      );
      const warning = expect.stringMatching(
        new RegExp(`^onnxruntime-web's WebAssembly could not start its 2 threads, so it runs on 1: ${failure.source}.*\\. To run on 2, .*see the README, "Threads"$`),
      );
      expect(result).toHaveLength(restart ? 2 : 1);
      for (const { backend, threads, warnings, y } of result) {
        expect({ backend, threads, warnings }).toEqual({ backend: 'wasm', threads: 1, warnings: [warning] });
        expect(y).toBeCloseToTensor(expected, { atol: 1e-5, rtol: 0 });
      }
      // One download a worker: the one whose threads failed, the one on one thread, and the restart's.
      await expect.poll(() => [...downloads.values()]).toEqual(Array<string>(restart ? 3 : 2).fill('finished'));
    });
  }

  test('should run exactly the threads asked for', async ({ harness }) => {
    expect(await runMlp(harness, 'wasm', 1)).toMatchObject({ threads: 1, warnings: [] });
    const three = await runMlp(harness, 'wasm', 3);
    expect(three).toMatchObject({ threads: 3, warnings: [] });
    expect(three.y).toBeCloseToTensor(expected, { atol: 1e-5, rtol: 0 });
  });
});

test.describe('on a page that is not cross-origin isolated', () => {
  test('should run one thread, and say why when more were asked for', async ({ harness }) => {
    const auto = await runMlp(harness, 'wasm', 'auto');
    expect(auto).toMatchObject({ isolated: false, threads: 1, warnings: [] });
    const asked = await runMlp(harness, 'wasm', 2);
    expect(asked.threads).toBe(1);
    expect(asked.warnings).toEqual([
      'numThreads: 2 was asked, but the page is not cross-origin isolated, so WebAssembly runs on 1 thread: serve the page (and its scripts) with Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp (or credentialless); see the README, "Threads"',
    ]);
    expect(asked.y).toBeCloseToTensor(expected, { atol: 1e-5, rtol: 0 });
  });

  test('should reject a numThreads that is not a positive integer or auto with INVALID_OPTIONS', async ({ harness }) => {
    const error = await harness.evaluate(() =>
      window.harness.tensorlane.createSession({ model: 'models/mlp.onnx', numThreads: 1.5 }).then(() => undefined, (e: { code: string; message: string }) => ({ code: e.code, message: e.message })),
    );
    expect(error).toEqual({ code: 'INVALID_OPTIONS', message: `option "numThreads" is 1.5; expected 'auto' or an integer >= 1` });
  });
});
