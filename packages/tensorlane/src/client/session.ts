/// <reference lib="esnext.disposable" preserve="true" />
import { TensorlaneError, isTensorlaneError, type ErrorCode } from '../errors.js';
import type { PredictBatchOptions, PredictOptions } from '../options.js';
import type { LoadReply } from '../protocol.js';
import type { BackendSelection } from '../choice-types.js';
import type { AdapterInfo, BatchingInfo, Counts, FallbackAttempt, Outputs, Session, SessionStats } from '../session-types.js';
import type { Backend } from '../backends.js';
import { describe } from '../tensor/dtypes.js';
import { rowsOf } from '../tensor/shape.js';
import { copied, moved } from '../tensor/transfer.js';
import type { Feeds, TensorInfo } from '../tensor/types.js';
import { readFeeds } from '../tensor/validate.js';
import { checkPredictOptions } from './check-options.js';
import { abortError, type Connection } from './connection.js';

/** A worker that holds the loaded model: the page's end of it, and what it loaded. */
export interface Link {
  readonly connection: Connection;
  readonly reply: LoadReply;
}

/** Starts a worker and loads the model in it. The session keeps it, to be able to start another. */
export type Connect = (signal: AbortSignal | undefined) => Promise<Link>;

/** Page-side counters: every call's outcome is known here, including those rejected before reaching the worker. */
function createCounters() {
  const counts = () => ({ submitted: 0, resolved: 0, rejected: 0 });
  const requests = counts();
  const rows = counts();
  const rejections: Partial<Record<ErrorCode, number>> = {};
  return {
    submitted(n: number): void {
      requests.submitted++;
      rows.submitted += n;
    },
    resolved(n: number): void {
      requests.resolved++;
      rows.resolved += n;
    },
    rejected(n: number, error: unknown): void {
      requests.rejected++;
      rows.rejected += n;
      const code: ErrorCode = isTensorlaneError(error) ? error.code : 'WORKER_CRASHED';
      rejections[code] = (rejections[code] ?? 0) + 1;
    },
    /** Rows submitted and not yet answered. */
    get pendingRows(): number {
      return rows.submitted - rows.resolved - rows.rejected;
    },
    snapshot() {
      const pending = (c: ReturnType<typeof counts>): Counts => ({ ...c, pending: c.submitted - c.resolved - c.rejected });
      return { requests: pending(requests), rows: pending(rows), rejections: { ...rejections } };
    },
  };
}

/** The session a page holds: checks calls, applies backpressure, counts outcomes, and talks to its worker. */
export class SessionImpl implements Session {
  readonly #connect: Connect;
  readonly #maxQueueSize: number;
  readonly #counters = createCounters();
  #link: Link;

  private constructor(connect: Connect, link: Link, maxQueueSize: number) {
    this.#connect = connect;
    this.#link = link;
    this.#maxQueueSize = maxQueueSize;
  }

  /** Opens a session on the first worker `connect` starts. */
  static async open(connect: Connect, maxQueueSize: number, signal: AbortSignal | undefined): Promise<SessionImpl> {
    return new SessionImpl(connect, await connect(signal), maxQueueSize);
  }

  get backend(): Backend {
    return this.#link.reply.backend;
  }
  get fallback(): readonly FallbackAttempt[] {
    return this.#link.reply.fallback;
  }
  get adapter(): AdapterInfo | undefined {
    return this.#link.reply.adapter;
  }
  get selection(): BackendSelection | undefined {
    return this.#link.reply.selection;
  }
  get model(): string | undefined {
    return this.#link.reply.model;
  }
  get inputs(): readonly TensorInfo[] {
    return this.#link.reply.inputs;
  }
  get outputs(): readonly TensorInfo[] {
    return this.#link.reply.outputs;
  }
  get batching(): BatchingInfo {
    return this.#link.reply.batching;
  }
  get warnings(): readonly string[] {
    return this.#link.reply.warnings;
  }

  async predict(feeds: Feeds, options: PredictOptions = {}): Promise<Outputs> {
    const [outputs] = await this.#submit('predict', () => [readFeeds(feeds, this.inputs)], options);
    return outputs!;
  }

  async predictBatch(items: readonly Feeds[], options: PredictBatchOptions = {}): Promise<Outputs[]> {
    return this.#submit('predictBatch', () => {
      if (!Array.isArray(items)) {
        throw new TensorlaneError('INVALID_INPUT', `predictBatch() items is ${describe(items)}; expected an array of feeds`);
      }
      return items.map((item: unknown, i) => readFeeds(item, this.inputs, `item ${i}: `));
    }, options);
  }

  /** Checks options and inputs, applies backpressure, then queues the items in the worker as one call. */
  async #submit(what: string, read: () => Feeds[], options: PredictOptions): Promise<Outputs[]> {
    const { signal, timeoutMs, copy } = checkPredictOptions(options, what);
    const { connection } = this.#link;
    if (connection.closed) throw connection.closed;
    if (signal?.aborted) throw abortError(signal, what);
    const checked = read();
    if (checked.length === 0) return [];
    const rows = checked.reduce((n, item) => n + rowsOf(item), 0);
    const counters = this.#counters;
    counters.submitted(rows);
    try {
      if (rows > this.#maxQueueSize) {
        throw new TensorlaneError('INVALID_INPUT', `${what}() has ${rows} rows, more than maxQueueSize (${this.#maxQueueSize}) allows at once`);
      }
      if (counters.pendingRows > this.#maxQueueSize) {
        const waiting = counters.pendingRows - rows;
        throw new TensorlaneError(
          'QUEUE_FULL',
          `${what}() of ${rows} rows would take the queue past maxQueueSize (${this.#maxQueueSize} rows; ${waiting} are waiting); retry when some calls have settled`,
        );
      }
      const sent = copy ? checked.map(copied) : moved(checked);
      const outputs = await connection.request(sent, { signal, timeoutMs, what });
      counters.resolved(rows);
      return outputs;
    } catch (error) {
      counters.rejected(rows, error);
      throw error;
    }
  }

  async stats(): Promise<SessionStats> {
    const { connection, reply } = this.#link;
    const scheduler = await connection.call((api) => api.stats(), { what: 'stats' });
    const meanRowsPerRun = scheduler.runs === 0 ? 0 : scheduler.rowsRun / scheduler.runs;
    return { ...this.#counters.snapshot(), ...scheduler, meanRowsPerRun, warmup: reply.warmup, calibration: reply.calibration };
  }

  dispose(): Promise<void> {
    return this.#link.connection.close(new TensorlaneError('DISPOSED', 'the session was disposed'), { release: true });
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.dispose();
  }
}
