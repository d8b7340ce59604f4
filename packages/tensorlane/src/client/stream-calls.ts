// The stream operations in flight to one worker: each gets an id, waits in the outbox until the end of its task, goes
// with the other operations of that task in one StreamOps message, and settles from a StreamAnswers message, from its
// signal, or when the connection closes. A listening stream's results are handed to its listener.
import { TensorlaneError } from '../errors.js';
import { fromWireError } from '../wire/wire-error.js';
import type { HeardMessage, StreamAnswer, StreamAnswers, StreamOp, StreamOps } from '../wire/protocol.js';
import { abortError, transitError } from './call-errors.js';
import { arm, untrack, type Tracked } from './tracked.js';
import type { CallOptions } from './calls.js';

/** An operation as the page sends it: its id is given here. */
export type StreamRequest = StreamOp extends infer O ? (O extends { id: number } ? Omit<O, 'id'> : never) : never;

interface Pending extends Tracked {
  readonly what: string;
  resolve(answer: StreamAnswer): void;
  reject(error: TensorlaneError): void;
  sent?: boolean;
}

export interface StreamCalls {
  /** Sends `request` (its buffers `transfer`red) and resolves with its answer; rejects with the answer's error. */
  send(request: StreamRequest, transfer: Transferable[], options: Omit<CallOptions, 'alone'>): Promise<StreamAnswer>;
  /** Sends an operation that is not answered (`open`). */
  post(op: Extract<StreamOp, { op: 'open' }>, transfer: Transferable[]): void;
  /** Hands `stream`'s listening results to `listener` (undefined: to nobody). */
  listen(stream: number, listener: ((message: HeardMessage) => void) | undefined): void;
  /** The worker listens: send what waits, and from now on at the end of each task. */
  open(): void;
  receive(message: StreamAnswers | HeardMessage): void;
  /** Rejects every operation with `error`; later ones too. */
  close(error: TensorlaneError): void;
}

export function createStreamCalls(post: (message: StreamOps, transfer: Transferable[]) => void): StreamCalls {
  const pending = new Map<number, Pending>();
  const listeners = new Map<number, (message: HeardMessage) => void>();
  let nextId = 1;
  let outbox: { op: StreamOp; transfer: Transferable[] }[] = [];
  let flushQueued = false;
  let listening = false;
  let closed: TensorlaneError | undefined;

  function flush(): void {
    flushQueued = false;
    if (!listening || outbox.length === 0 || closed) return;
    const batch = outbox;
    outbox = [];
    for (const { op } of batch) if ('id' in op) pending.get(op.id)!.sent = true;
    try {
      post({ tensorlane: 'stream-ops', ops: batch.map((entry) => entry.op) }, batch.flatMap((entry) => entry.transfer));
    } catch (error) {
      for (const { op } of batch) if ('id' in op) settle(op.id)?.reject(transitError(error, pending.get(op.id)?.what ?? op.op));
    }
  }

  function enqueue(op: StreamOp, transfer: Transferable[]): void {
    outbox.push({ op, transfer });
    if (!flushQueued) {
      flushQueued = true;
      queueMicrotask(flush);
    }
  }

  const settle = (id: number) => untrack(pending, id);

  function giveUp(id: number, error: TensorlaneError): void {
    const call = settle(id);
    if (call === undefined) return;
    call.reject(error);
    if (call.sent) enqueue({ op: 'cancel', id }, []);
    else outbox = outbox.filter((entry) => !('id' in entry.op) || entry.op.id !== id);
  }

  return {
    send(request, transfer, { signal, what }) {
      if (closed) return Promise.reject(closed);
      if (signal?.aborted) return Promise.reject(abortError(signal, what));
      const id = nextId++;
      return new Promise<StreamAnswer>((resolve, reject) => {
        const call: Pending = { what, resolve, reject };
        pending.set(id, call);
        arm(call, signal, what, (error) => giveUp(id, error));
        enqueue({ ...request, id } as StreamOp, transfer);
      });
    },

    post(op, transfer) {
      if (!closed) enqueue(op, transfer);
    },

    listen(stream, listener) {
      if (listener) listeners.set(stream, listener);
      else listeners.delete(stream);
    },

    open() {
      listening = true;
      flush();
    },

    receive(message) {
      if (message.tensorlane === 'heard') return listeners.get(message.stream)?.(message);
      for (const answer of message.answers) {
        const call = settle(answer.id);
        if (call === undefined) continue;
        if (answer.error) call.reject(fromWireError(answer.error));
        else call.resolve(answer);
      }
    },

    close(error) {
      closed = error;
      outbox = [];
      for (const id of [...pending.keys()]) settle(id)!.reject(error);
      listeners.clear();
    },
  };
}
