import { describe, expect, it } from 'vitest';
import { createHistogram } from './histogram.js';

describe('createHistogram', () => {
  it('should report zeros before any sample', () => {
    expect(createHistogram().summary()).toEqual({ count: 0, mean: 0, p50: 0, p95: 0, max: 0 });
  });

  it('should give percentiles within 2.2% and exact count, mean and max', () => {
    const h = createHistogram();
    for (let i = 1; i <= 1000; i++) h.record(i / 10); // 0.1 .. 100 ms
    const s = h.summary();
    expect(s.count).toBe(1000);
    expect(s.mean).toBeCloseTo(50.05, 10);
    expect(s.max).toBe(100);
    expect(Math.abs(s.p50 / 50 - 1)).toBeLessThan(0.022);
    expect(Math.abs(s.p95 / 95 - 1)).toBeLessThan(0.022);
  });

  it('should never report a percentile above the largest sample, and count durations under 1 µs', () => {
    const h = createHistogram();
    h.record(0);
    h.record(3);
    const s = h.summary();
    expect(s.p95).toBeLessThanOrEqual(3);
    expect(s.p50).toBeLessThan(0.002);
  });
});
