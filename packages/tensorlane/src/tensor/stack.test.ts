import { describe, expect, it } from 'vitest';
import type { Feeds } from '../protocol.js';
import { chunkByRows, rowsOf, stack, unstack } from './stack.js';

function item(rows: number, start: number): Feeds {
  return {
    x: { type: 'float32', data: Float32Array.from({ length: rows * 2 }, (_, i) => start + i), dims: [rows, 2] },
    n: { type: 'int64', data: BigInt64Array.from({ length: rows }, (_, i) => BigInt(start + i)), dims: [rows] },
  };
}

describe('chunkByRows', () => {
  it('should fill chunks up to batchSize rows, in order', () => {
    expect(chunkByRows([1, 1, 1, 1, 1], 2)).toEqual([[0, 2], [2, 4], [4, 5]]);
    expect(chunkByRows([2, 3, 1], 4)).toEqual([[0, 1], [1, 3]]);
  });

  it('should give an item larger than batchSize a chunk of its own', () => {
    expect(chunkByRows([1, 10, 1], 4)).toEqual([[0, 1], [1, 2], [2, 3]]);
  });
});

describe('rowsOf', () => {
  it('should return each item\'s dim 0', () => {
    expect(rowsOf([item(1, 0), item(3, 10)])).toEqual([1, 3]);
  });

  it('should reject items that differ beyond dim 0', () => {
    const odd: Feeds = { ...item(1, 0), x: { type: 'float32', data: new Float32Array(3), dims: [1, 3] } };
    expect(() => rowsOf([item(1, 0), odd])).toThrow(
      expect.objectContaining({ code: 'INVALID_INPUT', message: 'item 1: input "x" has dims [1,3] but item 0 has [1,2]; items must match beyond dim 0' }),
    );
  });

  it('should reject an item whose inputs disagree on rows', () => {
    const odd: Feeds = { ...item(2, 0), n: item(1, 0)['n']! };
    expect(() => rowsOf([odd])).toThrow(
      expect.objectContaining({ code: 'INVALID_INPUT', message: 'item 0: input "n" has 1 rows but input "x" has 2; each item needs one row count' }),
    );
  });
});

describe('stack and unstack', () => {
  it('should stack along dim 0, keeping the array class', () => {
    const stacked = stack([item(1, 0), item(2, 100)]);
    expect(stacked['x']!.dims).toEqual([3, 2]);
    expect(Array.from(stacked['x']!.data as Float32Array)).toEqual([0, 1, 100, 101, 102, 103]);
    expect(stacked['n']!.data).toEqual(BigInt64Array.of(0n, 100n, 101n));
  });

  it('should pass a single item through without copying', () => {
    const one = item(2, 0);
    expect(stack([one])).toBe(one);
  });

  it('should split outputs into views over one buffer per output', () => {
    const outputs = stack([item(1, 0), item(2, 100), item(1, 200)]);
    const parts = unstack(outputs, [1, 2, 1]);
    expect(parts.map((p) => Array.from(p['x']!.data as Float32Array))).toEqual([[0, 1], [100, 101, 102, 103], [200, 201]]);
    expect(parts.map((p) => p['x']!.dims)).toEqual([[1, 2], [2, 2], [1, 2]]);
    for (const part of parts) {
      expect(part['x']!.data.buffer).toBe(outputs['x']!.data.buffer);
      expect(part['n']!.data.buffer).toBe(outputs['n']!.data.buffer);
    }
  });

  it('should fail the run when an output does not follow the batch', () => {
    const outputs: Feeds = { y: { type: 'float32', data: new Float32Array(2), dims: [1, 2] } };
    expect(() => unstack(outputs, [1, 1])).toThrow(expect.objectContaining({ code: 'RUN_FAILED', message: expect.stringContaining('output "y" has dims [1,2] for a batch of 2 rows') }));
  });
});
