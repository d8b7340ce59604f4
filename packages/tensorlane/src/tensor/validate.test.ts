import { describe, expect, it } from 'vitest';
import type { TensorInfo } from '../types/tensor.js';
import { createFeedsReader } from './validate.js';

const inputs: TensorInfo[] = [
  { name: 'x', type: 'float32', dims: ['batch', 4] },
  { name: 'mask', type: 'bool', dims: ['batch'] },
];

/** The reader of `model`'s inputs, applied to `feeds`. */
const readFeeds = (feeds: unknown, model: readonly TensorInfo[], prefix?: string) => createFeedsReader(model)(feeds, prefix);

function feeds(rows = 2) {
  return {
    x: { type: 'float32', data: new Float32Array(rows * 4), dims: [rows, 4] },
    mask: { type: 'bool', data: new Uint8Array(rows), dims: [rows] },
  } as const;
}

function rejection(run: () => unknown) {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('createFeedsReader', () => {
  it('should return plain tensors when feeds match the model', () => {
    const out = readFeeds(feeds(), inputs);
    expect(Object.keys(out)).toEqual(['x', 'mask']);
    expect(out['x']).toEqual({ type: 'float32', data: new Float32Array(8), dims: [2, 4] });
  });

  it('should read data through getters, as onnxruntime-web Tensor instances have it', () => {
    class GetterTensor {
      readonly type = 'bool';
      readonly dims = [2];
      readonly #data = new Uint8Array(2);
      get data() {
        return this.#data;
      }
    }
    const out = readFeeds({ x: feeds().x, mask: new GetterTensor() }, inputs);
    expect(out['mask']).toEqual({ type: 'bool', data: new Uint8Array(2), dims: [2] });
    expect(Object.getPrototypeOf(out['mask'])).toBe(Object.prototype);
  });

  it.each([
    ['not an object', () => readFeeds(new Float32Array(4), inputs), 'feeds must be an object of input name to tensor, got Float32Array(4)'],
    ['an unknown name', () => readFeeds({ ...feeds(), y: feeds().x }, inputs), 'unknown input "y"; the model\'s inputs are "x", "mask"'],
    ['a missing input', () => readFeeds({ x: feeds().x }, inputs), 'missing input "mask" (bool [batch])'],
    ['a wrong dtype', () => readFeeds({ ...feeds(), x: { ...feeds().x, type: 'int32' } }, inputs), 'input "x" has type "int32" but the model expects "float32"'],
    ['an unknown dtype', () => readFeeds({ ...feeds(), x: { ...feeds().x, type: 'string' } }, inputs), 'input "x" has type "string"; expected "float32"'],
    ['a wrong array class', () => readFeeds({ ...feeds(), x: { ...feeds().x, data: new Float64Array(8) } }, inputs), 'input "x" data is a Float64Array but type "float32" needs a Float32Array'],
    ['a plain array', () => readFeeds({ ...feeds(), x: { ...feeds().x, data: [1, 2] } }, inputs), 'input "x" data is Array(2), not a typed array; use a Float32Array'],
    ['a wrong rank', () => readFeeds({ ...feeds(), x: { ...feeds().x, dims: [8] } }, inputs), 'input "x" has dims [8] but the model expects rank 2 ([batch,4])'],
    ['a wrong fixed dim', () => readFeeds({ ...feeds(), x: { ...feeds().x, dims: [4, 2] } }, inputs), 'input "x" has dims [4,2] but the model expects 4 at dim 1 ([batch,4])'],
    ['bad dims', () => readFeeds({ ...feeds(), x: { ...feeds().x, dims: [2, -4] } }, inputs), 'input "x" has dims [2,-4]; expected an array of non-negative integers'],
    ['a length that does not match dims', () => readFeeds({ ...feeds(), x: { ...feeds().x, dims: [3, 4] }, mask: feeds(3).mask }, inputs), 'input "x" has 8 elements but dims [3,4] need 12'],
    ['a symbolic dim with two values', () => readFeeds({ x: feeds(2).x, mask: feeds(3).mask }, inputs), 'input "mask" has batch=3 at dim 0 but input "x" has batch=2'],
  ])('should reject %s with INVALID_INPUT naming it', (_, run, message) => {
    expect(rejection(run)).toMatchObject({ name: 'TensorlaneError', code: 'INVALID_INPUT', message });
  });

  it('should reject a tensor whose data cannot be read, such as one on the GPU', () => {
    const onGpu = { type: 'float32', dims: [2, 4], get data(): never { throw new Error('The data is not on CPU.'); } };
    expect(rejection(() => readFeeds({ ...feeds(), x: onGpu }, inputs))).toMatchObject({
      code: 'INVALID_INPUT',
      message: 'input "x" could not be read: The data is not on CPU.',
    });
  });

  it('should reject a detached buffer and say how to avoid it', () => {
    const f = feeds();
    structuredClone(f.x.data.buffer, { transfer: [f.x.data.buffer] });
    expect(rejection(() => readFeeds(f, inputs))).toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringContaining('input "x" data is detached (its buffer was transferred by an earlier call)'),
    });
  });

  it('should accept float16 as Uint16Array and name both classes when wrong', () => {
    const half: TensorInfo[] = [{ name: 'h', type: 'float16', dims: [2] }];
    expect(readFeeds({ h: { type: 'float16', data: new Uint16Array(2), dims: [2] } }, half)['h']!.data).toBeInstanceOf(Uint16Array);
    expect(rejection(() => readFeeds({ h: { type: 'float16', data: new Float32Array(2), dims: [2] } }, half))).toMatchObject({
      message: 'input "h" data is a Float32Array but type "float16" needs a Float16Array or Uint16Array',
    });
  });

  it('should prefix messages so that batch errors name the item', () => {
    expect(rejection(() => readFeeds({ x: feeds().x }, inputs, 'item 3: '))).toMatchObject({
      message: 'item 3: missing input "mask" (bool [batch])',
    });
  });

  it('should reject an Int32Array tagged Float32Array as the Int32Array it is', () => {
    const data = Object.defineProperty(new Int32Array(8), Symbol.toStringTag, { value: 'Float32Array' });
    expect(rejection(() => readFeeds({ ...feeds(), x: { ...feeds().x, data } }, inputs))).toMatchObject({
      code: 'INVALID_INPUT',
      message: 'input "x" data is a Int32Array but type "float32" needs a Float32Array',
    });
  });

  it('should send a typed array\'s own elements in a plain array of its class, whatever its getters say', () => {
    const elsewhere = new Float32Array(8).fill(9);
    class Lying extends Float32Array {
      override get buffer() {
        return elsewhere.buffer;
      }
      override get length() {
        return 8;
      }
    }
    const data = new Lying(new ArrayBuffer(64), 16, 8).fill(1);
    const out = readFeeds({ ...feeds(), x: { ...feeds().x, data } }, inputs)['x']!.data;
    expect(Object.getPrototypeOf(out)).toBe(Float32Array.prototype);
    expect(Array.from(out as Float32Array)).toEqual(new Array(8).fill(1));
    expect(out.byteOffset).toBe(16);
  });

  it('should check and send a copy of dims read by index, never through their iterator', () => {
    const dims = Object.defineProperty([3, 4], Symbol.iterator, { value: function* () { yield 2; yield 4; } });
    expect(rejection(() => readFeeds({ ...feeds(), x: { ...feeds().x, dims }, mask: feeds(3).mask }, inputs))).toMatchObject({
      message: 'input "x" has 8 elements but dims [3,4] need 12',
    });
    const sent = readFeeds(feeds(), inputs)['x']!.dims;
    expect(Array.isArray(sent) && Object.getPrototypeOf(sent)).toBe(Array.prototype);
  });

  it('should skip rank checks when the model declares no shape', () => {
    const any: TensorInfo[] = [{ name: 'x', type: 'float32', dims: [] }];
    expect(readFeeds({ x: { type: 'float32', data: new Float32Array(6), dims: [2, 3] } }, any)['x']!.dims).toEqual([2, 3]);
  });
});
