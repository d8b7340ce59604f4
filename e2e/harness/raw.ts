// The page's end of the hand-written worker (raw-worker.ts): a Map of pending calls by id, as one writes it by hand.

export type RawRequest =
  | { kind: 'load'; id: number; model: string; threads: number; backend: 'wasm' | 'webgpu' }
  | { kind: 'floor'; id: number; size: number; dims: number[]; runs: number }
  | { kind: 'run'; id: number; data: Float32Array; dims: number[] }
  | { kind: 'echo'; id: number; data: Float32Array; transfer: boolean };

export interface RawReply {
  readonly id: number;
  readonly ms?: number;
  readonly data?: Float32Array;
}

type Without<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

export interface RawWorker {
  /** ms per `session.run` at `dims`, inputs made once in the worker, over `runs` runs. */
  floor(dims: readonly number[], runs: number): Promise<number>;
  /** One run: `data` is transferred, and the output comes back transferred. */
  run(data: Float32Array, dims: readonly number[]): Promise<Float32Array>;
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
    pending.get(data.id)!(data);
    pending.delete(data.id);
  };
  const call = (request: Without<RawRequest, 'id'>, transfer: Transferable[] = []) =>
    new Promise<RawReply>((resolve) => {
      const id = nextId++;
      pending.set(id, resolve);
      worker.postMessage({ ...request, id }, transfer);
    });
  if (model !== undefined) await call({ kind: 'load', model: new URL(model, document.baseURI).href, threads, backend });
  return {
    floor: async (dims, runs) => (await call({ kind: 'floor', size: dims.reduce((a, b) => a * b, 1), dims: [...dims], runs })).ms!,
    run: async (data, dims) => (await call({ kind: 'run', data, dims: [...dims] }, [data.buffer])).data!,
    echo: async (data, transfer) => (await call({ kind: 'echo', data, transfer }, transfer ? [data.buffer] : [])).data!,
    close: () => worker.terminate(),
  };
}
