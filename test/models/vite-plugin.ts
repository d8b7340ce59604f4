import { extname } from 'node:path';
import type { Plugin } from 'vite';
import { readFileSync } from 'node:fs';
import { MIME_TYPES } from '../../packages/playwright/src/mime-types.ts';
import { readTextDirection } from './pretrained.ts';
import { buildDecoder, buildRecurrent } from './stateful.ts';
import { MODELS } from './zoo.ts';
import { SPEECH_WAV, readSilero } from '../vad.ts';

/** Every model (and the speech file) the browser tests load, by file name under /models/. */
export const SERVED_MODELS: Record<string, () => Uint8Array> = {
  ...MODELS,
  'text-direction.onnx': readTextDirection,
  'decoder.onnx': buildDecoder,
  'recurrent-small.onnx': () => buildRecurrent(256),
  'recurrent-large.onnx': () => buildRecurrent(256 * 1024),
  'silero_vad_v5.onnx': readSilero,
  'speech.wav': () => readFileSync(SPEECH_WAV),
};

/**
 * Serves `files` (path under the site root, e.g. `models/mlp.onnx` → bytes) from the dev server, and emits them
 * into the build: they are made by code or read from an npm package at build time, so none is committed or
 * downloaded.
 */
export function servedFilesPlugin(name: string, files: Readonly<Record<string, () => Uint8Array>>): Plugin {
  return {
    name,
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const path = decodeURIComponent(req.url?.split('?')[0] ?? '').replace(/^\//, '');
        const build = Object.hasOwn(files, path) ? files[path] : undefined;
        if (build === undefined) return next();
        res.setHeader('content-type', MIME_TYPES[extname(path)] ?? 'application/octet-stream');
        res.end(build());
      });
    },
    generateBundle() {
      for (const [fileName, build] of Object.entries(files)) this.emitFile({ type: 'asset', fileName, source: build() });
    },
  };
}

/** The test models at /models/<name>. */
export function modelsPlugin(): Plugin {
  return servedFilesPlugin(
    'tensorlane-models',
    Object.fromEntries(Object.entries(SERVED_MODELS).map(([name, build]) => [`models/${name}`, build])),
  );
}
