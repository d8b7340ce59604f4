// Threads that cannot start, in Node: the real client and worker host over MessageChannels on a page taken for
// cross-origin isolated, whose thread workers fail to start (as worker/thread-workers.ts reports it). The session
// loads again on one thread in a new worker, says why, and keeps the model's bytes as its options say. The same in
// Chromium, with real thread workers: e2e/threads.spec.ts.
import { describe, expect, it } from 'vitest';
import { createSession, type SessionOptions } from '../packages/tensorlane/src/index.ts';
import { browserEnv, type BackendEnv } from '../packages/tensorlane/src/worker/backend-table.ts';
import { ThreadStartFailed } from '../packages/tensorlane/src/worker/thread-workers.ts';
import { decideThreads } from '../packages/tensorlane/src/worker/threads.ts';
import { MODELS } from './models/zoo.ts';
import { expectServes, portWorker } from './node-worker.ts';

const FAILED = "onnxruntime-web's WebAssembly could not start its 2 threads, so it runs on 1: its thread worker (ort.mjs) failed to start";

/**
 * An isolated 3-core environment ('auto': 2 threads) whose thread workers never start; counts the workers started and
 * the watches.
 */
function threadless() {
  const counts = { workers: 0, watched: [] as number[] };
  const env: BackendEnv = {
    ...browserEnv,
    threading: () => ({ isolated: true, cores: 3 }),
    threadWorkers: {
      watch: async (_build, threads) => {
        counts.watched.push(threads);
        throw new ThreadStartFailed(FAILED);
      },
    },
  };
  const serving = portWorker(env);
  return { counts, worker: () => (counts.workers++, serving()) };
}

function open(worker: () => Worker, options: Partial<SessionOptions> = {}) {
  return createSession({ model: MODELS['mlp.onnx'](), backend: 'wasm', worker, ...options });
}

describe('a session whose WebAssembly threads cannot start', () => {
  it('should load again on one thread in a new worker, say why in warnings, and keep one thread after a restart', async () => {
    const { counts, worker } = threadless();
    await using session = await open(worker);
    expect({ threads: session.threads, warnings: session.warnings }).toEqual({ threads: 1, warnings: [FAILED] });
    await expectServes(session, 1);
    expect(counts).toEqual({ workers: 2, watched: [2] });
    // The bytes came back from the failed load and moved to the next; the page keeps them for restarts.
    expect((await session.stats()).memory.modelBytesKept).toBe(MODELS['mlp.onnx']().byteLength);
    await session.restart();
    expect({ threads: session.threads, warnings: session.warnings }).toEqual({ threads: 1, warnings: [FAILED] });
    await expectServes(session, 2);
    expect(counts).toEqual({ workers: 3, watched: [2] });
  });

  it("should serve with restart: 'off', keeping no bytes for restarts and refusing restart(), as without the failure", async () => {
    const { counts, worker } = threadless();
    await using session = await open(worker, { restart: 'off' });
    expect(session.threads).toBe(1);
    await expectServes(session, 3);
    expect(counts.workers).toBe(2);
    expect((await session.stats()).memory.modelBytesKept).toBe(0);
    await expect(session.restart()).rejects.toMatchObject({ code: 'INVALID_OPTIONS' });
  });

  it('should not watch threads, nor warn, when one thread was asked for', async () => {
    const { counts, worker } = threadless();
    await using session = await open(worker, { numThreads: 1 });
    expect({ threads: session.threads, warnings: session.warnings }).toEqual({ threads: 1, warnings: [] });
    expect(counts).toEqual({ workers: 1, watched: [] });
  });
});

describe("numThreads: 'auto'", () => {
  it('should run one thread per core but one, from 1 up to 4, on an isolated page, and 1 elsewhere', () => {
    const auto = (cores: number, isolated = true) => decideThreads('auto', isolated, cores);
    expect([1, 2, 3, 4, 5, 16].map((cores) => auto(cores).threads)).toEqual([1, 1, 2, 3, 4, 4]);
    expect(auto(16, false)).toEqual({ threads: 1 });
    expect(decideThreads(2, true, 2)).toEqual({ threads: 2 });
  });
});
