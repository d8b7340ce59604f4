import type { Plugin } from 'vite';
import { readTextDirection } from './pretrained.ts';
import { MODELS } from './zoo.ts';

/** Every model the browser tests and the demo load, by file name under /models/. */
export const SERVED_MODELS: Record<string, () => Uint8Array> = { ...MODELS, 'text-direction.onnx': readTextDirection };

/**
 * Serves the test models at /models/<name> from the dev server, and emits them into the build: they are made by
 * code (or read from an npm package) at build time, so no model file is committed or downloaded.
 */
export function modelsPlugin(): Plugin {
  return {
    name: 'tensorlane-models',
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const name = /^\/models\/([\w.-]+)$/.exec(req.url?.split('?')[0] ?? '')?.[1];
        const build = name === undefined ? undefined : SERVED_MODELS[name];
        if (build === undefined) return next();
        res.setHeader('content-type', 'application/octet-stream');
        res.end(build());
      });
    },
    generateBundle() {
      for (const [name, build] of Object.entries(SERVED_MODELS)) {
        this.emitFile({ type: 'asset', fileName: `models/${name}`, source: build() });
      }
    },
  };
}
