import type { Distribution } from '../types/stats.js';

/** Buckets per doubling: each bucket spans 2^(1/32), about 2.2%, so a percentile is off by at most half of that. */
const PER_DOUBLING = 32;
/** The smallest duration told apart: 1 µs. Shorter ones count in the first bucket. */
const FLOOR_MS = 0.001;
/** 1 µs to about 12 days. */
const BUCKETS = PER_DOUBLING * 40;

/**
 * Durations since creation in fixed memory and O(1) per sample: log-spaced buckets, an exact count, sum and max.
 * Cheap enough to record every request.
 */
export interface Histogram {
  /** Records `ms`, `times` over. */
  record(ms: number, times?: number): void;
  summary(): Distribution;
}

export function createHistogram(): Histogram {
  const counts = new Uint32Array(BUCKETS);
  let count = 0;
  let sum = 0;
  let max = 0;

  const bucketOf = (ms: number) => Math.min(BUCKETS - 1, Math.max(0, Math.floor(Math.log2(ms / FLOOR_MS) * PER_DOUBLING)));
  /** The middle of bucket `b` on the log scale, never above the largest sample. */
  const valueOf = (b: number) => Math.min(max, FLOOR_MS * 2 ** ((b + 0.5) / PER_DOUBLING));

  function quantile(q: number): number {
    const rank = Math.ceil(q * count);
    let seen = 0;
    for (let b = 0; b < BUCKETS; b++) {
      seen += counts[b]!;
      if (seen >= rank) return valueOf(b);
    }
    return max;
  }

  return {
    record(ms: number, times = 1): void {
      counts[bucketOf(ms)]! += times;
      count += times;
      sum += ms * times;
      max = Math.max(max, ms);
    },
    summary(): Distribution {
      if (count === 0) return { count: 0, mean: 0, p50: 0, p95: 0, max: 0 };
      return { count, mean: sum / count, p50: quantile(0.5), p95: quantile(0.95), max };
    },
  };
}
