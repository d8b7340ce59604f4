// How durations are reported: in session.stats() and in a stream's stats().

/**
 * A distribution of durations, in milliseconds. Percentiles are accurate to about 3%; `max` is exact.
 * @example
 * ```ts
 * import type { Distribution } from 'tensorlane';
 *
 * const { runMs }: { runMs: Distribution } = await session.stats();
 * console.log(`${runMs.count} runs: median ${runMs.p50} ms, p95 ${runMs.p95} ms, worst ${runMs.max} ms`);
 * ```
 */
export interface Distribution {
  /** How many durations were recorded. */
  readonly count: number;
  /** Their mean. */
  readonly mean: number;
  /** The median. */
  readonly p50: number;
  /** The 95th percentile. */
  readonly p95: number;
  /** The longest. */
  readonly max: number;
}
