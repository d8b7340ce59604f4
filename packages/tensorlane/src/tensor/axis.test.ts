import { describe, expect, it } from 'vitest';
import { concatAlong, splitAlong } from './axis.js';
import type { Tensor } from '../types/tensor.js';

const tensor = (values: number[], dims: number[]): Tensor<'float32'> => ({ type: 'float32', data: Float32Array.from(values), dims });

describe('concatAlong and splitAlong', () => {
  it('should stack along a middle axis and cut the stack back into the parts', () => {
    // Silero VAD's state: [2, batch, 2] here; two streams of 1 row and 2 rows.
    const a = tensor([1, 2, 3, 4], [2, 1, 2]);
    const b = tensor([5, 6, 7, 8, 9, 10, 11, 12], [2, 2, 2]);
    const stacked = concatAlong([a, b], 1);
    expect(stacked.dims).toEqual([2, 3, 2]);
    expect(Array.from(stacked.data as Float32Array)).toEqual([1, 2, 5, 6, 7, 8, 3, 4, 9, 10, 11, 12]);
    const [c, d] = splitAlong(stacked, 1, [1, 2]);
    expect([c!.dims, Array.from(c!.data as Float32Array)]).toEqual([a.dims, Array.from(a.data as Float32Array)]);
    expect([d!.dims, Array.from(d!.data as Float32Array)]).toEqual([b.dims, Array.from(b.data as Float32Array)]);
  });

  it('should stack the parts of one run again without copying, when they lie in order in its buffer', () => {
    // The states of 3 streams cut from the run they shared: views over its output, one after another.
    const whole = tensor([0, 1, 2, 3, 4, 5], [3, 2]);
    const parts = splitAlong(whole, 0, [1, 1, 1]);
    expect(parts.map((part) => part.data.buffer)).toEqual([whole.data.buffer, whole.data.buffer, whole.data.buffer]);
    const again = concatAlong(parts, 0);
    expect(again.data.buffer).toBe(whole.data.buffer);
    expect(Array.from(again.data as Float32Array)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(again.dims).toEqual([3, 2]);
    // In another order, or with a part from elsewhere, they are copied.
    const shuffled = concatAlong([parts[1]!, parts[0]!, parts[2]!], 0);
    expect(shuffled.data.buffer).not.toBe(whole.data.buffer);
    expect(Array.from(shuffled.data as Float32Array)).toEqual([2, 3, 0, 1, 4, 5]);
    const mixed = concatAlong([parts[0]!, tensor([9, 9], [1, 2]), parts[2]!], 0);
    expect(Array.from(mixed.data as Float32Array)).toEqual([0, 1, 9, 9, 4, 5]);
  });
});
