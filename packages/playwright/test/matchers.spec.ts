// The matchers through Playwright's own expect: the failure a test author sees, word for word.
import { expect, test } from '../src/index.ts';

/** The message `assertion` fails with, without colours; fails if it passes. */
function failureOf(assertion: () => void): string {
  try {
    assertion();
  } catch (error) {
    return (error as Error).message.replace(/\u001b\[[0-9;]*m/g, '');
  }
  throw new Error('the assertion passed');
}

test('should fail a wrong tensor with dims, dtype, the count off, the largest difference and where, and NaN', () => {
  const received = { type: 'float32', data: Float32Array.of(0.1, 0.2, 0.3, 0.4, 0.9, NaN), dims: [2, 3] };
  const expected = { type: 'float32', data: Float32Array.of(0.1, 0.2, 0.35, 0.4, 0.5, 0.6), dims: [2, 3] };
  const message = failureOf(() => expect(received).toBeCloseToTensor(expected, { atol: 1e-3, rtol: 1e-3 }));
  console.log(`toBeCloseToTensor failure:\n${message}`);
  expect(message).toBe(
    [
      'expect(received).toBeCloseToTensor(expected, tolerance)',
      '',
      '3 of 6 elements (50%) differ by more than atol + rtol·|expected| (atol 0.001, rtol 0.001)',
      '  dims [2, 3], dtype float32 (both)',
      '  max |diff| 0.4 at [1, 1]: received 0.9, expected 0.5',
      '  NaN: received 1 (first at [1, 2]), expected 0; NaN never equals NaN unless { equalNaN: true }',
      '  first elements off:',
      '    [0, 2]  received 0.3  expected 0.35  |diff| 0.05',
      '    [1, 1]  received 0.9  expected 0.5  |diff| 0.4',
      '    [1, 2]  received NaN  expected 0.6',
    ].join('\n'),
  );
});

test('should say which dims differ before comparing any element', () => {
  const received = { type: 'float32', data: new Float32Array(6), dims: [3, 2] };
  expect(failureOf(() => expect(received).toBeCloseToTensor({ type: 'float32', data: new Float32Array(6), dims: [2, 3] }))).toBe(
    [
      'expect(received).toBeCloseToTensor(expected, tolerance)',
      '',
      'dims differ: received [3, 2], expected [2, 3] (the same 6 elements: transposed, or reshaped?)',
      '  received dims [3, 2], dtype float32; expected dims [2, 3], dtype float32',
    ].join('\n'),
  );
});

test('should pass int64 compared exactly and fail one off by one past 2^53', () => {
  const ids = { type: 'int64', data: BigInt64Array.of(9007199254740993n, -1n), dims: [2] };
  expect(ids).toBeCloseToTensor({ type: 'int64', data: BigInt64Array.of(9007199254740993n, -1n), dims: [2] });
  expect(failureOf(() => expect(ids).toBeCloseToTensor([9007199254740992n, -1n]))).toContain('    [0]  received 9007199254740993  expected 9007199254740992  |diff| 1');
});

test('should compare float16 given as raw half bits, and count NaN unless equalNaN', () => {
  const half = { type: 'float16', data: Uint16Array.of(0x3c00, 0x7e00), dims: [2] }; // 1, NaN
  expect(half).toBeCloseToTensor([1, NaN], { equalNaN: true });
  expect(failureOf(() => expect(half).toBeCloseToTensor([1, 0]))).toContain(
    '  NaN: received 1 (first at [1]), expected 0; NaN never equals NaN unless { equalNaN: true }',
  );
});

test('should fail .not when every element is close', () => {
  expect(Float32Array.of(1, 2)).not.toBeCloseToTensor([1, 3]);
  expect(failureOf(() => expect(Float32Array.of(1, 2)).not.toBeCloseToTensor([1, 2]))).toMatch(
    /^expect\(received\)\.not\.toBeCloseToTensor\(expected, tolerance\)\n\nall 2 elements are within atol/,
  );
});

test('should refuse .not and a name that is not a file name for snapshots', () => {
  expect(() => expect(Float32Array.of(1)).not.toMatchTensorSnapshot('x')).toThrow('toMatchTensorSnapshot cannot be negated');
  expect(() => expect(Float32Array.of(1)).toMatchTensorSnapshot('../x')).toThrow(`snapshot name "../x" is not a file name`);
});
