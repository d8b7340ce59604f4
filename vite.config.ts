// The demo app (demo/): `pnpm demo` serves it, `pnpm demo:build` builds it into demo/dist.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { modelsPlugin } from './test/models/vite-plugin.ts';

/**
 * Cross-origin isolation, so that WASM runs multi-threaded (`session.threads`): every file the demo serves is its
 * own, so `require-corp` costs nothing here and, unlike `credentialless`, Safari honours it too.
 */
const ISOLATION = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

export default defineConfig({
  root: fileURLToPath(new URL('./demo', import.meta.url)),
  plugins: [modelsPlugin()],
  build: { target: 'es2022', emptyOutDir: true },
  worker: { format: 'es' },
  server: { host: '127.0.0.1', port: 5173, headers: ISOLATION },
  preview: { host: '127.0.0.1', port: 4174, strictPort: true, headers: ISOLATION },
});
