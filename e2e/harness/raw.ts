// The page's end of the hand-written worker (raw-worker.ts): a Map of pending calls by id, as one writes it by hand.

export type RawRequest =
  | { kind: 'load'; id: number; model: string; threads: number; backend: 'wasm' | 'webgpu' }
  | { kind: 'floor'; id: number; size: number; dims: number[]; runs: number }
  | { kind: 'run'; id: number; data: Float32Array; dims: number[] }
  | { kind: 'posts'; id: number; count: number; spaced: boolean }
  | { kind: 'echo'; id: number; data: Float32Array; transfer: boolean };

export interface RawReply {
  readonly id: number;
  /** `floor`: ms per run; `run`: the ms inside `session.run`. */
  readonly ms?: number;
  readonly data?: Float32Array;
}

type Without<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

export interface RawWorker {
  /** ms per `session.run` at `dims`, inputs made once in the worker, over `runs` runs. */
  floor(dims: readonly number[], runs: number): Promise<number>;
  /** One run: `data` is transferred, and the output comes back transferred. */
  run(data: Float32Array, dims: readonly number[]): Promise<Float32Array>;
  /** The same, with the ms the worker spent inside `session.run`. */
  timedRun(data: Float32Array, dims: readonly number[]): Promise<{ readonly data: Float32Array; readonly ms: number }>;
  /**
   * ms per postMessage call of `count` empty messages from the worker to this page, back to back or `spaced` (1 ms
   * apart, so that this thread sleeps between them when it has nothing else to do). They are not answered.
   */
  posts(count: number, spaced: boolean): Promise<number>;
  /** Sends `data` to the worker and back, transferred or structured-cloned. No model involved. */
  echo(data: Float32Array, transfer: boolean): Promise<Float32Array>;
  close(): void;
}

/** Starts the hand-written worker, with `model` loaded on `backend` (WASM on `threads` threads) when given. */
export async function openRawWorker(model?: string, threads = 1, backend: 'wasm' | 'webgpu' = 'wasm'): Promise<RawWorker> {
  const worker = new Worker(new URL('./raw-worker.ts', import.meta.url), { type: 'module' });
  const pending = new Map<number, (reply: RawReply) => void>();
  let nextId = 1;
  worker.onmessage = ({ data }: MessageEvent<RawReply>) => {
    pending.get(data.id)?.(data); // the messages of `posts` have no id of a call
    pending.delete(data.id);
  };
  const call = (request: Without<RawRequest, 'id'>, transfer: Transferable[] = []) =>
    new Promise<RawReply>((resolve) => {
      const id = nextId++;
      pending.set(id, resolve);
      worker.postMessage({ ...request, id }, transfer);
    });
  if (model !== undefined) await call({ kind: 'load', model: new URL(model, document.baseURI).href, threads, backend });
  const timedRun = async (data: Float32Array, dims: readonly number[]) => {
    const reply = await call({ kind: 'run', data, dims: [...dims] }, [data.buffer]);
    return { data: reply.data!, ms: reply.ms! };
  };
  return {
    floor: async (dims, runs) => (await call({ kind: 'floor', size: dims.reduce((a, b) => a * b, 1), dims: [...dims], runs })).ms!,
    run: async (data, dims) => (await timedRun(data, dims)).data,
    timedRun,
    posts: async (count, spaced) => (await call({ kind: 'posts', count, spaced })).ms!,
    echo: async (data, transfer) => (await call({ kind: 'echo', data, transfer }, transfer ? [data.buffer] : [])).data!,
    close: () => worker.terminate(),
  };
}

/**
 * Batching written by hand over the hand-written worker, the design at its leanest: one-row calls gather on the page
 * until the task ends or `batch` of them wait, travel as one buffer laid out as the batch the model runs, run as they
 * arrive (no queue, no copy in the worker), and come back as one output buffer that the page cuts into each call's
 * view. No validation, no cancel, no timeout, no recovery. What it reaches is what the design can reach here.
 */
export function handBatched(raw: RawWorker, row: readonly number[], batch = 64) {
  const rowSize = row.reduce((a, b) => a * b, 1);
  let outbox: Array<{ data: Float32Array; resolve: (out: Float32Array) => void }> = [];
  let queued = false;
  const totals = { ms: 0, rows: 0, runs: 0 };
  const send = () => {
    queued = false;
    const calls = outbox;
    outbox = [];
    if (calls.length === 0) return;
    const input = new Float32Array(calls.length * rowSize);
    calls.forEach((c, i) => input.set(c.data, i * rowSize));
    void raw.timedRun(input, [calls.length, ...row]).then(({ data, ms }) => {
      totals.ms += ms;
      totals.rows += calls.length;
      totals.runs++;
      const outRow = data.length / calls.length;
      calls.forEach((c, i) => c.resolve(data.subarray(i * outRow, (i + 1) * outRow)));
    });
  };
  return {
    run: (data: Float32Array) =>
      new Promise<Float32Array>((resolve) => {
        outbox.push({ data, resolve });
        if (outbox.length >= batch) send();
        else if (!queued) {
          queued = true;
          queueMicrotask(send);
        }
      }),
    runs: async () => ({ ...totals }),
  };
}
