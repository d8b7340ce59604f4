import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestInfo } from '@playwright/test';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { decodeSafetensors } from './safetensors.js';
import { matchTensorSnapshot } from './tensor-snapshot.js';

let dir: string;
const testInfo = (updateSnapshots: TestInfo['config']['updateSnapshots']) => {
  dir = mkdtempSync(join(tmpdir(), 'tensorlane-snapshot-unit-'));
  const at = (name: string) => join(dir, name);
  return { snapshotPath: at, outputPath: at, config: { updateSnapshots }, attachments: [] } as unknown as TestInfo;
};
afterEach(() => {
  vi.restoreAllMocks();
  rmSync(dir, { recursive: true, force: true });
});

describe('matchTensorSnapshot', () => {
  it('should store a record with an output named "data" as named tensors, not as one tensor', () => {
    const outputs = {
      data: { type: 'float32', data: Float32Array.of(0.5, -2), dims: [2] },
      mask: { type: 'bool', data: Uint8Array.of(1, 0), dims: [2] },
    };
    vi.spyOn(console, 'log').mockImplementation(() => {});
    expect(matchTensorSnapshot(outputs, 'outputs', {}, testInfo('all')).pass).toBe(true);
    const golden = decodeSafetensors(readFileSync(join(dir, 'outputs.safetensors')), 'outputs');
    expect(golden.metadata['kind']).toBe('record');
    expect(golden.tensors).toEqual(outputs);
  });

  it('should leave the golden alone in the "all" mode when its bytes are the same', () => {
    const info = testInfo('all');
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    const y = { type: 'float32', data: Float32Array.of(1, 2, 3), dims: [3] };
    matchTensorSnapshot(y, 'y', {}, info);
    const written = statSync(join(dir, 'y.safetensors')).mtimeMs;
    expect(matchTensorSnapshot(y, 'y', {}, info)).toEqual({ pass: true, message: '' });
    expect(statSync(join(dir, 'y.safetensors')).mtimeMs).toBe(written);
    expect(matchTensorSnapshot({ ...y, data: Float32Array.of(1, 2, 4) }, 'y', {}, info)).toEqual({ pass: true, message: '' });
    expect(log.mock.calls.map(([line]) => String(line).replace(dir, '<dir>'))).toEqual([
      "A tensor snapshot doesn't exist at <dir>/y.safetensors, writing actual.",
      '<dir>/y.safetensors is not the same, writing actual.',
    ]);
  });
});
