// A tensorlane worker whose WebAssembly threads cannot start, how named by the worker's name: `threadless:missing`
// starts onnxruntime-web's thread workers from a script that is not there (a bundler that moved the files), and
// `threadless:silent` from one that loads and never answers (a thread script without onnxruntime-web's thread code,
// as a Vite `iife` worker build made it). Every other worker starts as it would.
const how = (globalThis as { name?: string }).name?.replace(/^threadless:/, '');
const silent = URL.createObjectURL(new Blob(['// not a thread of onnxruntime-web'], { type: 'text/javascript' }));
const script = how === 'missing' ? new URL('/moved-by-a-bundler/ort-thread.mjs', location.href).href : silent;
globalThis.Worker = new Proxy(Worker, {
  construct(target, [url, options]: [string | URL, WorkerOptions?], newTarget) {
    const thread = options?.name?.startsWith('em-pthread') === true;
    return Reflect.construct(target, [thread ? script : url, options], newTarget) as Worker;
  },
});
await import('tensorlane/worker');
export {};
