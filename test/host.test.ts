// The worker host's one state (idle, loading, ready, disposed), driven directly with real onnxruntime-web (WASM) in
// Node: what each call does in each state, and that no session outlives a dispose.
import { describe, expect, it } from 'vitest';
import type { Results } from '../packages/tensorlane/src/wire/protocol.ts';
import { pack } from '../packages/tensorlane/src/wire/pack.ts';
import { createHost } from '../packages/tensorlane/src/worker/host.ts';
import { seededFloats } from './models/zoo.ts';
import { countingEnv, expectMlpOutputs, loadRequest } from './node-worker.ts';

function setup() {
  const posted: Results[] = [];
  const { env, counts } = countingEnv();
  const host = createHost((message) => void (message.tensorlane === 'results' && posted.push(message)), env);
  const done = () => posted.flatMap((r) => [...Array.from(r.done, (id) => `${id}:ok`), ...r.failed.map((f) => `${f.id}:${f.error.code}`)]);
  return { host, posted, counts, done };
}

const x = seededFloats(256, 3);

describe('the worker host', () => {
  it('should release a session that finishes loading after dispose, and answer the load with DISPOSED', async () => {
    const { host, counts } = setup();
    const load = host.api.load(loadRequest());
    await host.api.dispose();
    expect(await load).toMatchObject({ ok: false, error: { code: 'DISPOSED', message: 'the session was disposed' } });
    expect(counts).toEqual({ created: ['wasm'], released: ['wasm'] });
  });

  it('should serve once ready, release the session on dispose, and answer later calls with DISPOSED', async () => {
    const { host, posted, counts, done } = setup();
    expect(await host.api.load(loadRequest())).toMatchObject({ ok: true, value: { backend: 'wasm' } });
    host.submit([{ id: 1, items: [{ x: { type: 'float32', data: x.slice(), dims: [1, 256] } }] }]);
    await expect.poll(done).toEqual(['1:ok']);
    expectMlpOutputs(posted[0]!.outputs!['y']!.data as Float32Array, x);
    await host.api.dispose();
    expect(counts).toEqual({ created: ['wasm'], released: ['wasm'] });
    host.submit([{ id: 2, items: [{ x: { type: 'float32', data: x.slice(), dims: [1, 256] } }] }]);
    expect(done()).toEqual(['1:ok', '2:DISPOSED']);
    expect(host.api.stats()).toMatchObject({ ok: false, error: { code: 'DISPOSED' } });
    expect(await host.api.load(loadRequest())).toMatchObject({ ok: false, error: { code: 'DISPOSED' } });
  });

  it('should run packed calls as one stacked run, and fail those whose inputs are not the model\'s with INVALID_INPUT', async () => {
    const { host, posted, done } = setup();
    await host.api.load(loadRequest());
    const row = (seed: number) => ({ x: { type: 'float32' as const, data: seededFloats(256, seed), dims: [1, 256] } });
    host.submit([], pack([{ id: 1, items: [row(1)] }, { id: 2, items: [row(2)] }]).packed);
    await expect.poll(done).toEqual(['1:ok', '2:ok']);
    expect(posted.at(-1)!.outputs!['y']!.dims).toEqual([2, 10]); // one run of both
    expectMlpOutputs((posted.at(-1)!.outputs!['y']!.data as Float32Array).slice(10), seededFloats(256, 2));
    host.submit([], pack([{ id: 3, items: [{ z: row(3)['x'] }] }]).packed);
    expect(done().at(-1)).toBe('3:INVALID_INPUT');
    expect(posted.at(-1)!.failed[0]!.error.message).toBe('the page sent inputs "z" float32 but the model takes "x" float32');
  });

  it('should stay awake a while after an answer with busyWaitMs, by posting itself empty messages, and never without', async () => {
    let empty = 0;
    const post = MessagePort.prototype.postMessage;
    MessagePort.prototype.postMessage = function (this: MessagePort, message: unknown, ...rest: never[]) {
      if (message === undefined) empty++;
      return (post as (...args: unknown[]) => void).call(this, message, ...rest);
    };
    const posted: Record<string, { awake: number; later: number }> = {};
    try {
      for (const busyWaitMs of [2, 0]) {
        const { host, done } = setup();
        await host.api.load(loadRequest({ busyWaitMs }));
        empty = 0;
        host.submit([{ id: 1, items: [{ x: { type: 'float32', data: x.slice(), dims: [1, 256] } }] }]);
        await expect.poll(done).toEqual(['1:ok']);
        await new Promise((resolve) => setTimeout(resolve, 100)); // the wait's 2 ms are long over
        const awake = empty;
        await new Promise((resolve) => setTimeout(resolve, 100));
        posted[busyWaitMs] = { awake, later: empty - awake };
        await host.api.dispose();
      }
    } finally {
      MessagePort.prototype.postMessage = post;
    }
    expect(posted['2']!.awake).toBeGreaterThan(0);
    expect(posted['2']!.later).toBe(0);
    expect(posted['0']).toEqual({ awake: 0, later: 0 });
  });

  // A second model is refused with MODEL_LOAD_FAILED: one of the causes in error-codes.test.ts.
  it('should answer calls before any model is loaded with DISPOSED', () => {
    const { host, done } = setup();
    host.submit([{ id: 1, items: [] }]);
    expect(done()).toEqual(['1:DISPOSED']);
  });

  it('should take a load again after one failed', async () => {
    const { host, counts } = setup();
    expect(await host.api.load(loadRequest({ model: new TextEncoder().encode('not a model') }))).toMatchObject({ ok: false, error: { code: 'MODEL_INVALID' } });
    expect(await host.api.load(loadRequest())).toMatchObject({ ok: true });
    await host.api.dispose();
    expect(counts).toEqual({ created: ['wasm'], released: ['wasm'] });
  });
});
