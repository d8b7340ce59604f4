import { describe, expect, it } from 'vitest';
import { TensorlaneError, isTensorlaneError } from './errors.js';
import { fromWireError, toWireError } from './wire/wire-error.js';

describe('TensorlaneError across the worker boundary', () => {
  it('should keep code, message, details and cause through structured clone', () => {
    const original = new TensorlaneError('BACKEND_UNAVAILABLE', 'no backend could run the model: wasm: boom', {
      cause: new RangeError('boom'),
      details: { attempts: [{ backend: 'wasm', reason: 'boom' }] },
    });
    const rebuilt = fromWireError(structuredClone(toWireError(original, 'RUN_FAILED')));
    expect(rebuilt).toBeInstanceOf(TensorlaneError);
    expect(rebuilt).toMatchObject({
      name: 'TensorlaneError',
      code: 'BACKEND_UNAVAILABLE',
      message: 'no backend could run the model: wasm: boom',
      details: { attempts: [{ backend: 'wasm', reason: 'boom' }] },
    });
    expect(rebuilt.cause).toMatchObject({ name: 'RangeError', message: 'boom' });
  });

  it('should give foreign errors the fallback code and keep them as cause', () => {
    const wire = toWireError(new TypeError('bad thing'), 'RUN_FAILED');
    expect(wire).toEqual({ code: 'RUN_FAILED', message: 'bad thing', cause: { name: 'TypeError', message: 'bad thing' } });
  });
});

describe('isTensorlaneError', () => {
  it('should recognise errors by name and code, as from another copy of the package', () => {
    const foreign = Object.assign(new Error('x'), { name: 'TensorlaneError', code: 'ABORTED' });
    expect(isTensorlaneError(foreign)).toBe(true);
    expect(isTensorlaneError(foreign, 'ABORTED')).toBe(true);
    expect(isTensorlaneError(foreign, 'DISPOSED')).toBe(false);
    expect(isTensorlaneError(new Error('x'))).toBe(false);
    expect(isTensorlaneError(null)).toBe(false);
  });
});
