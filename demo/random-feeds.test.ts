import { describe, expect, it } from 'vitest';
import { concreteDims, randomFeeds } from './random-feeds.ts';

describe('randomFeeds', () => {
  it('should size symbolic dims and pick each dtype its array when the model declares them', () => {
    const feeds = randomFeeds(
      [
        { name: 'x', type: 'float32', dims: ['batch', 3, '?'] },
        { name: 'ids', type: 'int64', dims: [2] },
        { name: 'mask', type: 'bool', dims: [] },
      ],
      4,
      () => 0.75,
    );
    expect(feeds['x']!.dims).toEqual([4, 3, 4]);
    expect(feeds['x']!.data).toEqual(new Float32Array(48).fill(0.5));
    expect(feeds['ids']!.data).toEqual(BigInt64Array.of(7n, 7n));
    expect(feeds['mask']!.data).toEqual(Uint8Array.of(1));
  });

  it('should give float16 inputs as raw half bits of magnitude [0.5, 1) when the model takes float16', () => {
    const bits = randomFeeds([{ name: 'h', type: 'float16', dims: [1] }], 1, () => 0.75)['h']!.data as Uint16Array;
    // sign 0 (0.75 >= 0.5), exponent 14, mantissa 768: 1.75 * 2^-1 = 0.875.
    expect(bits[0]).toBe((14 << 10) | 768);
  });
});

describe('concreteDims', () => {
  it('should keep fixed dims when some are symbolic', () => {
    expect(concreteDims(['n', 8, 'm'])).toEqual([1, 8, 1]);
  });
});
