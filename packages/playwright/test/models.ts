// The test models of the kit's tests, written by code (test/models/zoo.ts) into a directory the model page serves.
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildDtypes, buildMlp } from '../../../test/models/zoo.ts';

/** The same path in every process of a run; the files are deterministic, so rewriting them is harmless. */
export const MODEL_DIR = join(tmpdir(), 'tensorlane-playwright-models');

mkdirSync(MODEL_DIR, { recursive: true });
writeFileSync(join(MODEL_DIR, 'mlp.onnx'), buildMlp());
writeFileSync(join(MODEL_DIR, 'dtypes.onnx'), buildDtypes());
