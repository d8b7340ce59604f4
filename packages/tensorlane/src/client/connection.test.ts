// The page's end of a worker, against a hand-driven worker end on a MessageChannel: what it sends and when, how it
// settles calls from what comes back, and how it fails when the worker does.
import { expose } from 'comlink';
import { afterEach, describe, expect, it } from 'vitest';
import { TensorlaneError } from '../errors.js';
import { toWireError } from '../wire/wire-error.js';
import { PROTOCOL_VERSION, READY, isCancel, isSubmit, type Cancel, type HostApi, type Results, type Submit } from '../wire/protocol.js';
import { PACK_LIMIT, unpack } from '../wire/pack.js';
import type { Feeds } from '../types/tensor.js';
import { callSignal } from './call-errors.js';
import { connect, type Connection, type WorkerLike } from './connection.js';

/** A call the test does not await: its rejection when the connection closes is expected. */
const unawaited = (promise: Promise<unknown>) => void promise.catch(() => undefined);

const row = (value: number): Feeds => ({ x: { type: 'float32', data: Float32Array.of(value, value), dims: [1, 2] } });

/** The calls a submit message carries, packed or not, in the order the worker reads them. */
const callsOf = (message: Submit | Cancel) => {
  const { packed, submissions } = message as Submit;
  return [...(packed ? unpack(packed) : []), ...submissions];
};

/** A run's answer: each part one row of `outputs` (rows are values, as row() makes them), its call ids done. */
function results(parts: ReadonlyArray<{ id: number; index: number; value: number }>, done: number[], failed: Results['failed'] = []) {
  return {
    ...(parts.length > 0 ? { outputs: { x: { type: 'float32', data: Float32Array.from(parts.flatMap((p) => [p.value, p.value])), dims: [parts.length, 2] } } as Feeds } : {}),
    parts: Float64Array.from(parts.flatMap((p, i) => [p.id, p.index, i, 1])),
    done: Float64Array.from(done),
    failed,
  };
}

/** A worker end that records what the page sends, answers comlink calls with `api`, and says ready when told. */
function fakeWorker(api: Partial<HostApi> = {}) {
  const { port1, port2 } = new MessageChannel();
  const received: Array<Submit | Cancel> = [];
  let disposed = 0;
  expose({ dispose: async () => void disposed++, stats: () => ({ ok: true, value: {} }), ...api }, port2);
  port2.addEventListener('message', (event) => {
    if (isSubmit(event.data) || isCancel(event.data)) received.push(event.data);
  });
  const connection = connect(port1 as unknown as WorkerLike);
  const tick = () => new Promise((resolve) => setTimeout(resolve, 5));
  return {
    connection,
    received,
    get disposed() {
      return disposed;
    },
    ready: (message: unknown = READY) => port2.postMessage(message),
    /** Says ready, and resolves once the page end has heard it (a comlink call waits for READY). */
    async listening(): Promise<void> {
      port2.postMessage(READY);
      await connection.call((api) => api.stats(), { what: 'probe' });
    },
    answer: (results: Omit<Results, 'tensorlane'>) => port2.postMessage({ tensorlane: 'results', ...results }),
    crash: () => port1.dispatchEvent(new Event('error')),
    tick,
  };
}

let open: Connection[] = [];
afterEach(async () => {
  await Promise.all(open.map((c) => c.close(new TensorlaneError('DISPOSED', 'test over'))));
  open = [];
});
function start(api?: Partial<HostApi>) {
  const worker = fakeWorker(api);
  open.push(worker.connection);
  return worker;
}

describe('connect', () => {
  it('should send nothing before the worker is ready, then the calls made meanwhile in one message', async () => {
    const w = start();
    unawaited(w.connection.request([row(1)], { what: 'predict' }));
    unawaited(w.connection.request([row(2), row(3)], { what: 'predictBatch' }));
    await w.tick();
    expect(w.received).toEqual([]);
    w.ready();
    await expect.poll(() => w.received.length).toBe(1);
    expect(w.received.map((m) => callsOf(m).map((s) => s.items.length))).toEqual([[1, 2]]);
    expect((w.received[0] as Submit).packed?.buffers.map((b) => b.byteLength)).toEqual([3 * 8]); // three rows of two floats
  });

  it('should send the calls of one task 64 to a message, so the worker starts while the page still sends', async () => {
    const w = start();
    await w.listening();
    for (let i = 0; i < 130; i++) unawaited(w.connection.request([row(i)], { what: 'predict' }));
    await w.tick();
    await expect.poll(() => w.received.length).toBe(3);
    expect(w.received.map((m) => callsOf(m).length)).toEqual([64, 64, 2]);
  });

  it('should settle each call with its own parts, in order, and reject with the code the worker sent', async () => {
    const w = start();
    await w.listening();
    const first = w.connection.request([row(1), row(2)], { what: 'predictBatch' });
    const second = w.connection.request([row(3)], { what: 'predict' });
    await expect.poll(() => w.received.length).toBe(1);
    const [a, b] = callsOf(w.received[0]!);
    w.answer(results([{ id: a!.id, index: 1, value: 20 }], []));
    w.answer(results([{ id: a!.id, index: 0, value: 10 }], [a!.id], [{ id: b!.id, error: toWireError(new TensorlaneError('RUN_FAILED', 'boom'), 'RUN_FAILED') }]));
    const outputs = await first;
    expect(outputs.map((o) => Array.from(o['x']!.data as Float32Array))).toEqual([[10, 10], [20, 20]]);
    await expect(second).rejects.toMatchObject({ name: 'TensorlaneError', code: 'RUN_FAILED', message: 'boom' });
  });

  it('should reject at once with ABORTED or TIMEOUT and tell the worker to drop the call', async () => {
    const w = start();
    await w.listening(); // so that both calls are sent (at the end of this task) before the 1 ms timer can fire
    const controller = new AbortController();
    const aborted = expect(w.connection.request([row(1)], { what: 'predict', signal: controller.signal })).rejects.toMatchObject({
      code: 'ABORTED',
      message: 'predict was aborted: user left',
    });
    const timedOut = expect(w.connection.request([row(2)], { what: 'predict', signal: callSignal(undefined, 1, 'predict')!.signal })).rejects.toMatchObject({
      code: 'TIMEOUT',
      message: 'predict took longer than its timeoutMs of 1 ms',
    });
    await expect.poll(() => w.received.length).toBeGreaterThanOrEqual(1);
    controller.abort(new Error('user left'));
    await aborted;
    await timedOut;
    await expect.poll(() => w.received.length).toBe(3);
    const [submit, ...cancels] = w.received;
    const ids = callsOf(submit!).map((s) => s.id);
    expect(cancels.map((m) => (m as Cancel).id).sort()).toEqual([...ids].sort());
  });

  it('should send neither the call nor a cancel when the page gives up before the worker is ready', async () => {
    const w = start();
    const timedOut = expect(w.connection.request([row(1)], { what: 'predict', signal: callSignal(undefined, 1, 'predict')!.signal })).rejects.toMatchObject({ code: 'TIMEOUT' });
    await w.tick();
    await timedOut;
    w.ready();
    await w.tick();
    expect(w.received).toEqual([]);
  });

  it('should fail only the call whose data cannot be sent when several travel in one message', async () => {
    const w = start();
    await w.listening();
    // A value postMessage cannot clone: DataCloneError, as for a view of WebAssembly memory in a browser. Too large
    // to be packed, it travels as it is.
    const large = new Float32Array(PACK_LIMIT);
    const uncloneable = { x: { type: 'float32', data: large, dims: [1, large.length], extra: () => 2 } } as Feeds;
    const good = w.connection.request([row(1)], { what: 'predict' });
    const bad = w.connection.request([uncloneable], { what: 'predict' });
    await expect(bad).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringMatching(/^predict could not send its data to the worker: /) });
    await expect.poll(() => w.received.length).toBe(1);
    expect(w.received.flatMap((m) => callsOf(m).map((s) => s.items.length))).toEqual([1]);
    const { id } = callsOf(w.received[0]!)[0]!;
    w.answer(results([{ id, index: 0, value: 7 }], [id]));
    expect(Array.from((await good)[0]!['x']!.data as Float32Array)).toEqual([7, 7]);
  });

  it('should reject every call in flight, and every later one, with WORKER_CRASHED when the worker fails', async () => {
    const w = start({ load: () => new Promise<never>(() => undefined) });
    w.ready();
    const crashed = {
      code: 'WORKER_CRASHED',
      message: "the worker failed to start (is its script served, as JavaScript, from the same origin?); the call's inputs went with the worker, it may be retried",
    };
    const request = expect(w.connection.request([row(1)], { what: 'predict' })).rejects.toMatchObject(crashed);
    const call = expect(w.connection.call((api) => api.load({} as never), { what: 'createSession' })).rejects.toMatchObject(crashed);
    await w.tick();
    w.crash();
    await request;
    await call;
    await expect(w.connection.request([row(2)], { what: 'predict' })).rejects.toMatchObject(crashed);
    expect(w.connection.closed).toMatchObject(crashed);
  });

  it('should refuse a worker of another protocol version at once, naming both versions', async () => {
    const w = start();
    const load = w.connection.call((api) => api.stats(), { what: 'createSession' });
    w.ready({ tensorlane: 'ready', protocol: 1, version: '0.0.9' });
    await expect(load).rejects.toMatchObject({
      code: 'INVALID_OPTIONS',
      message: expect.stringContaining(`the worker runs tensorlane/worker 0.0.9, which speaks protocol 1, but this page runs tensorlane 0.1.0, which speaks protocol ${PROTOCOL_VERSION}`),
    });
  });

  it('should ask the worker to release its session on close, once, and then reject calls with the close error', async () => {
    const w = start();
    await w.listening();
    const disposed = new TensorlaneError('DISPOSED', 'the session was disposed');
    await Promise.all([w.connection.close(disposed, { release: true }), w.connection.close(disposed, { release: true })]);
    expect(w.disposed).toBe(1);
    await expect(w.connection.request([row(1)], { what: 'predict' })).rejects.toBe(disposed);
  });
});
