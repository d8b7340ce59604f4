import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { modelsPlugin } from '../test/models/vite-plugin.ts';

export default defineConfig({
  root: fileURLToPath(new URL('./harness', import.meta.url)),
  plugins: [modelsPlugin()],
  build: { outDir: fileURLToPath(new URL('./.harness-dist', import.meta.url)), emptyOutDir: true, target: 'es2022' },
  worker: { format: 'es' },
  preview: { host: '127.0.0.1', port: 4173, strictPort: true },
});
