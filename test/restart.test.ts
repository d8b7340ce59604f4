// Self-healing sessions in Node: the real client and worker host over MessageChannels (onnxruntime-web's WASM backend),
// with faults injected where a browser would raise them: an `error` event on the page's Worker (an uncaught error),
// an `unhandledrejection` in the worker's scope, a worker that dies on every call. Faults that need WebGPU (a lost
// device, a session that cannot run again) are in e2e/faults.spec.ts.
import { describe, expect, it } from 'vitest';
import {
  createSession, type RestartDetail, type SessionOptions, type Tensor,
} from '../packages/tensorlane/src/index.ts';
import { isSubmit } from '../packages/tensorlane/src/wire/protocol.ts';
import { serve } from '../packages/tensorlane/src/worker/host.ts';
import { MODELS, mlpReference, seededFloats } from './models/zoo.ts';
import { expectServes } from './node-worker.ts';

/**
 * Workers on MessageChannels, each one's two ends kept, so that a test can make the current one fail.
 * @param options.crashOnSubmit - every call that reaches a worker kills it.
 * @param options.crashLoading - the workers (by start order, from 0) that die when asked to load the model.
 */
function workers(options: { crashOnSubmit?: boolean; crashLoading?: readonly number[] } = {}) {
  const started: { page: MessagePort; worker: MessagePort }[] = [];
  const factory = () => {
    const { port1, port2 } = new MessageChannel();
    serve(port2);
    const kill = (message: string) => port1.dispatchEvent(Object.assign(new Event('error'), { message }));
    if (options.crashOnSubmit) {
      port2.addEventListener('message', (event) => {
        if (isSubmit(event.data)) kill('killed by every run');
      });
    }
    if (options.crashLoading?.includes(started.length)) {
      port2.addEventListener('message', (event) => {
        const { type, path } = event.data as { type?: string; path?: string[] };
        if (type === 'APPLY' && path?.[0] === 'load') kill('killed while loading');
      });
    }
    started.push({ page: port1, worker: port2 });
    return port1 as unknown as Worker;
  };
  return {
    factory,
    get count() {
      return started.length;
    },
    /** An uncaught error in the current worker, as the page's Worker reports it. */
    throwInWorker: (message: string) => started.at(-1)!.page.dispatchEvent(Object.assign(new Event('error'), { message })),
    /** An unhandled promise rejection in the current worker's scope. */
    rejectInWorker: (reason: unknown) => started.at(-1)!.worker.dispatchEvent(Object.assign(new Event('unhandledrejection'), { reason })),
  };
}

const mlpInput = (seed: number): Tensor<'float32'> => ({ type: 'float32', data: seededFloats(256, seed), dims: [1, 256] });

function open(worker: () => Worker, options: Partial<SessionOptions> = {}) {
  const events: RestartDetail[] = [];
  const model = MODELS['mlp.onnx']();
  const opened = createSession({ model, worker, ...options }).then((session) => {
    session.addEventListener('restart', (event) => events.push(event.detail));
    return session;
  });
  return { opened, events, model };
}

describe('a session that restarts itself', () => {
  it('should reject calls in flight with WORKER_CRASHED when the worker throws, then serve later calls from a new worker', async () => {
    const w = workers();
    const { opened, events, model } = open(w.factory);
    await using session = await opened;
    expect(model.buffer.byteLength).toBe(0); // moved to the worker
    const inFlight = session.predict({ x: mlpInput(1) });
    w.throwInWorker('out of memory');
    await expect(inFlight).rejects.toMatchObject({
      code: 'WORKER_CRASHED',
      message: "the worker threw: out of memory; the call's inputs went with the worker, it may be retried",
    });
    await expectServes(session, 2); // waits for the restart
    expect(w.count).toBe(2);
    expect(events).toEqual([{ cause: 'worker-crashed', message: 'the worker threw: out of memory', backend: 'wasm', engine: 'wasm', restarts: 1 }]);
    expect((await session.stats()).restarts).toEqual({ 'worker-crashed': 1, 'device-lost': 0, 'session-failed': 0, requested: 0 });
  });

  it('should restart when the worker has an unhandled promise rejection, which no Worker event reports', async () => {
    const w = workers();
    const { opened, events } = open(w.factory);
    await using session = await opened;
    w.rejectInWorker(new Error('nobody awaited me'));
    await expect.poll(() => events.length).toBe(1);
    expect(events[0]).toMatchObject({ cause: 'worker-crashed', message: 'the worker has an unhandled promise rejection: nobody awaited me' });
    await expectServes(session, 3);
  });

  it('should lose no call on restart(): queued calls move to the new worker with their inputs, and calls made meanwhile wait', async () => {
    const w = workers();
    const { opened, events } = open(w.factory, { maxBatchSize: 4 });
    await using session = await opened;
    const inputs = Array.from({ length: 40 }, (_, i) => mlpInput(100 + i));
    const expected = inputs.map((x) => Array.from(mlpReference(x.data)));
    const before = inputs.slice(0, 30).map((x) => session.predict({ x }));
    const restarted = session.restart();
    const during = inputs.slice(30).map((x) => session.predict({ x }));
    await restarted;
    const outputs = await Promise.all([...before, ...during]);
    outputs.forEach(({ y }, i) => expect(Array.from(y!.data as Float32Array)).toEqual(expected[i]!.map((v) => expect.closeTo(v, 5))));
    expect(w.count).toBe(2);
    expect(events).toEqual([{ cause: 'requested', message: 'session.restart() was called', backend: 'wasm', engine: 'wasm', restarts: 1 }]);
    const stats = await session.stats();
    expect(stats.requests).toEqual({ submitted: 40, resolved: 40, rejected: 0, pending: 0 });
    expect(stats.restarts.requested).toBe(1);
  });

  it('should load the model again from the bytes it was given, however many times it restarts, counting them as kept', async () => {
    const w = workers();
    const { opened } = open(w.factory);
    const bytes = MODELS['mlp.onnx']().byteLength;
    await using session = await opened;
    for (let i = 0; i < 3; i++) await session.restart();
    await expectServes(session, 4);
    expect(w.count).toBe(4);
    expect((await session.stats()).memory).toMatchObject({ gpuBufferBytes: 0, modelBytesKept: bytes });
  });

  it('should start another worker when a restart\'s worker crashes while loading the model\'s bytes, which stay on the page', async () => {
    const w = workers({ crashLoading: [1, 2] });
    const { opened, events } = open(w.factory);
    await using session = await opened;
    w.throwInWorker('injected crash');
    await expect.poll(() => events.length).toBe(1);
    await expectServes(session, 7);
    expect(w.count).toBe(4); // the first, two that died loading, the one that serves
    expect(events).toEqual([{ cause: 'worker-crashed', engine: 'wasm', message: 'the worker threw: injected crash', backend: 'wasm', restarts: 1 }]);
    expect((await session.stats()).memory.modelBytesKept).toBe(MODELS['mlp.onnx']().byteLength);
  });

  it('should stop with WORKER_CRASHED saying why when every restart\'s worker crashes while loading, past maxRestarts', async () => {
    const w = workers({ crashLoading: [1, 2, 3, 4] });
    const { opened } = open(w.factory, { maxRestarts: 2 });
    await using session = await opened;
    w.throwInWorker('injected crash');
    await expect.poll(() => session.predict({ x: mlpInput(8) }).catch((e: Error) => e.message)).toMatch(
      /^the session stopped: restarting after "the worker threw: injected crash" failed: the new worker crashed while loading the model \(3 faults within 60 s, more than maxRestarts \(2\) allows\): the worker threw: killed while loading/,
    );
    await expect(session.predict({ x: mlpInput(9) })).rejects.toMatchObject({ code: 'WORKER_CRASHED' });
    expect(w.count).toBe(3);
  });

  it('should count no model bytes kept with restart: \'off\', where the worker keeps them', async () => {
    const { opened } = open(workers().factory, { restart: 'off' });
    await using session = await opened;
    expect((await session.stats()).memory).toMatchObject({ gpuBufferBytes: 0, modelBytesKept: 0 });
  });

  it('should stop after maxRestarts when every call kills the worker, and then reject every call at once', async () => {
    const w = workers({ crashOnSubmit: true });
    const { opened, events } = open(w.factory, { maxRestarts: 2 });
    await using session = await opened;
    for (let i = 0; i < 3; i++) {
      await expect(session.predict({ x: mlpInput(i) })).rejects.toMatchObject({ code: 'WORKER_CRASHED' });
    }
    await expect.poll(() => session.predict({ x: mlpInput(9) }).catch((e: Error) => e.message)).toMatch(
      /^the session stopped: 3 faults within 60 s, more than maxRestarts \(2\) allows; the last: the worker threw: killed by every run$/,
    );
    expect(events.map((e) => e.cause)).toEqual(['worker-crashed', 'worker-crashed']);
    expect(w.count).toBe(3);
    const x = mlpInput(10);
    await expect(session.predict({ x })).rejects.toMatchObject({ code: 'WORKER_CRASHED' });
    expect(x.data.length).toBe(256); // rejected before its inputs were taken
  });

  it('should reject a call waiting for a restart with ABORTED when its signal aborts', async () => {
    const w = workers();
    const { opened } = open(w.factory);
    await using session = await opened;
    const restarted = session.restart();
    const controller = new AbortController();
    const waiting = session.predict({ x: mlpInput(5) }, { signal: controller.signal });
    controller.abort(new Error('user left'));
    await expect(waiting).rejects.toMatchObject({ code: 'ABORTED', message: 'predict was aborted: user left' });
    await restarted;
  });

  it('should reject calls waiting for a restart with DISPOSED when disposed, and leave no worker behind', async () => {
    const w = workers();
    const { opened } = open(w.factory);
    const session = await opened;
    void session.restart().catch(() => undefined);
    const waiting = expect(session.predict({ x: mlpInput(6) })).rejects.toMatchObject({ code: 'DISPOSED' });
    await session.dispose();
    await waiting;
    await expect(session.restart()).rejects.toMatchObject({ code: 'DISPOSED' });
  });
});
