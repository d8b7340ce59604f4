import { describe, expect, it } from 'vitest';
import { convexHull, minAreaRect, rectCorners } from './geometry.ts';

const close = (actual: number, expected: number) => expect(actual).toBeCloseTo(expected, 6);

describe('convexHull', () => {
  it('should keep only the corners when points fill a square', () => {
    const points = [];
    for (let x = 0; x <= 4; x++) for (let y = 0; y <= 4; y++) points.push({ x, y });
    expect(convexHull(points)).toEqual([{ x: 0, y: 0 }, { x: 4, y: 0 }, { x: 4, y: 4 }, { x: 0, y: 4 }]);
  });
});

describe('minAreaRect', () => {
  it('should give an axis-aligned box its own sides when the blob is a rectangle', () => {
    const rect = minAreaRect(convexHull([{ x: 2, y: 3 }, { x: 12, y: 3 }, { x: 12, y: 7 }, { x: 2, y: 7 }]));
    close(rect.cx, 7); close(rect.cy, 5); close(rect.width, 10); close(rect.height, 4); close(rect.angle, 0);
  });

  it('should keep width as the horizontal side when the blob is taller than wide', () => {
    // The crop turns such a box upright later (PaddleOCR reads it as vertical text when height >= 1.5 x width).
    const rect = minAreaRect(convexHull([{ x: 0, y: 0 }, { x: 4, y: 0 }, { x: 4, y: 10 }, { x: 0, y: 10 }]));
    close(rect.width, 4); close(rect.height, 10); close(rect.angle, 0);
  });

  it('should recover the angle and sides when the rectangle is rotated by 20 degrees', () => {
    const angle = (20 * Math.PI) / 180;
    const corners = rectCorners({ cx: 50, cy: 40, width: 60, height: 12, angle });
    const rect = minAreaRect(convexHull([...corners]));
    close(rect.cx, 50); close(rect.cy, 40); close(rect.width, 60); close(rect.height, 12); close(rect.angle, angle);
  });

  it('should put the corners in reading order when the rectangle is turned a little clockwise', () => {
    const [tl, tr, br, bl] = rectCorners({ cx: 0, cy: 0, width: 20, height: 10, angle: 0.1 });
    expect(tl.x).toBeLessThan(tr.x);
    expect(tl.y).toBeLessThan(bl.y);
    expect(br.x).toBeGreaterThan(bl.x);
    close(Math.hypot(tr.x - tl.x, tr.y - tl.y), 20);
  });
});
