// A stream on the page (see `session.openStream`): checks each call, and sends it to the worker that holds the
// stream's state. The state is made in the worker that serves the stream's first operation; when that worker is
// replaced (a restart), the stream says so (STATE_LOST) until reset() makes it anew in the worker in use.
import { TensorlaneError } from '../errors.js';
import { buffersOf, copied, moved } from '../tensor/transfer.js';
import { createFeedsReader, type FeedsReader } from '../tensor/validate.js';
import type { AudioSource, Listening, ListenOptions, StepOptions, Stream, StreamOptions } from '../types/streams.js';
import type { Feeds, Tensor, TensorInfo } from '../types/tensor.js';
import type { StreamSpec } from '../wire/protocol.js';
import { abortError, callSignal } from './call-errors.js';
import { checkPredictOptions } from './check-options.js';
import { badOption } from './check-values.js';
import type { Connection } from './connection.js';
import { startListening, type ListenTarget } from './listen.js';
import { resolveInitial, resolveStream } from './stream-spec.js';
import type { CallOptions } from './calls.js';
import type { Supervisor } from './supervisor.js';
import { unreadable } from './unreadable.js';

/** What a stream needs of its session. */
export interface StreamHost {
  readonly supervisor: Supervisor;
  /** The session, whose `'restart'` events a listening stream follows. */
  readonly events: EventTarget;
  /** A number no other stream of the session has. */
  readonly id: number;
}

/** Initial values as they travel: tensors copied, so that the page keeps its own for later resets. */
function travelling(initial: StreamSpec['initial']): { initial: StreamSpec['initial']; transfer: Transferable[] } {
  const out: Record<string, StreamSpec['initial'][string]> = {};
  const tensors: Record<string, Tensor> = {};
  for (const [name, value] of Object.entries(initial)) out[name] = 'data' in value ? (tensors[name] = copied({ [name]: value })[name]!) : value;
  return { initial: out, transfer: buffersOf([tensors]) };
}

export class StreamImpl implements Stream {
  readonly carry: Readonly<Record<string, string>>;
  readonly outputs: readonly string[];
  readonly #host: StreamHost;
  readonly #spec: StreamSpec;
  readonly #carried: readonly TensorInfo[];
  readonly #stepInputs: readonly TensorInfo[];
  readonly #read: FeedsReader;
  /** The worker connection the state lives in, once made. */
  #openedOn: Connection | undefined;
  #closed: TensorlaneError | undefined;
  #steps = 0;
  #listening: { stop(): Promise<void> } | undefined;

  constructor(host: StreamHost, options: StreamOptions) {
    this.#host = host;
    const { reply } = host.supervisor;
    const { spec, stepInputs } = unreadable('INVALID_OPTIONS', 'openStream() options', () => resolveStream(options, reply));
    this.#spec = spec;
    this.#stepInputs = stepInputs;
    this.#carried = reply.inputs.filter((info) => !stepInputs.includes(info));
    this.#read = createFeedsReader(stepInputs);
    this.carry = spec.carry;
    this.outputs = spec.outputs;
  }

  get steps(): number {
    return this.#steps;
  }

  /** The connection holding the state, opening it in the worker in use if it was never made. */
  async #connection(options: CallOptions): Promise<Connection> {
    if (this.#closed) throw this.#closed;
    const { connection } = await this.#host.supervisor.link(options);
    if (this.#openedOn === undefined) this.#open(connection, this.#spec.initial);
    else if (this.#openedOn !== connection) {
      throw new TensorlaneError(
        'STATE_LOST',
        `${options.what}: stream ${this.#host.id}'s state went with a worker that restarted; reset() the stream to start again from its initial values`,
      );
    }
    return connection;
  }

  #open(connection: Connection, initial: StreamSpec['initial']): void {
    const sent = travelling(initial);
    connection.streams.post({ op: 'open', stream: this.#host.id, spec: { ...this.#spec, initial: sent.initial } }, sent.transfer);
    this.#openedOn = connection;
    this.#steps = 0;
  }

  async step(feeds: Feeds, options: StepOptions = {}): Promise<Record<string, Tensor>> {
    const { signal, timeoutMs, copy } = unreadable('INVALID_OPTIONS', 'step() options', () => checkPredictOptions(options, 'step'));
    if (this.#listening) throw badOption(`step(): stream ${this.#host.id} is listening, which steps it; stop() listening first`);
    if (signal?.aborted) throw abortError(signal, 'step');
    const checked = unreadable('INVALID_INPUT', 'step() inputs', () => this.#read(feeds));
    // One signal for the step, its timeout counting from here, across a restart it waits for.
    const call = callSignal(signal, timeoutMs, 'step');
    try {
      const sending = { signal: call?.signal, what: 'step' };
      const connection = await this.#connection(sending);
      const sent = unreadable('INVALID_INPUT', 'step() inputs', () => (copy ? copied(checked) : moved([checked])[0]!));
      const answer = await connection.streams.send({ op: 'step', stream: this.#host.id, feeds: sent }, buffersOf([sent]), sending);
      this.#steps = answer.steps;
      return { ...answer.outputs };
    } finally {
      call?.release();
    }
  }

  async read(name: string): Promise<Tensor> {
    const input = Object.hasOwn(this.carry, name) ? this.carry[name]! : name;
    if (!this.#carried.some((info) => info.name === input)) {
      throw badOption(`read(): "${name}" is not carried by stream ${this.#host.id}; it carries ${Object.entries(this.carry).map(([o, i]) => `"${o}" → "${i}"`).join(', ')}`);
    }
    const connection = await this.#connection({ what: 'read' });
    const answer = await connection.streams.send({ op: 'read', stream: this.#host.id, name: input }, [], { what: 'read' });
    return answer.outputs![input]!;
  }

  async reset(options: Pick<StreamOptions, 'initial' | 'dims'> = {}): Promise<void> {
    if (this.#closed) throw this.#closed;
    const given = unreadable('INVALID_OPTIONS', 'reset() options', () => (options.initial || options.dims ? resolveInitial(options, this.#carried) : undefined));
    const initial = given ?? this.#spec.initial;
    const { connection } = await this.#host.supervisor.link({ what: 'reset' });
    if (this.#openedOn !== connection) return this.#open(connection, initial);
    const sent = travelling(initial);
    await connection.streams.send({ op: 'reset', stream: this.#host.id, initial: sent.initial }, sent.transfer, { what: 'reset' });
    this.#steps = 0;
  }

  listen(source: AudioSource, options: ListenOptions): Promise<Listening> {
    if (this.#closed) return Promise.reject(this.#closed);
    if (this.#listening) return Promise.reject(badOption(`listen(): stream ${this.#host.id} is listening already; stop() it first`));
    const target: ListenTarget = {
      id: this.#host.id,
      stepInputs: this.#stepInputs,
      events: this.#host.events,
      connection: (what) => this.#connection({ what }),
      reset: () => this.reset(),
      done: () => (this.#listening = undefined),
    };
    const listening = startListening(target, source, options);
    this.#listening = { stop: () => listening.then((l) => l.stop(), () => undefined) };
    listening.catch(() => (this.#listening = undefined));
    return listening;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = new TensorlaneError('DISPOSED', `stream ${this.#host.id} was closed`);
    await this.#listening?.stop();
    const connection = this.#openedOn;
    if (connection && connection.closed === undefined) {
      await connection.streams.send({ op: 'close', stream: this.#host.id }, [], { what: 'close' }).catch(() => undefined);
    }
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
