// One call, one signal: the caller's signal and the call's timeout combined into the one AbortSignal that every layer
// below the session listens to, its reason read back as ABORTED (the caller's reason as cause) or TIMEOUT. Checked
// alone, through the supervisor across a restart (fake workers, fake timers), and through a session on a real worker.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { TensorlaneError } from '../packages/tensorlane/src/errors.ts';
import { createSession, type Tensor } from '../packages/tensorlane/src/index.ts';
import { abortError, callSignal } from '../packages/tensorlane/src/client/call-errors.ts';
import { Returned } from '../packages/tensorlane/src/client/calls.ts';
import type { Connection } from '../packages/tensorlane/src/client/connection.ts';
import { createStreamCalls } from '../packages/tensorlane/src/client/stream-calls.ts';
import { supervise, type Connect, type Link } from '../packages/tensorlane/src/client/supervisor.ts';
import type { LoadReply } from '../packages/tensorlane/src/wire/protocol.ts';
import type { Feeds } from '../packages/tensorlane/src/types/tensor.ts';
import { MODELS, seededFloats } from './models/zoo.ts';
import { expectMlpOutputs, portWorker } from './node-worker.ts';

/** A caller's signal that counts the listeners added to it and not removed. */
function countedSignal() {
  const controller = new AbortController();
  const { signal } = controller;
  const listening = new Set<unknown>();
  let added = 0;
  const add = signal.addEventListener.bind(signal);
  const remove = signal.removeEventListener.bind(signal);
  signal.addEventListener = (...args: Parameters<typeof add>) => {
    added++;
    listening.add(args[1]);
    add(...args);
  };
  signal.removeEventListener = (...args: Parameters<typeof remove>) => {
    listening.delete(args[1]);
    remove(...args);
  };
  return {
    controller,
    signal,
    get added() {
      return added;
    },
    /** Listeners added and not removed: a `once` listener that fired counts until removed, as the caller sees it. */
    get listening() {
      return listening.size;
    },
  };
}

afterEach(() => void vi.useRealTimers());

describe('callSignal', () => {
  it('should make no signal, timer or listener for a call with neither a signal nor a timeout', () => {
    vi.useFakeTimers();
    expect(callSignal(undefined, undefined, 'predict')).toBeUndefined();
    expect(vi.getTimerCount()).toBe(0);
  });

  it("should pass the caller's signal on as it is when there is no timeout, without listening to it", () => {
    const caller = countedSignal();
    expect(callSignal(caller.signal, undefined, 'predict')!.signal).toBe(caller.signal);
    expect(caller.added).toBe(0);
  });

  it("should abort with ABORTED keeping the caller's reason as cause, and stop its timer", () => {
    vi.useFakeTimers();
    const caller = countedSignal();
    const call = callSignal(caller.signal, 1000, 'predict')!;
    const reason = new Error('user left');
    caller.controller.abort(reason);
    expect(call.signal.aborted).toBe(true);
    expect(abortError(call.signal, 'predict')).toMatchObject({ code: 'ABORTED', message: 'predict was aborted: user left', cause: reason });
    expect(vi.getTimerCount()).toBe(0);
    call.release();
    expect(caller.listening).toBe(0);
  });

  it('should abort with its TIMEOUT error as the reason when the timeout runs out, the caller\'s signal untouched', () => {
    vi.useFakeTimers();
    const caller = countedSignal();
    const call = callSignal(caller.signal, 50, 'predictBatch')!;
    vi.advanceTimersByTime(49);
    expect(call.signal.aborted).toBe(false);
    vi.advanceTimersByTime(1);
    const timeout = abortError(call.signal, 'predictBatch');
    expect(timeout).toBe(call.signal.reason);
    expect(timeout).toBeInstanceOf(TensorlaneError);
    expect(timeout).toMatchObject({ name: 'TensorlaneError', code: 'TIMEOUT', message: 'predictBatch took longer than its timeoutMs of 50 ms' });
    expect(caller.signal.aborted).toBe(false);
    call.release();
    expect(caller.listening).toBe(0);
  });

  it("should read a caller's own TIMEOUT reason as ABORTED: only the call's timeout is TIMEOUT", () => {
    const controller = new AbortController();
    const reason = new TensorlaneError('TIMEOUT', 'my own deadline');
    controller.abort(reason);
    expect(abortError(callSignal(controller.signal, 1000, 'predict')!.signal, 'predict')).toMatchObject({ code: 'ABORTED', cause: reason });
  });

  it("should stop its timer and stop listening to the caller's signal once released", () => {
    vi.useFakeTimers();
    const caller = countedSignal();
    callSignal(caller.signal, 1000, 'predict')!.release();
    expect(caller.added).toBe(1);
    expect(caller.listening).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });
});

/**
 * A link whose calls stay with it until their signal aborts or it is surrendered, which hands them back; each call
 * it gets is logged.
 */
function holdingLink(log: string[], name: string): Link {
  const held = new Map<readonly Feeds[], (error: unknown) => void>();
  const connection: Connection = {
    closed: undefined,
    call: () => Promise.reject(new Error('not used')),
    request: (items, { signal, what }) =>
      new Promise((_, reject) => {
        log.push(`${name} got ${what}`);
        held.set(items, reject);
        signal?.addEventListener('abort', () => reject(abortError(signal, what)), { once: true });
      }),
    close: async () => undefined,
    surrender: async () => {
      for (const [items, reject] of held) reject(new Returned(items, false));
      held.clear();
    },
    streams: createStreamCalls(() => undefined),
    postVideo: () => undefined,
    onVideo: () => () => undefined,
  };
  return { connection, reply: { backend: 'wasm' } as LoadReply };
}

/** Connects the first worker at once, and the second (a restart's) only once `startSecond` is called. */
function twoWorkers(log: string[]): { connect: Connect; startSecond(): void } {
  let startSecond: () => void = () => undefined;
  const second = new Promise<Link>((resolve) => (startSecond = () => resolve(holdingLink(log, 'second'))));
  const links = [Promise.resolve(holdingLink(log, 'first')), second];
  return { connect: () => links.shift()!, startSecond: () => startSecond() };
}

describe('one signal per call, through the supervisor', () => {
  it('should time out from the call, not from each send: a call handed to a new worker keeps its first timer', async () => {
    vi.useFakeTimers();
    const log: string[] = [];
    const workers = twoWorkers(log);
    const supervisor = await supervise(workers.connect, undefined, { restart: true, maxRestarts: 3 }, () => undefined);
    const caller = countedSignal();
    const call = callSignal(caller.signal, 100, 'predict')!;
    const outcome = supervisor.request([{}], { signal: call.signal, what: 'predict' }).then(() => 'resolved', (e: TensorlaneError) => e);
    const restarted = supervisor.restart();
    await vi.advanceTimersByTimeAsync(60); // handed back, waiting for the second worker
    workers.startSecond();
    await restarted;
    await vi.advanceTimersByTimeAsync(39);
    expect(log).toEqual(['first got predict', 'second got predict']);
    await vi.advanceTimersByTimeAsync(1); // 100 ms after the call, 40 ms after it reached the second worker
    expect(await outcome).toMatchObject({ code: 'TIMEOUT', message: 'predict took longer than its timeoutMs of 100 ms' });
    call.release();
    expect(caller.listening).toBe(0);
    await supervisor.dispose();
  });

  it("should reject a call waiting for a restart with ABORTED, the caller's reason as cause, and stop listening", async () => {
    const log: string[] = [];
    const workers = twoWorkers(log);
    const supervisor = await supervise(workers.connect, undefined, { restart: true, maxRestarts: 3 }, () => undefined);
    const restarted = supervisor.restart();
    const caller = countedSignal();
    const waiting = supervisor.request([{}], { signal: caller.signal, what: 'predict' });
    const reason = new Error('user left');
    caller.controller.abort(reason);
    await expect(waiting).rejects.toMatchObject({ code: 'ABORTED', message: 'predict was aborted: user left', cause: reason });
    workers.startSecond();
    await restarted;
    expect(log).toEqual([]);
    expect(caller.listening).toBe(0);
    await supervisor.dispose();
  });
});

const mlpInput = (seed: number): Tensor<'float32'> => ({ type: 'float32', data: seededFloats(256, seed), dims: [1, 256] });

describe('one signal per call, through a session', () => {
  it("should leave no listener on the caller's signal once its calls settle: answered, waiting for a restart, or aborted", async () => {
    await using session = await createSession({ model: MODELS['mlp.onnx'](), worker: portWorker() });
    const caller = countedSignal();
    const restarted = session.restart();
    const x = mlpInput(1);
    const expected = x.data.slice();
    const [waited, timed] = await Promise.all([
      session.predict({ x }, { signal: caller.signal }),
      session.predict({ x: mlpInput(2) }, { signal: caller.signal, timeoutMs: 60_000 }),
    ]);
    await restarted;
    expectMlpOutputs(waited['y']!.data as Float32Array, expected);
    expect(timed['y']!.dims).toEqual([1, 10]);
    const inFlight = session.predict({ x: mlpInput(3) }, { signal: caller.signal, timeoutMs: 60_000 });
    const reason = new Error('user left');
    caller.controller.abort(reason);
    await expect(inFlight).rejects.toMatchObject({ code: 'ABORTED', cause: reason });
    expect(caller.added).toBeGreaterThan(0);
    expect(caller.listening).toBe(0);
  });
});
