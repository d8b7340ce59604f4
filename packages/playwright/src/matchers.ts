// The tensor matchers and the `expect` that has them.
import { expect as baseExpect, test, type Expect, type ExpectMatcherState, type MatcherReturnType } from '@playwright/test';
import { compareTensors, type Tolerance } from './compare.js';
import { describeComparison } from './describe-comparison.js';
import { matchTensorSnapshot } from './tensor-snapshot.js';
import type { TensorLike } from './tensor-like.js';

/**
 * The matchers `expect` gains: `toBeCloseToTensor` and `toMatchTensorSnapshot`. Add them to an `expect` of your own
 * with `expect.extend(tensorMatchers)`.
 * @example
 * ```ts
 * import { expect as base } from '@playwright/test';
 * import { tensorMatchers } from '@tensorlane/playwright';
 *
 * export const expect = base.extend(tensorMatchers);
 * ```
 */
export type TensorMatchers = {
  /**
   * Passes when `received` has the dims and dtype of `expected` (where both state them) and every element is within
   * `atol + rtol * |expected|`. The failure message gives the dims and dtype, how many elements are off, the largest
   * |difference| and where, NaN counts, and the first elements off.
   */
  toBeCloseToTensor(this: ExpectMatcherState, received: unknown, expected: TensorLike, tolerance?: Tolerance): MatcherReturnType;
  /**
   * Compares `received` (a tensor, or named tensors such as `run.outputs`) with the golden `<name>.safetensors` beside
   * the test, written on the first run and by `--update-snapshots`.
   */
  toMatchTensorSnapshot(this: ExpectMatcherState, received: unknown, name: string, tolerance?: Tolerance): MatcherReturnType;
};

/**
 * The tensor matchers, for `expect.extend`.
 * @example
 * ```ts
 * import { expect as base } from '@playwright/test';
 * import { tensorMatchers } from '@tensorlane/playwright';
 *
 * const expect = base.extend(tensorMatchers);
 * expect(Float32Array.of(1, 2)).toBeCloseToTensor([1, 2.0000001]);
 * ```
 */
export const tensorMatchers: TensorMatchers = {
  toBeCloseToTensor(received, expected, tolerance = {}) {
    const comparison = compareTensors(received, expected, tolerance);
    const hint = this.utils.matcherHint('toBeCloseToTensor', undefined, undefined, { isNot: this.isNot, secondArgument: 'tolerance' });
    return {
      name: 'toBeCloseToTensor',
      pass: comparison.pass,
      message: () => `${hint}\n\n${describeComparison(comparison, this.isNot)}`,
    };
  },
  toMatchTensorSnapshot(received, name, tolerance = {}) {
    if (this.isNot) throw new Error('toMatchTensorSnapshot cannot be negated: a golden is matched or updated, never avoided');
    const { pass, message } = matchTensorSnapshot(received, name, tolerance, test.info());
    const hint = this.utils.matcherHint('toMatchTensorSnapshot', undefined, 'name', { secondArgument: 'tolerance' });
    return { name: 'toMatchTensorSnapshot', pass, message: () => `${hint}\n\n${message}` };
  },
};

/**
 * Playwright's `expect` with {@link TensorMatchers}.
 * @example
 * ```ts
 * import { test, expect } from '@tensorlane/playwright';
 *
 * test('matches the reference', () => {
 *   expect({ type: 'float32', data: Float32Array.of(0.5, 1), dims: [1, 2] }).toBeCloseToTensor([0.5, 1], { atol: 1e-6 });
 * });
 * ```
 */
export const expect: Expect<TensorMatchers> = baseExpect.extend(tensorMatchers);
