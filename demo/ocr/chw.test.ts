import { describe, expect, it } from 'vitest';
import { LINE_NORMALIZATION, toChw } from './chw.ts';

describe('toChw', () => {
  it('should lay out B, G, R planes and pad with 0 when the width is padded', () => {
    // One row of two pixels: (R 255, G 0, B 51) and (R 0, G 255, B 102).
    const data = new Uint8ClampedArray([255, 0, 51, 255, 0, 255, 102, 255]);
    const out = toChw({ data, width: 2, height: 1 }, LINE_NORMALIZATION, 3);
    const v = (x: number) => (x / 255 - 0.5) / 0.5;
    expect(Array.from(out)).toEqual(
      [v(51), v(102), 0, v(0), v(255), 0, v(255), v(0), 0].map((x) => Math.fround(x)),
    );
  });
});
