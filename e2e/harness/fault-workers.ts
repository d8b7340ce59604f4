// Workers with test hooks (fault-worker.ts), for the fault tests, the chaos test and the recovery and chaos benches: a
// `worker` factory, and the faults the page can inject into the worker it started last.

/** The faults fault-worker.ts injects when the page posts `{ fault }`. */
export type Fault = 'destroy-device' | 'throw' | 'reject' | 'wedge';

/** When in the next run a device loss strikes (see fault-worker.ts); at once when not given. */
export type LossPoint = 'submit' | 'kernels' | 'read-back';

/** How a fault strikes: a device loss `at` a point of the next run; a wedge for `ms` milliseconds. */
export interface FaultOptions {
  readonly at?: LossPoint;
  readonly ms?: number;
}

/** A `worker` factory whose workers have test hooks, and what a test does with them. */
export interface FaultWorkers {
  (): Worker;
  /** Injects `fault` into the worker this factory started last. */
  inject(fault: Fault, options?: FaultOptions): void;
  /**
   * Calls `listener` when one of this factory's workers crashes, as the page learns it (an `error` event, or a
   * worker-crashed `Fault` message), before the session hears of it: listeners registered here run first.
   */
  onCrash(listener: () => void): void;
}

/** Every worker faultWorkers() started, the last one current: injectFault() posts to it. */
const started: Worker[] = [];

const post = (worker: Worker, fault: Fault, { at, ms }: FaultOptions) =>
  worker.postMessage({ fault, ...(at ? { at } : {}), ...(ms === undefined ? {} : { ms }) });

/**
 * A `worker` factory of workers with test hooks (see fault-worker.ts): the n-th worker gets the n-th name (the
 * last one from then on), e.g. `['', 'no-adapter']`: the first normal, every later one without a GPU adapter.
 */
export function faultWorkers(names: readonly string[] = ['']): FaultWorkers {
  const mine: Worker[] = [];
  const crashListeners: Array<() => void> = [];
  const crashed = () => crashListeners.forEach((listener) => listener());
  const factory = () => {
    const name = names[Math.min(mine.length, names.length - 1)]!;
    const worker = new Worker(new URL('./fault-worker.ts', import.meta.url), { type: 'module', name });
    worker.addEventListener('error', crashed);
    worker.addEventListener('message', ({ data }: MessageEvent) => {
      const { tensorlane, cause } = (data ?? {}) as { tensorlane?: unknown; cause?: unknown };
      if (tensorlane === 'fault' && cause === 'worker-crashed') crashed();
    });
    started.push(worker);
    mine.push(worker);
    return worker;
  };
  return Object.assign(factory, {
    inject: (fault: Fault, options: FaultOptions = {}) => post(mine.at(-1)!, fault, options),
    onCrash: (listener: () => void) => void crashListeners.push(listener),
  });
}

/** Injects `fault` into the worker faultWorkers() started last, of any factory. */
export function injectFault(fault: Fault, options: FaultOptions = {}): void {
  post(started.at(-1)!, fault, options);
}

/** How many workers faultWorkers() has started (since the page loaded). */
export const faultWorkerCount = (): number => started.length;

/** The frames the worker faultWorkers() started last has received from the page, those still open, and those it closed. */
export function frameCounts(): Promise<{ seen: number; open: number; closed: number }> {
  const worker = started.at(-1)!;
  return new Promise((resolve) => {
    const onMessage = ({ data }: MessageEvent) => {
      if (data?.frames === undefined || data.frames === 'count') return;
      worker.removeEventListener('message', onMessage);
      resolve(data.frames);
    };
    worker.addEventListener('message', onMessage);
    worker.postMessage({ frames: 'count' });
  });
}
