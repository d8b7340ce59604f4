import { describe, expect, it } from 'vitest';
import { rowsOf } from './shape.js';
import { checkBatched, rowSlicer, stack, stackKey } from './stack.js';
import type { Feeds } from '../types/tensor.js';

function item(rows: number, start: number): Feeds {
  return {
    x: { type: 'float32', data: Float32Array.from({ length: rows * 2 }, (_, i) => start + i), dims: [rows, 2] },
    n: { type: 'int64', data: BigInt64Array.from({ length: rows }, (_, i) => BigInt(start + i)), dims: [rows] },
  };
}

describe('rowsOf', () => {
  it('should return dim 0 of the first input, or 1 for a scalar', () => {
    expect(rowsOf(item(3, 10))).toBe(3);
    expect(rowsOf({ s: { type: 'float32', data: new Float32Array(1), dims: [] } })).toBe(1);
  });
});

describe('stackKey', () => {
  it('should be equal for requests that differ only in dim 0', () => {
    expect(stackKey(item(1, 0))).toBe(stackKey(item(5, 3)));
  });

  it('should differ when dims beyond dim 0, dtypes or names differ', () => {
    const base = stackKey(item(1, 0));
    expect(stackKey({ ...item(1, 0), x: { type: 'float32', data: new Float32Array(3), dims: [1, 3] } })).not.toBe(base);
    expect(stackKey({ ...item(1, 0), x: { type: 'float64', data: new Float64Array(2), dims: [1, 2] } })).not.toBe(base);
    expect(stackKey({ y: item(1, 0)['x']!, n: item(1, 0)['n']! })).not.toBe(base);
  });

  it('should be undefined for a scalar input or inputs that disagree on dim 0', () => {
    expect(stackKey({ s: { type: 'float32', data: new Float32Array(1), dims: [] } })).toBeUndefined();
    expect(stackKey({ ...item(2, 0), n: item(1, 0)['n']! })).toBeUndefined();
  });
});

describe('stack, rowSlicer and checkBatched', () => {
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

  it('should cut rows out of outputs as views over one buffer per output', () => {
    const outputs = stack([item(1, 0), item(2, 100), item(1, 200)]);
    const slice = rowSlicer(outputs);
    const parts = [slice(0, 1), slice(1, 2), slice(3, 1)];
    expect(parts.map((p) => Array.from(p['x']!.data as Float32Array))).toEqual([[0, 1], [100, 101, 102, 103], [200, 201]]);
    expect(parts.map((p) => p['x']!.dims)).toEqual([[1, 2], [2, 2], [1, 2]]);
    for (const part of parts) {
      expect(part['x']!.data.buffer).toBe(outputs['x']!.data.buffer);
      expect(part['n']!.data.buffer).toBe(outputs['n']!.data.buffer);
    }
  });

  it('should fail the run when an output does not follow the batch', () => {
    const outputs: Feeds = { y: { type: 'float32', data: new Float32Array(2), dims: [1, 2] } };
    expect(() => checkBatched(outputs, 2)).toThrow(expect.objectContaining({ code: 'RUN_FAILED', message: expect.stringContaining('output "y" has dims [1,2] for a batch of 2 rows') }));
  });
});

describe('stack of items that lie one after another', () => {
  it('should return one view over their buffer, copying nothing', () => {
    const buffer = new Float32Array([0, 1, 2, 3, 4, 5]).buffer;
    const row = (i: number): Feeds => ({ x: { type: 'float32', data: new Float32Array(buffer, 8 * i, 2), dims: [1, 2] } });
    const stacked = stack([row(0), row(1), row(2)]);
    expect(stacked['x']!.data.buffer).toBe(buffer);
    expect(Array.from(stacked['x']!.data as Float32Array)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(stacked['x']!.dims).toEqual([3, 2]);
  });

  it('should copy when one item is out of place', () => {
    const buffer = new Float32Array([0, 1, 2, 3, 4, 5]).buffer;
    const row = (i: number): Feeds => ({ x: { type: 'float32', data: new Float32Array(buffer, 8 * i, 2), dims: [1, 2] } });
    const stacked = stack([row(0), row(2)]);
    expect(stacked['x']!.data.buffer).not.toBe(buffer);
    expect(Array.from(stacked['x']!.data as Float32Array)).toEqual([0, 1, 4, 5]);
  });
});
