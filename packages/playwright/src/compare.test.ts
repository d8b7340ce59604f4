import { describe, expect, it } from 'vitest';
import { compareTensors } from './compare.js';
import { describeComparison } from './describe-comparison.js';

const f32 = (dims: number[], ...values: number[]) => ({ type: 'float32', data: Float32Array.from(values), dims });

describe('compareTensors', () => {
  it('should pass within atol + rtol * |expected| and fail just past it', () => {
    expect(compareTensors([1.0015], [1], { atol: 1e-3, rtol: 1e-3 }).pass).toBe(true);
    const past = compareTensors([1.0021], [1], { atol: 1e-3, rtol: 1e-3 });
    expect(past).toMatchObject({ pass: false, off: 1, worst: { index: 0 } });
    expect(past.maxAbsDiff).toBeCloseTo(0.0021, 12);
  });

  it('should take the default tolerances of the received dtype, as torch.testing.assert_close does', () => {
    expect(compareTensors(f32([1], 1), [1])).toMatchObject({ atol: 1e-5, rtol: 1.3e-6 });
    expect(compareTensors({ type: 'float16', data: Uint16Array.of(0x3c00), dims: [1] }, [1])).toMatchObject({ atol: 1e-5, rtol: 1e-3 });
    expect(compareTensors([1], [1])).toMatchObject({ atol: 1e-7, rtol: 1e-7 });
    expect(compareTensors({ type: 'int32', data: Int32Array.of(1), dims: [1] }, [1])).toMatchObject({ atol: 0, rtol: 0 });
  });

  it('should report dims that differ without comparing elements, noticing a transpose', () => {
    const c = compareTensors(f32([3, 2], 1, 2, 3, 4, 5, 6), f32([2, 3], 1, 2, 3, 4, 5, 6));
    expect(c).toMatchObject({ pass: false, off: 0 });
    expect(c.structure).toBe('dims differ: received [3, 2], expected [2, 3] (the same 6 elements: transposed, or reshaped?)');
  });

  it('should report a dtype that differs, and compare values only against a bare typed array', () => {
    const half = { type: 'float16', data: Uint16Array.of(0x3c00, 0x4000), dims: [2] };
    expect(compareTensors(half, f32([2], 1, 2)).structure).toBe(
      'dtype differs: received float16, expected float32; to compare the values only, pass expected.data (a typed array has no dtype)',
    );
    expect(compareTensors(half, Float32Array.of(1, 2)).pass).toBe(true);
  });

  it('should decode float16 from raw half bits, infinities and NaN included', () => {
    const half = { type: 'float16', data: Uint16Array.of(0x3800, 0xc000, 0x7bff, 0x0001, 0x7c00, 0xfc00, 0x7e00), dims: [7] };
    const c = compareTensors(half, [0.5, -2, 65504, 2 ** -24, Infinity, -Infinity, NaN], { equalNaN: true });
    expect(c).toMatchObject({ pass: true, off: 0, maxAbsDiff: 0 });
  });

  it('should compare int64 exactly as bigints, past 2^53', () => {
    const received = { type: 'int64', data: BigInt64Array.of(2n ** 60n, -3n), dims: [2] };
    expect(compareTensors(received, [2n ** 60n, -3n]).pass).toBe(true);
    const off = compareTensors(received, { type: 'int64', data: BigInt64Array.of(2n ** 60n + 1n, -3n), dims: [2] });
    expect(off).toMatchObject({ pass: false, off: 1, firstOff: [{ index: 0, received: 2n ** 60n, expected: 2n ** 60n + 1n, diff: 1 }] });
    expect(compareTensors(received, [2n ** 60n + 1n, -3n], { atol: 1 }).pass).toBe(true);
  });

  it('should count NaN as off unless equalNaN, and say where the first NaN is on each side', () => {
    const c = compareTensors(f32([2, 2], 1, NaN, NaN, 4), f32([2, 2], 1, NaN, 3, 4));
    expect(c).toMatchObject({ pass: false, off: 2, nan: { received: 2, expected: 1, firstReceived: 1, firstExpected: 1 } });
    expect(compareTensors(f32([2], NaN, 1), f32([2], NaN, 1), { equalNaN: true }).pass).toBe(true);
  });

  it('should pass equal infinities and fail infinities of the other sign or against finite values', () => {
    expect(compareTensors([Infinity, -Infinity], [Infinity, -Infinity]).pass).toBe(true);
    const c = compareTensors([Infinity, 1], [-Infinity, Infinity]);
    expect(c).toMatchObject({ off: 2, maxAbsDiff: Infinity, worst: { index: 0 } });
  });

  it('should read bool as 0/1, whatever non-zero byte holds true', () => {
    expect(compareTensors({ type: 'bool', data: Uint8Array.of(0, 7), dims: [2] }, [false, true]).pass).toBe(true);
  });

  it('should reject what is not a tensor, naming the side', () => {
    expect(() => compareTensors('x', [1])).toThrow('received is String; expected a tensor ({ type, data, dims }), a typed array or an array');
    expect(() => compareTensors([1], { data: [1, 2], dims: [3] })).toThrow('expected is a tensor with dims [3] (3 elements) but 2 elements of data');
    expect(() => compareTensors([1], [1], { atol: -1 })).toThrow('atol is -1; expected a number >= 0');
  });
});

describe('describeComparison', () => {
  it('should say how many elements are off, the largest difference and where, and list the first ones off', () => {
    const received = { type: 'int32', data: Int32Array.of(1, 5, 3, -4), dims: [2, 2] };
    expect(describeComparison(compareTensors(received, [1, 2, 3, 4]), false)).toBe(
      [
        '2 of 4 elements (50%) differ by more than atol + rtol·|expected| (atol 0, rtol 0)',
        '  received dims [2, 2], dtype int32; expected 4 elements, no dims or dtype',
        '  max |diff| 8 at [1, 1]: received -4, expected 4',
        '  first elements off:',
        '    [0, 1]  received 5  expected 2  |diff| 3',
        '    [1, 1]  received -4  expected 4  |diff| 8',
      ].join('\n'),
    );
  });

  it('should cut the list at five and say how many more, with both shapes when one side is a bare array', () => {
    const text = describeComparison(compareTensors(f32([8], 1, 1, 1, 1, 1, 1, 1, 1), new Array(8).fill(0)), false);
    expect(text).toContain('8 of 8 elements (100%) differ');
    expect(text).toContain('  received dims [8], dtype float32; expected 8 elements, no dims or dtype');
    expect(text).toContain('    … and 3 more');
  });

  it('should say that every element is close when negated', () => {
    expect(describeComparison(compareTensors(f32([2], 1, 2), [1, 2]), true)).toBe(
      ['all 2 elements are within atol + rtol·|expected| (atol 0.00001, rtol 0.0000013), expected some not to be', '  received dims [2], dtype float32; expected 2 elements, no dims or dtype', '  max |diff| 0'].join('\n'),
    );
  });
});
