import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ServerResponse } from 'node:http';
import { defineConfig, type Connect, type Plugin } from 'vite';
import { modelsPlugin } from '../test/models/vite-plugin.ts';

/**
 * Emits onnxruntime-web's WASM build unbundled, at /ort/, for `pnpm bench:batching`: its proxy worker
 * (`env.wasm.proxy`) starts from the URL of ORT's own script, which a bundler renames, so the bench loads ORT as a
 * page without a bundler would.
 */
function ortDistPlugin(): Plugin {
  const dist = dirname(createRequire(import.meta.url).resolve('onnxruntime-web/wasm'));
  return {
    name: 'tensorlane-ort-dist',
    generateBundle() {
      for (const file of ['ort.wasm.min.mjs', 'ort-wasm-simd-threaded.mjs', 'ort-wasm-simd-threaded.wasm']) {
        this.emitFile({ type: 'asset', fileName: `ort/${file}`, source: readFileSync(join(dist, file)) });
      }
    },
  };
}

/**
 * Cross-origin isolation on demand: the harness at `/?isolated` is served with COOP and COEP (SharedArrayBuffer,
 * multi-threaded WASM, 5 µs timers), at `/` without. Every other response carries COEP, which a worker of an isolated
 * page needs to start (Chromium refuses a worker script without it) and which changes nothing on a page that is not.
 */
function isolationPlugin(): Plugin {
  const headers = (req: Connect.IncomingMessage, res: ServerResponse, next: () => void) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const document = url.pathname === '/' || url.pathname.endsWith('.html');
    if (!document || url.searchParams.has('isolated')) {
      res.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
      if (document) res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
    }
    next();
  };
  return {
    name: 'tensorlane-isolation',
    configureServer: (server) => void server.middlewares.use(headers),
    configurePreviewServer: (server) => void server.middlewares.use(headers),
  };
}

export default defineConfig({
  root: fileURLToPath(new URL('./harness', import.meta.url)),
  plugins: [modelsPlugin(), ortDistPlugin(), isolationPlugin()],
  build: { outDir: fileURLToPath(new URL('./.harness-dist', import.meta.url)), emptyOutDir: true, target: 'es2022' },
  worker: { format: 'es' },
  // `BASELINE=<git rev> pnpm bench` builds that revision's tensorlane beside this one (e2e/bench/baseline.ts).
  resolve: { alias: { 'tensorlane-baseline': process.env['TENSORLANE_BASELINE_DIST'] ?? 'tensorlane' } },
  preview: { host: '127.0.0.1', port: 4173, strictPort: true },
});
