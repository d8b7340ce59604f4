import { describe, expect, it } from 'vitest';
import { warmupDims } from './warmup.js';

describe('warmupDims', () => {
  it('should give a symbolic first dim the batch size and keep fixed dims', () => {
    expect(warmupDims({ name: 'x', type: 'float32', dims: ['batch', 3, 224, 224] }, 8, {})).toEqual([8, 3, 224, 224]);
  });

  it('should size other symbolic dims from the given sizes', () => {
    expect(warmupDims({ name: 'ids', type: 'int64', dims: ['batch', 'sequence'] }, 2, { sequence: 128 })).toEqual([2, 128]);
  });

  it('should reject a symbolic dim nothing sizes with INVALID_OPTIONS naming the dim and the fix', () => {
    expect(() => warmupDims({ name: 'ids', type: 'int64', dims: ['batch', 'sequence'] }, 1, {})).toThrow(
      expect.objectContaining({
        code: 'INVALID_OPTIONS',
        message: 'warm-up cannot shape input "ids" [batch,sequence]: give dim "sequence" a size in warmup.freeDimensions, e.g. { sequence: 128 }',
      }),
    );
    expect(() => warmupDims({ name: 'x', type: 'float32', dims: ['?', '?'] }, 1, {})).toThrow(
      'warm-up cannot shape input "x" [?,?]: dim 1 is dynamic and unnamed; pass warmup: false',
    );
  });
});
