// What a call in flight keeps alive on the page. A saturated page holds thousands of calls in flight, and its garbage
// collector copies what they keep at every minor collection: a call keeps its promise and its outcome's handlers, not
// its inputs (a small input is packed into the message; its moved buffer has nothing left to do). `pnpm bench:calls`
// prints the heap a call in flight holds. A call with pictures keeps them, to close them if it ends unsent.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { expect, it } from 'vitest';
import { TensorlaneError } from '../packages/tensorlane/src/errors.ts';
import { supervise, type Link } from '../packages/tensorlane/src/client/supervisor.ts';
import { createStreamCalls } from '../packages/tensorlane/src/client/stream-calls.ts';
import type { LoadReply } from '../packages/tensorlane/src/wire/protocol.ts';
import type { Feeds } from '../packages/tensorlane/src/types/tensor.ts';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Collects what nothing holds, once the current task (whose WeakRef targets stay alive until it ends) is over. */
async function collect(): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 0));
  gc();
}

/** A supervisor whose one worker answers every call with `request`'s promise. */
function superviseAnswering(request: () => Promise<Feeds[]>) {
  const link = { reply: { backend: 'wasm' } as LoadReply, connection: { closed: undefined, request, streams: createStreamCalls(() => undefined) } } as unknown as Link;
  return supervise(async () => link, undefined, { restart: true, maxRestarts: 3 }, () => undefined);
}

it("should not keep a call's feeds while it is in flight, once sent", async () => {
  const never = new Promise<Feeds[]>(() => undefined);
  const supervisor = await superviseAnswering(() => never);
  let feeds: Feeds | undefined = { x: { type: 'float32', data: new Float32Array(256), dims: [1, 256] } };
  const kept = new WeakRef(feeds);
  const inFlight = supervisor.request([feeds], { what: 'predict' });
  feeds = undefined;
  await collect();
  expect(kept.deref()).toBeUndefined();
  void inFlight;
});

it('should still close the frames of a call that ends unsent, the one thing it keeps for that', async () => {
  const failed = new TensorlaneError('WORKER_CRASHED', 'the worker stopped');
  const supervisor = await superviseAnswering(() => Promise.reject(failed));
  let closed = 0;
  const frame = { width: 2, height: 2, close: () => void closed++ };
  const feeds = { image: { type: 'uint8', data: new Uint8Array(0), dims: [1, 2, 2, 4], pictures: [{ frame }] } } as unknown as Feeds;
  await expect(supervisor.request([feeds], { what: 'predict' })).rejects.toBe(failed);
  expect(closed).toBe(1);
});
