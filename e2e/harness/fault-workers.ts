// Workers with test hooks (fault-worker.ts), for the fault tests and the recovery bench: a `worker` factory, and the
// faults the page can inject into the worker it started last.

/** The faults fault-worker.ts injects when the page posts `{ fault }`. */
export type Fault = 'destroy-device' | 'throw' | 'reject';

/** Every worker faultWorkers() started, the last one current: injectFault() posts to it. */
const started: Worker[] = [];

/**
 * A `worker` factory of workers with test hooks (see fault-worker.ts): the n-th worker gets the n-th name (the
 * last one from then on), e.g. `['', 'no-adapter']`: the first normal, every later one without a GPU adapter.
 */
export function faultWorkers(names: readonly string[] = ['']): () => Worker {
  let count = 0;
  return () => {
    const name = names[Math.min(count++, names.length - 1)]!;
    const worker = new Worker(new URL('./fault-worker.ts', import.meta.url), { type: 'module', name });
    started.push(worker);
    return worker;
  };
}

/** When in the next run a device loss strikes (see fault-worker.ts); at once when not given. */
export type LossPoint = 'submit' | 'kernels' | 'read-back';

/** Injects `fault` into the worker faultWorkers() started last; a device loss `at` a point of the next run. */
export function injectFault(fault: Fault, at?: LossPoint): void {
  started.at(-1)!.postMessage({ fault, ...(at ? { at } : {}) });
}

/** How many workers faultWorkers() has started (since the page loaded). */
export const faultWorkerCount = (): number => started.length;
