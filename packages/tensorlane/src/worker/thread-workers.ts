// onnxruntime-web's WebAssembly threads are workers that its runtime starts from the worker it runs in (named
// 'em-pthread'), and the runtime waits for every one to answer before it starts, with no time limit: a thread worker
// that cannot start (its script refused by a Content-Security-Policy, not found, or without onnxruntime-web's thread
// code in it) would keep the session from ever loading. In tensorlane's worker, `watchThreadWorkers` replaces
// `Worker` to start them: from the page's origin when the worker runs from a blob: URL (blob-urls.ts), named for
// the build they run, and watched. A start that fails, or is not answered in time, fails the session's creation with
// ThreadStartFailed at once; the page then loads the model again on one thread, in a new worker (onnxruntime-web
// starts its runtime once per worker, and a runtime whose start failed cannot start again), once the `.wasm` is in:
// cut off, its download could lock its cache entry, and the next worker waited 20 s for it (Chromium 156).
import { messageOf } from '../errors.js';
import { fromPageOrigin, type WorkerPlace } from './blob-urls.js';

/**
 * How long a thread worker may take to answer onnxruntime-web's first message (sent once the `.wasm` is compiled)
 * before its start counts as failed. A healthy one answers once it has instantiated the compiled module.
 */
export const THREAD_START_TIMEOUT_MS = 10_000;

const THREAD = 'em-pthread';
const NAMED = /^em-pthread tensorlane:(.+)$/;

/**
 * The name of a thread worker of `build`: onnxruntime-web's own prefix ('em-pthread', which its thread code looks
 * for), then the build. tensorlane's worker script imports that build when a thread worker runs it: a bundler that
 * puts onnxruntime-web in the same file (as Vite's default `iife` worker format does) starts the threads from it.
 */
export function threadWorkerName(build: string): string {
  return `${THREAD} tensorlane:${build}`;
}

/**
 * Whether a worker named `name` is one of onnxruntime-web's threads, and if so the build tensorlane named it for.
 * @returns undefined for any other worker; `{}` for a thread worker tensorlane did not name.
 */
export function threadOf(name: string | undefined): { readonly build?: string } | undefined {
  if (!name?.startsWith(THREAD)) return undefined;
  const build = NAMED.exec(name)?.[1];
  return build === undefined ? {} : { build };
}

/** onnxruntime-web's WebAssembly threads could not start; the message is the session's warning once it runs on 1. */
export class ThreadStartFailed extends Error {
  override readonly name = 'ThreadStartFailed';
}

/** The parts of a worker's global scope this module reads and replaces. */
export interface ThreadScope {
  Worker: typeof Worker;
  readonly location?: WorkerPlace;
  /** Where onnxruntime-web downloads its `.wasm`: watched. */
  readonly WebAssembly?: { instantiateStreaming?: (...args: never[]) => Promise<unknown> };
}

/** The thread workers of one tensorlane worker. */
export interface ThreadWorkers {
  /**
   * Runs `start`, which starts onnxruntime-web's runtime of `build` on `threads` threads, watching the thread workers
   * it starts meanwhile.
   * @throws ThreadStartFailed as soon as one of them cannot be created, fails to load, or does not answer within
   * {@link THREAD_START_TIMEOUT_MS}, and the runtime's `.wasm` has come in (waiting that long at most); `start` is
   * then abandoned (its runtime never starts).
   */
  watch<T>(build: string, threads: number, start: () => Promise<T>): Promise<T>;
}

const CSP = /Content Security Policy/i;

/** How to fix a thread worker that could not start, from what the browser said. */
function fixFor(said: string): string {
  return CSP.test(said)
    ? "the Content-Security-Policy forbids it: allow that script in worker-src (onnxruntime-web starts its threads from its own script, or from blob: when its files come from another origin)"
    : "serve that script from the page's origin (with Cross-Origin-Embedder-Policy on a cross-origin isolated page), allowed by any Content-Security-Policy's worker-src, or pass wasmPaths: the URL where onnxruntime-web's .wasm and .mjs files are served";
}

/**
 * Replaces `scope.Worker` so that onnxruntime-web's thread workers start from the page's origin in a blob: worker,
 * are named for their build, and are watched while {@link ThreadWorkers.watch} runs. Other workers start as before.
 * @param scope - the worker's global scope.
 * @param timeoutMs - how long a thread worker may take to answer; see {@link THREAD_START_TIMEOUT_MS}.
 */
export function watchThreadWorkers(scope: ThreadScope, timeoutMs: number = THREAD_START_TIMEOUT_MS): ThreadWorkers {
  /** The build whose runtime starts threads now (or did last). */
  let build: string | undefined;
  /** Fails the watch in progress, if any, with what failed. */
  let fail: ((what: string, said: string) => void) | undefined;
  const { location } = scope;
  /** The runtime's `.wasm` downloads under way. */
  const downloads = new Set<Promise<unknown>>();
  const wasm = scope.WebAssembly;
  const instantiateStreaming = wasm?.instantiateStreaming;
  if (wasm && instantiateStreaming) {
    wasm.instantiateStreaming = function (this: unknown, ...args: never[]) {
      const compiled = Reflect.apply(instantiateStreaming, this, args) as Promise<unknown>;
      const download = compiled.then(over, over);
      downloads.add(download);
      return compiled;
      function over(): void {
        downloads.delete(download);
      }
    };
  }

  /** Once every download under way is over, or after `timeoutMs`. */
  function downloadsOver(): Promise<void> {
    if (downloads.size === 0) return Promise.resolve();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
    return Promise.race([Promise.all(downloads).then(() => undefined), late]).finally(() => clearTimeout(timer));
  }

  /** Reports the thread worker's start: its first message, or its failure to load or to answer in time. */
  function watchStart(worker: Worker, script: string): void {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let settled = false;
    const settle = () => {
      settled = true;
      clearTimeout(timer);
    };
    worker.addEventListener('message', settle, { once: true });
    worker.addEventListener('error', (event) => {
      if (settled) return;
      settle();
      // onnxruntime-web's own handler rethrows it, an uncaught error that the page would take for a crash of this worker.
      event.stopImmediatePropagation();
      event.preventDefault();
      const said = (event as { message?: string }).message || 'its script did not load';
      fail?.(`its thread worker (${script}) failed to start: ${said}`, said);
    });
    const { postMessage, terminate } = worker;
    // The clock starts with onnxruntime-web's first message, which it sends once the .wasm is compiled.
    worker.postMessage = function (this: Worker, ...args: unknown[]) {
      if (!settled && timer === undefined) {
        timer = setTimeout(() => {
          settle();
          fail?.(`its thread worker (${script}) did not answer within ${timeoutMs / 1000} s`, '');
        }, timeoutMs);
      }
      return Reflect.apply(postMessage, this, args) as void;
    } as Worker['postMessage'];
    worker.terminate = function (this: Worker) {
      settle();
      return Reflect.apply(terminate, this, []) as void;
    };
  }

  scope.Worker = new Proxy(scope.Worker, {
    construct(target, args: [string | URL, WorkerOptions?], newTarget) {
      const [url, options] = args;
      if (threadOf(options?.name) === undefined) return Reflect.construct(target, args, newTarget) as Worker;
      const script = fromPageOrigin(url, location);
      let worker: Worker;
      try {
        worker = Reflect.construct(target, [script, { ...options, ...(build === undefined ? {} : { name: threadWorkerName(build) }) }], newTarget) as Worker;
      } catch (error) {
        fail?.(`its thread worker (${String(script)}) could not be created: ${messageOf(error)}`, messageOf(error));
        throw error;
      }
      watchStart(worker, String(script));
      return worker;
    },
  });

  return {
    async watch(starting, threads, start) {
      build = starting;
      let failure!: (error: ThreadStartFailed) => void;
      const failed = new Promise<never>((_, reject) => (failure = reject));
      fail = (what, said) =>
        failure(
          new ThreadStartFailed(
            `onnxruntime-web's WebAssembly could not start its ${threads} threads, so it runs on 1: ${what}. To run on ${threads}, ${fixFor(said)}; see the README, "Threads"`,
          ),
        );
      const started = start();
      try {
        // A failed thread start first: the runtime may fail because of it in the same turn (a refused `new Worker`).
        return await Promise.race([failed, started]);
      } catch (error) {
        // Left waiting for its threads for ever, or failed because of them: either way this worker is done with it.
        if (error instanceof ThreadStartFailed) {
          started.catch(() => undefined);
          await downloadsOver();
        }
        throw error;
      } finally {
        fail = undefined;
      }
    },
  };
}
