import { describe, expect, it } from 'vitest';
import type { TensorInfo } from '../types/tensor.js';
import { decideBatching, toDim, toTensorInfo } from './metadata.js';

const t = (name: string, ...dims: Array<number | string>): TensorInfo => ({ name, type: 'float32', dims });

describe('toDim', () => {
  it('should report unnamed dynamic dims as "?", never as a bogus number', () => {
    expect(toDim(4294967295)).toBe('?');
    expect(toDim(-1)).toBe('?');
    expect(toDim('')).toBe('?');
    expect(toDim('batch')).toBe('batch');
    expect(toDim(256)).toBe(256);
  });
});

describe('toTensorInfo', () => {
  it('should reject non-tensor values and unsupported dtypes with MODEL_INVALID', () => {
    expect(() => toTensorInfo({ name: 's', isTensor: false }, 'input')).toThrow(
      expect.objectContaining({ code: 'MODEL_INVALID', message: 'input "s" is not a tensor (a sequence or map); tensorlane supports tensor inputs only' }),
    );
    expect(() => toTensorInfo({ name: 'text', isTensor: true, type: 'string', shape: [1] }, 'output')).toThrow(
      expect.objectContaining({ code: 'MODEL_INVALID', message: expect.stringMatching(/^output "text" has type "string"; tensorlane supports float32, /) }),
    );
  });
});

describe('decideBatching', () => {
  it('should stack when every input and output shares one symbolic first dim', () => {
    expect(decideBatching([t('a', 'batch', 3), t('b', 'batch')], [t('y', 'batch', 10)], 'auto')).toEqual({
      stacked: true,
      reason: 'every input and output has first dim "batch"',
    });
  });

  it.each([
    ['a fixed first dim', [t('x', 1, 4)], [t('y', 1, 4)], 'input "x" has a fixed first dim of 1'],
    ['an unnamed first dim', [t('x', '?', 4)], [t('y', '?', 4)], 'input "x" has an unnamed dynamic first dim'],
    ['first dims with different names', [t('x', 'n', 4)], [t('y', 'm', 4)], 'output "y" has first dim "m" but "x" has "n"'],
    ['an undeclared shape', [t('x')], [t('y', 'n')], 'input "x" has no declared first dim'],
  ])('should run items one by one for %s, saying why and how to override', (_, inputs, outputs, reason) => {
    const decision = decideBatching(inputs, outputs, 'auto');
    expect(decision.stacked).toBe(false);
    expect(decision.reason).toBe(`${reason}; items run one by one (pass batching: 'stack' if dim 0 is the batch in every input and output)`);
  });

  it('should follow an explicit mode', () => {
    expect(decideBatching([t('x', 1)], [t('y', 1)], 'stack').stacked).toBe(true);
    expect(decideBatching([t('x', 'n')], [t('y', 'n')], 'off').stacked).toBe(false);
  });
});
