// The worker script: exposes the host to the page. Import it (`import 'tensorlane/worker'`) from your own worker
// module when you build the worker yourself and pass it as `createSession({ worker })`.
import type { Endpoint } from 'comlink';
import { resolveRootRelativeFetches, type FetchScope } from './blob-urls.js';
import { serve } from './host.js';

// Outside a worker (imported in Node, during SSR, or on the page by mistake) this module does nothing.
const inWorker = typeof (globalThis as { WorkerGlobalScope?: unknown }).WorkerGlobalScope !== 'undefined';
// In a bundled app onnxruntime-web may start its WASM threads from this very file, named 'em-pthread'; those
// threads must not answer the page's messages (they would hang multi-threaded WASM).
if (inWorker) {
  // Started from a blob: URL (Turbopack in Next.js 15), onnxruntime-web's root-relative file URLs resolve nowhere.
  resolveRootRelativeFetches(globalThis as FetchScope);
  if ((globalThis as { name?: string }).name !== 'em-pthread') serve(globalThis as unknown as Endpoint);
}
