// The worker's streams (see `session.openStream`): each stream's state (its carried values, on the GPU where the
// session runs there) and its operations, run in the order sent. Whenever the session is free, the first step waiting
// runs, with the first steps of every other stream that can share its run (see stepKey), up to maxBatchSize rows.
import type * as Ort from 'onnxruntime-web';
import { TensorlaneError, toTensorlaneError } from '../errors.js';
import { zeros } from '../tensor/dtypes.js';
import { sizeOf } from '../tensor/shape.js';
import type { StreamStats } from '../types/streams.js';
import type { Feeds, TensorInfo } from '../types/tensor.js';
import type { HeardMessage, StreamAnswer, StreamOp, StreamSpec } from '../wire/protocol.js';
import { toWireError } from '../wire/wire-error.js';
import type { Guarded, OrtModule } from './backend-table.js';
import { onGpu, toCpu, type Value } from './gpu-stack.js';
import { listen, type Listener } from './listen.js';
import { runSteps, stepKey, type StepOutcome, type Stepping } from './stream-step.js';

/** An operation waiting in its stream's queue: an op from the page, or a step of the stream's listener. */
interface Queued {
  readonly op: Exclude<StreamOp, { op: 'open' | 'cancel' }> | { readonly op: 'step'; readonly id: -1; readonly stream: number; readonly feeds: Feeds };
  /** Order of arrival, across streams. */
  readonly seq: number;
  /** For a listener's step: where its outcome goes. */
  readonly settle?: (outcome: StepOutcome) => void;
}

interface Open extends Stepping {
  readonly queue: Queued[];
  /** An operation of it is running. */
  busy: boolean;
  steps: number;
  listener?: Listener;
}

export interface StreamsOptions {
  readonly ort: OrtModule;
  readonly session: Ort.InferenceSession;
  readonly exclusive: Guarded;
  readonly inputs: readonly TensorInfo[];
  readonly maxBatchSize: number;
  /** Sends answers (their outputs' buffers transferred), or a listening stream's results, to the page. */
  post(message: { readonly answers: readonly StreamAnswer[] } | HeardMessage): void;
}

export interface Streams {
  /** Takes the page's operations, in order. */
  apply(ops: readonly StreamOp[]): void;
  stats(): StreamStats;
  /** Stops every listener and answers nothing more (the page takes its streams as lost). */
  stop(): void;
  /** Stops, and frees every stream's state; resolves once freed. */
  dispose(): Promise<void>;
}

const lost = (stream: number) =>
  new TensorlaneError('STATE_LOST', `stream ${stream} is not open in this worker (its state went with a worker that restarted); reset() it`);

export function createStreams(options: StreamsOptions): Streams {
  const { ort, exclusive, inputs, maxBatchSize, post } = options;
  const context = { ort, session: options.session, inputs };
  const streams = new Map<number, Open>();
  let seq = 0;
  let pumping = false;
  let pumpQueued = false;
  let stopped = false;
  const counts = { steps: 0, runs: 0, rowsRun: 0 };

  function answer(answers: StreamAnswer[]): void {
    if (!stopped && answers.length > 0) post({ answers });
  }
  const failure = (id: number, steps: number, error: unknown): StreamAnswer => ({ id, steps, error: toWireError(error, 'RUN_FAILED') });

  function initialState(spec: StreamSpec, initial = spec.initial): Map<string, Value> {
    const state = new Map<string, Value>();
    for (const [input, value] of Object.entries(initial)) {
      const type = inputs.find((info) => info.name === input)!.type;
      const data = 'data' in value ? value.data : zeros(type, sizeOf(value.dims));
      state.set(input, new ort.Tensor(type, data as Ort.Tensor.DataType as Float32Array, value.dims));
    }
    return state;
  }

  /**
   * Pumps once this task ends; `gather`: in a task of its own, after the messages already waiting. A listening
   * stream's frame is scheduled so: the worklets of streams listening together post their audio at the same
   * moment, in one message each, and their frames then share a run instead of running one by one.
   */
  function schedule(gather = false): void {
    if (pumpQueued || stopped) return;
    pumpQueued = true;
    const go = () => {
      pumpQueued = false;
      void pump();
    };
    if (gather) setTimeout(go, 0);
    else queueMicrotask(go);
  }

  /** Runs what is due until nothing is: operations other than steps one by one, steps in batches. */
  async function pump(): Promise<void> {
    if (pumping) return;
    pumping = true;
    try {
      for (;;) {
        let first: Open | undefined;
        for (const stream of streams.values()) {
          if (!stream.busy && stream.queue.length > 0 && (first === undefined || stream.queue[0]!.seq < first.queue[0]!.seq)) first = stream;
        }
        if (first === undefined || stopped) return;
        if (first.queue[0]!.op.op === 'step') await runBatch(first);
        else await runOp(first);
      }
    } finally {
      pumping = false;
    }
  }

  /** Runs the first step of `first` with every other stream's first step that can share its run. */
  async function runBatch(first: Open): Promise<void> {
    const head = (stream: Open) => stream.queue[0]!;
    const keyOf = (stream: Open) => stepKey({ stream, feeds: (head(stream).op as { feeds: Feeds }).feeds }, inputs);
    const { key, rows } = keyOf(first);
    const batch = [first];
    const rowsOf = [rows ?? 1];
    let total = rowsOf[0]!;
    if (rows !== undefined) {
      for (const stream of streams.values()) {
        if (stream === first || stream.busy || stream.queue[0]?.op.op !== 'step') continue;
        const other = keyOf(stream);
        if (other.key !== key || total + other.rows! > maxBatchSize) continue;
        batch.push(stream);
        rowsOf.push(other.rows!);
        total += other.rows!;
      }
    }
    const taken = batch.map((stream) => {
      stream.busy = true;
      return stream.queue.shift()!;
    });
    const requests = batch.map((stream, i) => ({ stream, feeds: (taken[i]!.op as { feeds: Feeds }).feeds }));
    let outcomes: StepOutcome[];
    try {
      outcomes = await attempt(requests, rowsOf);
    } catch (error) {
      if (batch.length === 1) outcomes = [{ error: toTensorlaneError(error, 'RUN_FAILED') }];
      else {
        // One step may have made the run fail: each runs alone, and only its own fails.
        outcomes = [];
        for (const [i, request] of requests.entries()) {
          outcomes.push(await attempt([request], [rowsOf[i]!]).then((o) => o[0]!, (e: unknown) => ({ error: toTensorlaneError(e, 'RUN_FAILED') })));
        }
      }
    }
    const answers: StreamAnswer[] = [];
    batch.forEach((stream, i) => {
      stream.busy = false;
      const outcome = outcomes[i]!;
      if ('outputs' in outcome) stream.steps++;
      const { op, settle } = taken[i]!;
      if (settle) settle(outcome);
      else answers.push('outputs' in outcome ? { id: op.id, steps: stream.steps, outputs: outcome.outputs } : failure(op.id, stream.steps, outcome.error));
    });
    answer(answers);
  }

  async function attempt(requests: Parameters<typeof runSteps>[1], rows: readonly number[]): Promise<StepOutcome[]> {
    const outcomes = await exclusive(() => runSteps(context, requests, rows));
    counts.runs++;
    counts.rowsRun += rows.reduce((a, b) => a + b, 0);
    counts.steps += outcomes.filter((o) => 'outputs' in o).length;
    return outcomes;
  }

  /** Runs an operation other than a step: reset, read, close, or a listener's. */
  async function runOp(stream: Open): Promise<void> {
    const { op } = stream.queue.shift()!;
    stream.busy = true;
    let result: StreamAnswer;
    try {
      result = { id: op.id, steps: stream.steps, ...(await apply(stream, op)) };
    } catch (error) {
      result = failure(op.id, stream.steps, error);
    } finally {
      stream.busy = false;
    }
    answer([result]);
  }

  async function apply(stream: Open, op: Queued['op']): Promise<Pick<StreamAnswer, 'outputs'>> {
    switch (op.op) {
      case 'reset':
        await exclusive(async () => {
          for (const value of stream.state.values()) value.dispose();
          stream.state.clear();
          for (const [input, value] of initialState(stream.spec, op.initial)) stream.state.set(input, value);
        });
        stream.steps = 0;
        return {};
      case 'read': {
        const value = stream.state.get(op.name);
        if (value === undefined) throw new TensorlaneError('INVALID_OPTIONS', `stream ${stream.id} carries no input "${op.name}"`);
        // A copy: the answer's buffer moves to the page, and the state may be a view of a buffer streams share.
        const read = await exclusive(() => toCpu(value));
        return { outputs: { [op.name]: onGpu(value) ? read : { ...read, data: read.data.slice() as typeof read.data } } };
      }
      case 'close':
        stream.listener?.stop();
        streams.delete(stream.id);
        await exclusive(async () => {
          for (const value of stream.state.values()) value.dispose();
        });
        return {};
      case 'listen':
        stream.listener?.stop();
        stream.listener = listen(op.listen, {
          step: (feeds) => enqueueStep(stream, feeds),
          heard: (message) => !stopped && post({ tensorlane: 'heard', stream: stream.id, ...message }),
        });
        return {};
      case 'pause':
        stream.listener?.pause();
        return {};
      case 'resume':
        stream.listener?.resume();
        return {};
      case 'unlisten':
        stream.listener?.stop();
        delete stream.listener;
        return {};
      default:
        throw new TensorlaneError('INVALID_OPTIONS', `unknown stream operation "${(op as { op: string }).op}"`);
    }
  }

  function enqueueStep(stream: Open, feeds: Feeds): Promise<StepOutcome> {
    return new Promise((settle) => {
      if (stopped || streams.get(stream.id) !== stream) return settle({ error: lost(stream.id) });
      stream.queue.push({ op: { op: 'step', id: -1, stream: stream.id, feeds }, seq: seq++, settle });
      schedule(true);
    });
  }

  return {
    apply(ops) {
      for (const op of ops) {
        if (op.op === 'open') {
          streams.set(op.stream, { id: op.stream, spec: op.spec, state: initialState(op.spec), queue: [], busy: false, steps: 0 });
        } else if (op.op === 'cancel') {
          for (const stream of streams.values()) {
            const at = stream.queue.findIndex((queued) => queued.op.id === op.id && !queued.settle);
            if (at >= 0) stream.queue.splice(at, 1);
          }
        } else {
          const stream = streams.get(op.stream);
          if (stream === undefined) answer([failure(op.id, 0, lost(op.stream))]);
          else stream.queue.push({ op, seq: seq++ });
        }
      }
      schedule();
    },

    stats: () => ({ open: streams.size, ...counts }),

    stop() {
      stopped = true;
      for (const stream of streams.values()) stream.listener?.stop();
    },

    async dispose() {
      this.stop();
      const open = [...streams.values()];
      streams.clear();
      await exclusive(async () => {
        for (const stream of open) for (const value of stream.state.values()) value.dispose();
      }).catch(() => undefined);
    },
  };
}
