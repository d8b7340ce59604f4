// The test models of the kit's tests, written by code (test/models/zoo.ts) into a directory the model page serves.
// The config imports this in the runner and in every worker process: a file is replaced (atomically) only when its
// bytes changed, so that no worker reads one half written.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildDtypes, buildMlp } from '../../../test/models/zoo.ts';

/** One directory per checkout, the same in every process of a run. */
export const MODEL_DIR = join(tmpdir(), `tensorlane-playwright-models-${createHash('sha256').update(import.meta.url).digest('hex').slice(0, 12)}`);

function writeIfChanged(name: string, bytes: Uint8Array): void {
  const path = join(MODEL_DIR, name);
  const current = (() => {
    try {
      return readFileSync(path);
    } catch {
      return undefined;
    }
  })();
  if (current?.equals(bytes)) return;
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, bytes);
  renameSync(temporary, path);
}

mkdirSync(MODEL_DIR, { recursive: true });
writeIfChanged('mlp.onnx', buildMlp());
writeIfChanged('dtypes.onnx', buildDtypes());
