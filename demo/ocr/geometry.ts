// Plane geometry for text boxes: the convex hull of a blob of pixels and its minimum-area rectangle (rotating
// calipers), as OpenCV's minAreaRect gives PaddleOCR's detector post-processing.

/** A point in pixels, y down. */
export interface Point {
  readonly x: number;
  readonly y: number;
}

/** A rotated rectangle: centre, side lengths, and the angle of the `width` side from the x axis (radians, y down). */
export interface RotatedRect {
  readonly cx: number;
  readonly cy: number;
  readonly width: number;
  readonly height: number;
  readonly angle: number;
}

/** A box as four corners in reading order: top-left, top-right, bottom-right, bottom-left. */
export type Quad = readonly [Point, Point, Point, Point];

const cross = (o: Point, a: Point, b: Point) => (a.x - o.x) * (b.y - o.y) - (a.y - o.y) * (b.x - o.x);

/** The convex hull of `points`, counter-clockwise in y-up terms, without collinear points (Andrew's monotone chain). */
export function convexHull(points: readonly Point[]): Point[] {
  const sorted = [...points].sort((a, b) => a.x - b.x || a.y - b.y);
  if (sorted.length < 3) return sorted;
  const lower: Point[] = [];
  for (const p of sorted) {
    while (lower.length >= 2 && cross(lower.at(-2)!, lower.at(-1)!, p) <= 0) lower.pop();
    lower.push(p);
  }
  const upper: Point[] = [];
  for (const p of sorted.reverse()) {
    while (upper.length >= 2 && cross(upper.at(-2)!, upper.at(-1)!, p) <= 0) upper.pop();
    upper.push(p);
  }
  return [...lower.slice(0, -1), ...upper.slice(0, -1)];
}

/**
 * The rectangle of least area around a convex polygon: one of its sides lies on a hull edge. The result's `width`
 * side is the one closer to horizontal (angle in [-45°, 45°)), as text lines are read.
 */
export function minAreaRect(hull: readonly Point[]): RotatedRect {
  if (hull.length === 0) return { cx: 0, cy: 0, width: 0, height: 0, angle: 0 };
  let best: RotatedRect | undefined;
  let bestArea = Infinity;
  for (let i = 0; i < hull.length; i++) {
    const a = hull[i]!;
    const b = hull[(i + 1) % hull.length]!;
    const angle = hull.length === 1 ? 0 : Math.atan2(b.y - a.y, b.x - a.x);
    const ux = Math.cos(angle);
    const uy = Math.sin(angle);
    let minU = Infinity, maxU = -Infinity, minV = Infinity, maxV = -Infinity;
    for (const p of hull) {
      const u = p.x * ux + p.y * uy;
      const v = -p.x * uy + p.y * ux;
      minU = Math.min(minU, u); maxU = Math.max(maxU, u);
      minV = Math.min(minV, v); maxV = Math.max(maxV, v);
    }
    const area = (maxU - minU) * (maxV - minV);
    if (area < bestArea - 1e-9) {
      bestArea = area;
      const cu = (minU + maxU) / 2;
      const cv = (minV + maxV) / 2;
      best = { cx: cu * ux - cv * uy, cy: cu * uy + cv * ux, width: maxU - minU, height: maxV - minV, angle };
    }
  }
  return normalizeAngle(best!);
}

/** The same rectangle described with its angle in [-45°, 45°), swapping the sides if needed. */
function normalizeAngle(rect: RotatedRect): RotatedRect {
  let { width, height, angle } = rect;
  const quarter = Math.PI / 2;
  // Turn by quarter turns until the angle is in [-45°, 45°); each quarter turn swaps the side lengths.
  let turns = Math.round(angle / quarter);
  angle -= turns * quarter;
  if (angle >= Math.PI / 4 - 1e-12) {
    angle -= quarter;
    turns += 1;
  }
  if (turns % 2 !== 0) [width, height] = [height, width];
  return { ...rect, width, height, angle };
}

/** The corners of `rect` in reading order (top-left first). */
export function rectCorners(rect: RotatedRect): Quad {
  const ux = Math.cos(rect.angle), uy = Math.sin(rect.angle);
  const hw = rect.width / 2, hh = rect.height / 2;
  const at = (su: number, sv: number): Point => ({
    x: rect.cx + su * hw * ux - sv * hh * uy,
    y: rect.cy + su * hw * uy + sv * hh * ux,
  });
  return [at(-1, -1), at(1, -1), at(1, 1), at(-1, 1)];
}

/** The distance between two points. */
export function distance(a: Point, b: Point): number {
  return Math.hypot(b.x - a.x, b.y - a.y);
}
