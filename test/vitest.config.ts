import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  root: fileURLToPath(new URL('..', import.meta.url)),
  resolve: {
    // The worker imports onnxruntime-web/wasm, whose browser bundle cannot load in Node; onnxruntime-web's own
    // Node build runs the same WASM backend.
    alias: { 'onnxruntime-web/wasm': 'onnxruntime-web' },
  },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'test/**/*.test.ts', 'demo/**/*.test.ts'],
    // tensorlane's type tests; @tensorlane/playwright's (Node types, another tsconfig) run in `tsc -p packages/playwright`.
    typecheck: { enabled: true, include: ['packages/tensorlane/src/**/*.test-d.ts'], tsconfig: 'packages/tensorlane/tsconfig.json' },
    testTimeout: 30_000,
    // Every core: vitest's default leaves one free, which on a 2-core machine runs the files one at a time (54 s here
    // against 39 s on both).
    maxWorkers: availableParallelism(),
  },
});
