import { describe, expect, it } from 'vitest';
import { ThreadStartFailed, threadOf, threadWorkerName, watchThreadWorkers, type ThreadScope } from './thread-workers.js';

/** A Worker stand-in that records how it was started and what was posted to it. */
class FakeWorker extends EventTarget {
  static started: FakeWorker[] = [];
  static refuse: string | undefined;
  readonly posted: unknown[] = [];
  terminated = false;
  constructor(readonly url: string | URL, readonly options?: WorkerOptions) {
    super();
    if (FakeWorker.refuse !== undefined) throw new DOMException(FakeWorker.refuse, 'SecurityError');
    FakeWorker.started.push(this);
  }
  postMessage(message: unknown): void {
    this.posted.push(message);
  }
  terminate(): void {
    this.terminated = true;
  }
  /** The thread answers onnxruntime-web's first message. */
  answer(): void {
    this.dispatchEvent(new MessageEvent('message', { data: { cmd: 'loaded' } }));
  }
  /** The thread's script fails to load, as the browser reports it. */
  fail(message?: string): void {
    this.dispatchEvent(Object.assign(new Event('error', { cancelable: true }), message === undefined ? {} : { message }));
  }
}

/** A worker scope at `href` whose Worker is {@link FakeWorker}. */
function scopeAt(href: string): ThreadScope {
  FakeWorker.started = [];
  FakeWorker.refuse = undefined;
  const { protocol } = new URL(href);
  const origin = protocol === 'blob:' ? new URL(href.slice('blob:'.length)).origin : new URL(href).origin;
  return { Worker: FakeWorker as unknown as typeof Worker, location: { href, protocol, origin } };
}

/** What onnxruntime-web does when its runtime starts: `threads - 1` thread workers from its script, each sent 'load'. */
function startRuntime(scope: ThreadScope, threads: number, script: string | URL = 'http://127.0.0.1:3000/assets/ort.mjs'): FakeWorker[] {
  const workers: FakeWorker[] = [];
  for (let i = 1; i < threads; i++) {
    const worker = new scope.Worker(script, { type: 'module', name: 'em-pthread' }) as unknown as FakeWorker;
    worker.postMessage({ cmd: 'load' });
    workers.push(worker);
  }
  return workers;
}

const WARNING = /^onnxruntime-web's WebAssembly could not start its 3 threads, so it runs on 1: /;

describe('threadOf and threadWorkerName', () => {
  it('should tell the thread workers tensorlane named for their build from onnxruntime-web\'s own and from other workers', () => {
    expect(threadWorkerName('wasm')).toBe('em-pthread tensorlane:wasm');
    expect(threadOf(threadWorkerName('jsep'))).toEqual({ build: 'jsep' });
    expect(threadOf('em-pthread')).toEqual({});
    expect(threadOf('tensorlane')).toBeUndefined();
    expect(threadOf(undefined)).toBeUndefined();
  });
});

describe('watchThreadWorkers', () => {
  it('should resolve with the runtime once its threads answer, naming them for the build, and leave other workers alone', async () => {
    const scope = scopeAt('http://127.0.0.1:3000/assets/entry.js');
    const threads = watchThreadWorkers(scope);
    const other = new scope.Worker('/other.js', { name: 'mine' }) as unknown as FakeWorker;
    const session = await threads.watch('wasm', 3, async () => {
      const workers = startRuntime(scope, 3);
      for (const worker of workers) worker.answer();
      return 'session';
    });
    expect(session).toBe('session');
    expect(other.options).toEqual({ name: 'mine' });
    expect(FakeWorker.started.slice(1).map((w) => [String(w.url), w.options?.name])).toEqual([
      ['http://127.0.0.1:3000/assets/ort.mjs', 'em-pthread tensorlane:wasm'],
      ['http://127.0.0.1:3000/assets/ort.mjs', 'em-pthread tensorlane:wasm'],
    ]);
  });

  it('should start a root-relative thread script from the page origin in a worker that runs from a blob: URL', async () => {
    const scope = scopeAt('blob:http://127.0.0.1:3000/5f0c9d2e-7d51-4d3a-9a64-1f1e2d3c4b5a');
    const threads = watchThreadWorkers(scope);
    await threads.watch('jsep', 2, async () => {
      for (const worker of startRuntime(scope, 2, '/_next/static/media/ort.bundle.min.fa98adb3.mjs')) worker.answer();
    });
    expect(String(FakeWorker.started[0]!.url)).toBe('http://127.0.0.1:3000/_next/static/media/ort.bundle.min.fa98adb3.mjs');
  });

  it('should reject with ThreadStartFailed at once when a thread script fails to load, though the runtime never settles', async () => {
    const scope = scopeAt('http://127.0.0.1:3000/assets/entry.js');
    const threads = watchThreadWorkers(scope);
    const watched = threads.watch('wasm', 3, () => {
      const [first] = startRuntime(scope, 3);
      first!.fail();
      return new Promise<never>(() => undefined);
    });
    await expect(watched).rejects.toThrow(ThreadStartFailed);
    await expect(watched).rejects.toThrow(WARNING);
    await expect(watched).rejects.toThrow(
      /its thread worker \(http:\/\/127\.0\.0\.1:3000\/assets\/ort\.mjs\) failed to start: its script did not load\. To run on 3, serve that script from the page's origin/,
    );
  });

  it("should reject with ThreadStartFailed once the runtime's .wasm has come in, not while it downloads", async () => {
    let arrive!: () => void;
    const streaming = new Promise<void>((resolve) => (arrive = resolve));
    const scope = { ...scopeAt('http://127.0.0.1:3000/assets/entry.js'), WebAssembly: { instantiateStreaming: () => streaming } };
    const threads = watchThreadWorkers(scope);
    let rejected = false;
    const watched = threads.watch('wasm', 3, () => {
      void scope.WebAssembly.instantiateStreaming();
      startRuntime(scope, 3)[0]!.fail();
      return new Promise<never>(() => undefined);
    });
    watched.catch(() => (rejected = true));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(rejected).toBe(false);
    arrive();
    await expect(watched).rejects.toThrow(ThreadStartFailed);
  });

  it('should wait for a .wasm download no longer than a thread may take to answer', async () => {
    const scope = { ...scopeAt('http://127.0.0.1:3000/assets/entry.js'), WebAssembly: { instantiateStreaming: () => new Promise<never>(() => undefined) } };
    const threads = watchThreadWorkers(scope, 50);
    const watched = threads.watch('wasm', 3, () => {
      void scope.WebAssembly.instantiateStreaming();
      startRuntime(scope, 3)[0]!.fail();
      return new Promise<never>(() => undefined);
    });
    await expect(watched).rejects.toThrow(/failed to start: its script did not load/);
  });

  it('should reject with ThreadStartFailed naming worker-src when a Content-Security-Policy refuses the thread worker', async () => {
    const scope = scopeAt('http://127.0.0.1:3000/assets/entry.js');
    const threads = watchThreadWorkers(scope);
    const refused = "Refused to create a worker from 'http://127.0.0.1:3000/assets/ort.mjs' because it violates the following Content Security Policy directive: \"worker-src 'none'\"";
    const watched = threads.watch('wasm', 3, async () => {
      FakeWorker.refuse = refused;
      startRuntime(scope, 3);
    });
    await expect(watched).rejects.toThrow(WARNING);
    await expect(watched).rejects.toThrow(/could not be created: .*Content Security Policy.*To run on 3, the Content-Security-Policy forbids it: allow that script in worker-src/);
  });

  it('should reject with ThreadStartFailed when a thread does not answer in time, the clock starting at its first message', async () => {
    const scope = scopeAt('http://127.0.0.1:3000/assets/entry.js');
    const threads = watchThreadWorkers(scope, 50);
    const watched = threads.watch('wasm', 3, () => {
      const [first] = startRuntime(scope, 3);
      first!.answer();
      return new Promise<never>(() => undefined);
    });
    await expect(watched).rejects.toThrow(/its thread worker \(\S+\) did not answer within 0\.05 s/);
  });

  it('should not fail a later session for a thread of an earlier one', async () => {
    const scope = scopeAt('http://127.0.0.1:3000/assets/entry.js');
    const threads = watchThreadWorkers(scope, 50);
    let workers: FakeWorker[] = [];
    await threads.watch('wasm', 2, async () => {
      workers = startRuntime(scope, 2);
      for (const worker of workers) worker.answer();
    });
    // A thread that onnxruntime-web starts later (a pool that grows) is watched, but no watch is in progress.
    const late = startRuntime(scope, 2)[0]!;
    late.fail('gone');
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(await threads.watch('wasm', 2, async () => 'served')).toBe('served');
  });
});
