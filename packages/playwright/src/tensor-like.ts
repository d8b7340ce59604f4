// What the matchers compare: tensorlane tensors (or anything shaped like one), typed arrays and plain arrays, read
// element by element with float16 decoded and bool as 0/1, int64 kept as bigint.
import type { DType } from 'tensorlane';

/** Any typed array. */
export type TypedArray =
  | Float32Array | Float64Array | Int8Array | Uint8Array | Uint8ClampedArray | Int16Array | Uint16Array | Int32Array
  | Uint32Array | BigInt64Array | BigUint64Array;

/**
 * What the tensor matchers take: a tensor (`{ type, data, dims }`, as tensorlane and onnxruntime-web make them), a
 * typed array, or an array of numbers, bigints or booleans. Arrays have no dims and no dtype, so only their values
 * are compared. A `float16` tensor's data may be a `Float16Array` or a `Uint16Array` of raw half bits.
 * @example
 * ```ts
 * import type { TensorLike } from '@tensorlane/playwright';
 *
 * const expected: TensorLike = { type: 'int64', data: BigInt64Array.of(1n, 2n), dims: [1, 2] };
 * ```
 */
export type TensorLike =
  | { readonly type?: string; readonly data: ArrayLike<number | bigint>; readonly dims: readonly number[] }
  | TypedArray
  | readonly number[]
  | readonly bigint[]
  | readonly boolean[];

/** A tensor's elements, read as numbers (or bigints for 64-bit integers), with what is known of its dims and dtype. */
export interface Elements {
  readonly type: DType | undefined;
  readonly dims: readonly number[] | undefined;
  readonly length: number;
  at(index: number): number | bigint;
}

/** The built-in class name of `value` (`'Float16Array'`, `'Uint8Array'`, …), also for values from another realm. */
export const tagOf = (value: unknown): string => Object.prototype.toString.call(value).slice(8, -1);

/**
 * `data` with a `Float16Array` replaced by a `Uint16Array` of its raw half bits, over the same bytes; anything else
 * as it is. Playwright's serialiser and safetensors carry the bits, not a `Float16Array`.
 */
export function halfBits<T extends ArrayBufferView>(data: T): T | Uint16Array {
  return tagOf(data) === 'Float16Array' ? new Uint16Array(data.buffer, data.byteOffset, data.byteLength / 2) : data;
}

/** The number a raw IEEE 754 half (16 bits) stands for. */
export function halfToNumber(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 0x1f) return fraction === 0 ? sign * Infinity : NaN;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

/** Whether `value` is shaped like a tensor: an object with `data` and `dims`. */
export function isTensor(value: unknown): value is { type?: unknown; data: unknown; dims: unknown } {
  return typeof value === 'object' && value !== null && 'data' in value && 'dims' in value;
}

function isArrayOfElements(value: unknown): value is ArrayLike<number | bigint | boolean> {
  return Array.isArray(value) || (ArrayBuffer.isView(value) && !(value instanceof DataView));
}

/**
 * Reads `value` as elements, or throws a `TypeError` naming `label` (`'received'`, `'expected'`) and what was given.
 */
export function elementsOf(value: unknown, label: string): Elements {
  if (isTensor(value)) {
    const { type, data, dims } = value;
    if (!isArrayOfElements(data)) throw new TypeError(`${label} is a tensor whose data is ${tagOf(data)}; expected a typed array or an array`);
    if (!Array.isArray(dims) || !dims.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      throw new TypeError(`${label} is a tensor whose dims are ${JSON.stringify(dims)}; expected an array of sizes`);
    }
    const dtype = typeof type === 'string' ? (type as DType) : undefined;
    const count = dims.reduce((a: number, b: number) => a * b, 1);
    if (count !== data.length) {
      throw new TypeError(`${label} is a tensor with dims [${dims.join(', ')}] (${count} elements) but ${data.length} elements of data`);
    }
    return { type: dtype, dims, length: data.length, at: reader(data, dtype) };
  }
  if (isArrayOfElements(value)) return { type: undefined, dims: undefined, length: value.length, at: reader(value, undefined) };
  throw new TypeError(`${label} is ${value === null ? 'null' : tagOf(value)}; expected a tensor ({ type, data, dims }), a typed array or an array`);
}

function reader(data: ArrayLike<number | bigint | boolean>, type: DType | undefined): (index: number) => number | bigint {
  if (type === 'float16' && tagOf(data) === 'Uint16Array') return (i) => halfToNumber(data[i] as number);
  if (type === 'bool') return (i) => (data[i] ? 1 : 0);
  return (i) => {
    const v = data[i]!;
    return typeof v === 'boolean' ? Number(v) : v;
  };
}
