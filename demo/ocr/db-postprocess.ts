// PaddleOCR's DB (differentiable binarization) post-processing: from the detector's text probability map to
// rotated text boxes. Pixels above `threshold` form blobs (8-connected); each blob's minimum-area rectangle, if
// confident enough, is grown by the "unclip" distance area * ratio / perimeter, since the detector was trained on
// shrunk text regions.
import { convexHull, minAreaRect, rectCorners, type Point, type Quad } from './geometry.ts';

/** DB's settings, PaddleOCR's defaults for PP-OCRv4. */
export interface DbOptions {
  /** A pixel is text above this probability. */
  readonly threshold: number;
  /** A blob is kept when its mean probability reaches this. */
  readonly boxThreshold: number;
  /** How far to grow each box: distance = area * ratio / perimeter. */
  readonly unclipRatio: number;
  /** Boxes with a side shorter than this (in map pixels) are dropped. */
  readonly minSize: number;
  /** At most this many blobs are considered, largest first. */
  readonly maxCandidates: number;
}

/** PaddleOCR's DB settings for PP-OCRv4 detection. */
export const DB_DEFAULTS: DbOptions = { threshold: 0.3, boxThreshold: 0.6, unclipRatio: 1.5, minSize: 3, maxCandidates: 1000 };

/** A detected text box in map pixels, and the mean probability of its blob. */
export interface MapBox {
  readonly corners: Quad;
  readonly score: number;
}

interface Blob {
  /** Pixel corners of the leftmost and rightmost pixel of each row: enough for the convex hull. */
  readonly outline: Point[];
  readonly pixels: number;
  readonly sum: number;
}

/** Labels the 8-connected blobs of pixels above `threshold`. */
function findBlobs(map: Float32Array, width: number, height: number, threshold: number): Blob[] {
  const seen = new Uint8Array(width * height);
  const stack = new Int32Array(width * height);
  const rowMin = new Int32Array(height);
  const rowMax = new Int32Array(height);
  const blobs: Blob[] = [];
  for (let start = 0; start < map.length; start++) {
    if (seen[start] || !(map[start]! > threshold)) continue;
    rowMin.fill(width);
    rowMax.fill(-1);
    let top = 0, pixels = 0, sum = 0, yMin = height, yMax = -1;
    stack[top++] = start;
    seen[start] = 1;
    while (top > 0) {
      const i = stack[--top]!;
      const x = i % width, y = (i - x) / width;
      pixels++;
      sum += map[i]!;
      if (x < rowMin[y]!) rowMin[y] = x;
      if (x > rowMax[y]!) rowMax[y] = x;
      if (y < yMin) yMin = y;
      if (y > yMax) yMax = y;
      for (let dy = -1; dy <= 1; dy++) {
        const ny = y + dy;
        if (ny < 0 || ny >= height) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const nx = x + dx;
          if (nx < 0 || nx >= width) continue;
          const j = ny * width + nx;
          if (seen[j] || !(map[j]! > threshold)) continue;
          seen[j] = 1;
          stack[top++] = j;
        }
      }
    }
    const outline: Point[] = [];
    for (let y = yMin; y <= yMax; y++) {
      if (rowMax[y]! < 0) continue;
      outline.push({ x: rowMin[y]!, y }, { x: rowMin[y]!, y: y + 1 }, { x: rowMax[y]! + 1, y }, { x: rowMax[y]! + 1, y: y + 1 });
    }
    blobs.push({ outline, pixels, sum });
  }
  return blobs;
}

/**
 * The text boxes in a probability map of `width` x `height` (row-major), in map pixels, top to bottom and, within a
 * line, left to right.
 */
export function boxesFromMap(map: Float32Array, width: number, height: number, options: DbOptions = DB_DEFAULTS): MapBox[] {
  const blobs = findBlobs(map, width, height, options.threshold)
    .sort((a, b) => b.pixels - a.pixels)
    .slice(0, options.maxCandidates);
  const boxes: MapBox[] = [];
  for (const blob of blobs) {
    const rect = minAreaRect(convexHull(blob.outline));
    if (Math.min(rect.width, rect.height) < options.minSize) continue;
    const score = blob.sum / blob.pixels;
    if (score < options.boxThreshold) continue;
    const grow = (rect.width * rect.height * options.unclipRatio) / (2 * (rect.width + rect.height));
    const grown = { ...rect, width: rect.width + 2 * grow, height: rect.height + 2 * grow };
    if (Math.min(grown.width, grown.height) < options.minSize + 2) continue;
    boxes.push({ corners: rectCorners(grown), score });
  }
  return sortReadingOrder(boxes);
}

/** Top to bottom; boxes whose tops are within 10 px count as one line and go left to right, as PaddleOCR sorts. */
export function sortReadingOrder<T extends { readonly corners: Quad }>(boxes: readonly T[]): T[] {
  const sorted = [...boxes].sort((a, b) => a.corners[0].y - b.corners[0].y || a.corners[0].x - b.corners[0].x);
  for (let i = 1; i < sorted.length; i++) {
    for (let j = i; j > 0; j--) {
      const [previous, current] = [sorted[j - 1]!, sorted[j]!];
      if (Math.abs(current.corners[0].y - previous.corners[0].y) < 10 && current.corners[0].x < previous.corners[0].x) {
        [sorted[j - 1], sorted[j]] = [current, previous];
      } else break;
    }
  }
  return sorted;
}
