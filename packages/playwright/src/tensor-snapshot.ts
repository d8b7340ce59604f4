// Golden tensors beside the test: written when missing or when Playwright is told to update snapshots, otherwise
// compared with tolerances. Follows Playwright's updateSnapshots modes, as toMatchSnapshot does.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, relative } from 'node:path';
import type { TestInfo } from '@playwright/test';
import { compareTensors, type Tolerance } from './compare.js';
import { describeComparison } from './describe-comparison.js';
import { arrayHolds, dtypeOfArray, decodeSafetensors, encodeSafetensors, isStorableDType, type StoredTensor } from './safetensors.js';
import { halfBits, isTensor, tagOf } from './tensor-like.js';

/** What a snapshot holds: one tensor (stored under the name `tensor`), or named tensors such as a run's outputs. */
interface Received {
  readonly kind: 'tensor' | 'record';
  readonly tensors: Record<string, StoredTensor>;
}

const isView = (value: unknown): value is ArrayBufferView & { length: number } => ArrayBuffer.isView(value) && !(value instanceof DataView);

function storedTensor(value: unknown, label: string): StoredTensor {
  if (isView(value)) {
    const type = dtypeOfArray(tagOf(value));
    if (type === undefined) throw new TypeError(`${label} is a ${tagOf(value)}, which has no dtype to store; pass a tensor { type, data, dims }`);
    return { type, data: value as StoredTensor['data'], dims: [value.length] };
  }
  const { type, data, dims } = (value ?? {}) as { type?: unknown; data?: unknown; dims?: unknown };
  if (!isStorableDType(type) || !isView(data) || !Array.isArray(dims)) {
    throw new TypeError(`${label} is not a tensor with typed data ({ type, data: TypedArray, dims }); a snapshot stores dtype, dims and bytes`);
  }
  // A Float16Array is stored as its raw bits.
  const bits = type === 'float16' ? halfBits(data) : data;
  if (!arrayHolds(type, tagOf(bits))) throw new TypeError(`${label} has dtype ${type} but its data is a ${tagOf(data)}`);
  return { type, data: bits as StoredTensor['data'], dims: dims as number[] };
}

function receivedTensors(received: unknown): Received {
  const isRecord = typeof received === 'object' && received !== null && !isView(received) && !isTensor(received);
  if (!isRecord) return { kind: 'tensor', tensors: { tensor: storedTensor(received, 'received') } };
  const tensors: Record<string, StoredTensor> = {};
  for (const [name, value] of Object.entries(received)) tensors[name] = storedTensor(value, `received["${name}"]`);
  return { kind: 'record', tensors };
}

/** Why `received` does not match `golden`, or undefined when it does. */
function difference(received: Received, golden: Readonly<Record<string, StoredTensor>>, goldenKind: string | undefined, tolerance: Tolerance): string | undefined {
  const names = Object.keys(received.tensors).sort();
  const stored = Object.keys(golden).sort();
  if (goldenKind !== undefined && goldenKind !== received.kind) {
    return `the golden holds ${goldenKind === 'record' ? `named tensors [${stored.join(', ')}]` : 'one tensor'}, received ${received.kind === 'record' ? `named tensors [${names.join(', ')}]` : 'one tensor'}`;
  }
  if (names.join('\0') !== stored.join('\0')) return `tensor names differ: received [${names.join(', ')}], golden [${stored.join(', ')}]`;
  const problems: string[] = [];
  for (const name of names) {
    const comparison = compareTensors(received.tensors[name], golden[name], tolerance);
    if (comparison.pass) continue;
    const text = describeComparison(comparison, false);
    problems.push(received.kind === 'record' ? `tensor "${name}": ${text}` : text);
  }
  return problems.length > 0 ? problems.join('\n') : undefined;
}

/** A path as messages show it: relative to the current directory when under it. */
function shownPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel.startsWith('..') || isAbsolute(rel) ? path : rel;
}

function write(path: string, bytes: Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, bytes);
}

/** What the matcher concluded, with the message Playwright prints on failure. */
export interface SnapshotOutcome {
  readonly pass: boolean;
  readonly message: string;
}

/**
 * Compares `received` with the golden file `name.safetensors` of the current test (at `testInfo.snapshotPath`,
 * so `snapshotPathTemplate` applies), writing it as Playwright's `updateSnapshots` says: when missing (the run
 * fails in the `'default'` mode, so that a golden first written in CI never passes unseen), when it does not match
 * (`'changed'`, as `--update-snapshots` sets), always (`'all'`), never (`'none'`).
 */
export function matchTensorSnapshot(received: unknown, name: string, tolerance: Tolerance, testInfo: TestInfo): SnapshotOutcome {
  if (typeof name !== 'string' || !/^[\w.-]+$/.test(name)) {
    throw new TypeError(`snapshot name ${JSON.stringify(name)} is not a file name; use letters, digits, '.', '_' and '-'`);
  }
  const actual = receivedTensors(received);
  const bytes = encodeSafetensors(actual.tensors, { format: 'tensorlane-snapshot', kind: actual.kind });
  const path = testInfo.snapshotPath(`${name}.safetensors`);
  const shown = shownPath(path);
  const mode = testInfo.config.updateSnapshots;
  if (!existsSync(path)) {
    if (mode === 'none') return { pass: false, message: `A tensor snapshot doesn't exist at ${shown} (updateSnapshots is 'none'): run with --update-snapshots to write it` };
    write(path, bytes);
    const message = `A tensor snapshot doesn't exist at ${shown}, writing actual.`;
    if (mode === 'default') return { pass: false, message: `${message} Review and commit it; this run fails so that a golden written unseen never passes.` };
    console.log(message);
    return { pass: true, message };
  }
  const before = readFileSync(path);
  if (mode === 'all') {
    if (!before.equals(bytes)) {
      write(path, bytes);
      console.log(`${shown} is not the same, writing actual.`);
    }
    return { pass: true, message: '' };
  }
  const golden = decodeSafetensors(before, shown);
  const problem = difference(actual, golden.tensors, golden.metadata['kind'], tolerance);
  if (problem === undefined) return { pass: true, message: '' };
  if (mode === 'changed') {
    write(path, bytes);
    console.log(`${shown} does not match, writing actual.`);
    return { pass: true, message: '' };
  }
  const actualPath = testInfo.outputPath(`${name}-actual.safetensors`);
  write(actualPath, bytes);
  testInfo.attachments.push({ name: `${name}-actual.safetensors`, contentType: 'application/octet-stream', path: actualPath });
  return {
    pass: false,
    message: [
      `tensor snapshot "${name}" differs from its golden ${shown}:`,
      problem,
      `the received tensors are in ${shownPath(actualPath)}; if the change is intended, run with --update-snapshots and commit the golden`,
    ].join('\n'),
  };
}
