// tensorlane's worker for a page without a bundler. Browsers apply an import map to the page only, never to a worker,
// so the worker's bare imports ('comlink', 'onnxruntime-web') would not resolve: es-module-shims resolves them here
// from the same map as index.html's. A classic worker, so that importScripts can load the shim first.
importScripts('./node_modules/es-module-shims/dist/es-module-shims.js');
importShim.addImportMap({
  imports: {
    'tensorlane/worker': './node_modules/tensorlane/dist/worker/entry.js',
    comlink: './node_modules/comlink/dist/esm/comlink.mjs',
    'onnxruntime-web': './node_modules/onnxruntime-web/dist/ort.bundle.min.mjs',
    'onnxruntime-web/wasm': './node_modules/onnxruntime-web/dist/ort.wasm.bundle.min.mjs',
  },
});
// A failed import is thrown as the worker's error, so the page reports WORKER_CRASHED at once, not after a timeout.
importShim('tensorlane/worker').catch((error) => setTimeout(() => {
  throw error;
}));
