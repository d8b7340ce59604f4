import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';
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

export default defineConfig({
  root: fileURLToPath(new URL('./harness', import.meta.url)),
  plugins: [modelsPlugin(), ortDistPlugin()],
  build: { outDir: fileURLToPath(new URL('./.harness-dist', import.meta.url)), emptyOutDir: true, target: 'es2022' },
  worker: { format: 'es' },
  preview: { host: '127.0.0.1', port: 4173, strictPort: true },
});
