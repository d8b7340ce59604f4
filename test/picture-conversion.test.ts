import { describe, expect, it } from 'vitest';
import { fitTransform } from '../packages/tensorlane/src/tensor/image-fit.ts';
import type { ImageSpec } from '../packages/tensorlane/src/wire/protocol.ts';
import { referenceValues, offReference, seededPixels, type Conversion } from './image-reference.ts';
import { affineOf, convertOnCpu } from '../packages/tensorlane/src/worker/images/cpu-convert.ts';

const SOURCES = [[1, 1], [5, 3], [7, 2], [2, 9], [6, 6]] as const;
const TARGETS = [[1, 1], [4, 3], [5, 8], [7, 7]] as const;

function specOf(c: Conversion): ImageSpec {
  const triple = (v: readonly number[]) => [v[0]!, v[1]!, v[2]!] as const;
  return {
    name: 'x', type: c.type, layout: c.layout, width: c.width, height: c.height, fit: c.fit, align: c.align,
    fill: triple(c.fill), channels: c.channels, resize: c.resize ?? 'bilinear', scale: triple(c.scale), mean: triple(c.mean), std: triple(c.std),
  };
}

describe('converting pictures on the CPU', () => {
  it('should equal the reference for every fit, align, layout, dtype, channel order and resize at odd sizes', () => {
    const failures: string[] = [];
    let cases = 0;
    for (const [w, h] of SOURCES) {
      for (const [width, height] of TARGETS) {
        for (const fit of ['stretch', 'contain', 'cover'] as const) {
          for (const align of ['center', 'start'] as const) {
            for (const layout of ['nchw', 'nhwc'] as const) {
              for (const type of ['float32', 'float16', 'uint8'] as const) {
                const channels = cases % 2 === 0 ? 'rgb' : 'bgr';
                const resize = cases % 3 === 0 ? 'bicubic' : 'bilinear';
                const unit = type === 'uint8' ? 1 : 1 / 255;
                const c: Conversion = {
                  width, height, fit, align, layout, channels, type, resize, fill: [114, 20, 250],
                  scale: [unit, unit, unit], mean: type === 'uint8' ? [0, 0, 0] : [0.485, 0.456, 0.406], std: type === 'uint8' ? [1, 1, 1] : [0.229, 0.224, 0.225],
                };
                const pixels = seededPixels(w, h, 100 + cases++);
                const transform = fitTransform(pixels, c, fit, align);
                const data = convertOnCpu([{ frame: pixels, transform }], specOf(c), layout === 'nchw' ? [1, 3, height, width] : [1, height, width, 3], (frame) => frame as typeof pixels);
                const off = offReference(type, data as ArrayLike<number>, referenceValues(pixels, c));
                if (off.length > 0) failures.push(`${w}x${h} -> ${width}x${height} ${fit} ${align} ${layout} ${type} ${channels} ${resize}: ${off.join(', ')}`);
              }
            }
          }
        }
      }
    }
    expect(cases).toBe(SOURCES.length * TARGETS.length * 3 * 2 * 2 * 3);
    expect(failures).toEqual([]);
  });

  it('should put each picture of a batch in its own row', () => {
    const c: Conversion = {
      width: 3, height: 2, fit: 'contain', align: 'center', layout: 'nchw', channels: 'rgb', type: 'float32', fill: [0, 0, 0],
      scale: [1, 1, 1], mean: [0, 0, 0], std: [1, 1, 1],
    };
    const a = seededPixels(4, 4, 1);
    const b = seededPixels(9, 2, 2);
    const pictures = [a, b].map((frame) => ({ frame, transform: fitTransform(frame, c, 'contain', 'center') }));
    const data = convertOnCpu(pictures, specOf(c), [2, 3, 2, 3], (frame) => frame as typeof a) as Float32Array;
    expect(Array.from(data.subarray(0, 18))).toEqual(Array.from(referenceValues(a, c), Math.fround));
    expect(Array.from(data.subarray(18))).toEqual(Array.from(referenceValues(b, c), Math.fround));
  });

  it('should fold scale, mean and std into one multiply-add per channel', () => {
    expect(affineOf({ scale: [2, 2, 2], mean: [1, 2, 3], std: [4, 5, 0.5] })).toEqual({ mul: [0.5, 0.4, 4], add: [-0.25, -0.4, -6] });
  });
});
