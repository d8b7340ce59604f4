import { describe, expect, it } from 'vitest';
import { DB_DEFAULTS, boxesFromMap, sortReadingOrder } from './db-postprocess.ts';

/** A map of `width` x `height` zeros with `value` in each rectangle [x0, y0, x1, y1) given. */
function mapWith(width: number, height: number, rects: readonly (readonly [number, number, number, number])[], value = 0.9) {
  const map = new Float32Array(width * height);
  for (const [x0, y0, x1, y1] of rects) for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) map[y * width + x] = value;
  return map;
}

describe('boxesFromMap', () => {
  it('should grow a blob by the unclip distance when it is confident', () => {
    // A 40 x 10 blob: distance = 400 * 1.5 / 100 = 6 on every side.
    const [box, ...rest] = boxesFromMap(mapWith(100, 50, [[20, 10, 60, 20]]), 100, 50);
    expect(rest).toEqual([]);
    expect(box!.score).toBeCloseTo(0.9, 6);
    const xs = box!.corners.map((p) => p.x), ys = box!.corners.map((p) => p.y);
    expect(Math.min(...xs)).toBeCloseTo(14, 6);
    expect(Math.max(...xs)).toBeCloseTo(66, 6);
    expect(Math.min(...ys)).toBeCloseTo(4, 6);
    expect(Math.max(...ys)).toBeCloseTo(26, 6);
  });

  it('should drop a blob when its mean probability is under the box threshold', () => {
    expect(boxesFromMap(mapWith(100, 50, [[20, 10, 60, 20]], 0.5), 100, 50)).toEqual([]);
  });

  it('should drop a blob when it is thinner than the minimum size', () => {
    expect(boxesFromMap(mapWith(100, 50, [[20, 10, 60, 12]]), 100, 50, DB_DEFAULTS)).toEqual([]);
  });

  it('should return lines top to bottom and words left to right when there are several', () => {
    const map = mapWith(200, 100, [[120, 10, 180, 20], [10, 12, 80, 22], [10, 60, 90, 72]]);
    const boxes = boxesFromMap(map, 200, 100);
    // Left edges less each box's unclip distance: 6.56 (70 x 10), 6 (60 x 10), 7.66 (80 x 12).
    expect(boxes.map((b) => Math.round(b.corners[0].x))).toEqual([3, 114, 2]);
  });
});

describe('sortReadingOrder', () => {
  it('should keep a box that starts 12 px lower on a later line when it is further left', () => {
    const at = (x: number, y: number) => ({ corners: [{ x, y }, { x, y }, { x, y }, { x, y }] as const, id: `${x},${y}` });
    expect(sortReadingOrder([at(50, 0), at(0, 12), at(0, 5)]).map((b) => b.id)).toEqual(['0,5', '50,0', '0,12']);
  });
});
