// The demo app (demo/): `pnpm demo` serves it, `pnpm demo:build` builds it into demo/dist.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { modelsPlugin } from './test/models/vite-plugin.ts';

export default defineConfig({
  root: fileURLToPath(new URL('./demo', import.meta.url)),
  plugins: [modelsPlugin()],
  build: { target: 'es2022', emptyOutDir: true },
  worker: { format: 'es' },
  server: { host: '127.0.0.1', port: 5173 },
  preview: { host: '127.0.0.1', port: 4174, strictPort: true },
});
