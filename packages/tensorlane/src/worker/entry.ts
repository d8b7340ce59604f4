// The worker script: exposes the host to the page. Import it (`import 'tensorlane/worker'`) from your own worker
// module when you build the worker yourself and pass it as `createSession({ worker })`.
import type { Endpoint } from 'comlink';
import type { Engine } from '../types/backends.js';
import { BACKEND_TABLE, browserEnv } from './backend-table.js';
import { resolveRootRelativeFetches, type FetchScope } from './blob-urls.js';
import { serve } from './host.js';
import { threadOf, watchThreadWorkers, type ThreadScope } from './thread-workers.js';

// Outside a worker (imported in Node, during SSR, or on the page by mistake) this module does nothing.
const inWorker = typeof (globalThis as { WorkerGlobalScope?: unknown }).WorkerGlobalScope !== 'undefined';
if (inWorker) {
  const scope = globalThis as unknown as FetchScope & ThreadScope & { name?: string };
  const thread = threadOf(scope.name);
  if (thread === undefined) {
    // Started from a blob: URL (Turbopack in Next.js 15), onnxruntime-web's root-relative file URLs resolve nowhere.
    resolveRootRelativeFetches(scope);
    serve(scope as unknown as Endpoint, { ...browserEnv, threadWorkers: watchThreadWorkers(scope) });
  } else if (thread.build !== undefined && Object.hasOwn(BACKEND_TABLE, thread.build)) {
    // One of onnxruntime-web's threads, started from this very file: the bundler put onnxruntime-web in it (Vite's
    // default `iife` workers). Importing the build runs its thread code, which answers the runtime; the threads
    // must not answer the page's messages (that would hang multi-threaded WASM).
    void BACKEND_TABLE[thread.build as Engine].importOrt();
  }
}
