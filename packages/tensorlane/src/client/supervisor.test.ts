import { describe, expect, it } from 'vitest';
import { TensorlaneError } from '../errors.js';
import type { LoadReply } from '../wire/protocol.js';
import type { Connection } from './connection.js';
import { createStreamCalls } from './stream-calls.js';
import { supervise, type Connect, type Link } from './supervisor.js';

/** A link whose connection answers every request with its inputs, and records being closed. */
function fakeLink(log: string[], name: string): Link {
  let closed: TensorlaneError | undefined;
  const connection: Connection = {
    get closed() {
      return closed;
    },
    call: () => Promise.reject(new Error('not used')),
    request: async (items) => [...items],
    close: async (error) => {
      closed ??= error;
      log.push(`${name} closed: ${error.code}`);
    },
    surrender: async () => void log.push(`${name} surrendered`),
    streams: createStreamCalls(() => undefined),
    postVideo: () => undefined,
    onVideo: () => () => undefined,
  };
  return { connection, reply: { backend: 'wasm' } as LoadReply };
}

describe('supervise', () => {
  it('should not wait for a restart\'s load when disposed meanwhile: the load is aborted, waiting calls reject DISPOSED', async () => {
    const log: string[] = [];
    let started = 0;
    const connect: Connect = (signal) => {
      started++;
      if (started === 1) return Promise.resolve(fakeLink(log, 'first'));
      // The second worker's load never ends by itself (a stalled download): only its signal ends it.
      return new Promise((_, reject) => signal!.addEventListener('abort', () => {
        log.push('second load aborted');
        reject(signal!.reason);
      }));
    };
    const supervisor = await supervise(connect, undefined, { restart: true, maxRestarts: 3 }, () => undefined);
    const restarting = supervisor.restart().then(() => 'restarted', (e: TensorlaneError) => e.code);
    await new Promise((resolve) => setTimeout(resolve, 0));
    const waiting = supervisor.request([{}], { what: 'predict' }).then(() => 'resolved', (e: TensorlaneError) => e.code);

    await supervisor.dispose();
    expect(await waiting).toBe('DISPOSED');
    expect(await restarting).toBe('DISPOSED');
    expect(log).toEqual(['first surrendered', 'second load aborted', 'first closed: DISPOSED']);
    expect(started).toBe(2);
  });

  it('should refuse restart() when the model cannot be loaded again, and keep serving', async () => {
    const log: string[] = [];
    const connect: Connect = async () => fakeLink(log, 'only');
    const cannotReload = "the bytes were not kept (restart: 'off')";
    const supervisor = await supervise(connect, undefined, { restart: false, maxRestarts: 3, cannotReload }, () => undefined);
    await expect(supervisor.restart()).rejects.toMatchObject({ code: 'INVALID_OPTIONS', message: cannotReload });
    await expect(supervisor.request([{}], { what: 'predict' })).resolves.toEqual([{}]);
    expect(log).toEqual([]);
  });
});
