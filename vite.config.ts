// The demo app (demo/): `pnpm demo` serves it, `pnpm demo:build` builds it into demo/dist, a static site with
// relative URLs that works from any sub-path. The dev and preview servers send the cross-origin isolation headers
// (the same as demo/public/_headers) that multi-threaded WASM needs.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { demoFilesPlugin } from './demo/vite-plugin.ts';

const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  root: fileURLToPath(new URL('./demo', import.meta.url)),
  base: './',
  plugins: [demoFilesPlugin()],
  build: { target: 'es2022', emptyOutDir: true },
  worker: { format: 'es' },
  // tensorlane's worker imports these builds, which Vite's scan of the page does not reach: found on the first load
  // instead, they were bundled again, the page reloaded and a worker's import in flight failed.
  optimizeDeps: { include: ['onnxruntime-web', 'onnxruntime-web/wasm', 'onnxruntime-web/webgpu', 'onnxruntime-web/jspi'] },
  server: { host: '127.0.0.1', port: 5173, headers: ISOLATION_HEADERS },
  preview: { host: '127.0.0.1', port: 4174, strictPort: true, headers: ISOLATION_HEADERS },
});
