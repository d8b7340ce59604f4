import type { DType, TensorData } from '../types/tensor.js';
import { placeOf, typedArrayName } from './intrinsics.js';

type ArrayClass = new (length: number) => TensorData;

/**
 * For each dtype, the typed array class tensorlane creates for it, and the class names that may hold it (by name,
 * so that arrays from other realms match). `float16` is created as a `Uint16Array` of raw half bits, which every
 * engine has and onnxruntime-web accepts.
 */
const DTYPE_ARRAYS: Readonly<Record<DType, { readonly create: ArrayClass; readonly names: readonly string[] }>> = {
  float32: { create: Float32Array, names: ['Float32Array'] },
  float64: { create: Float64Array, names: ['Float64Array'] },
  float16: { create: Uint16Array, names: ['Float16Array', 'Uint16Array'] },
  int8: { create: Int8Array, names: ['Int8Array'] },
  uint8: { create: Uint8Array, names: ['Uint8Array'] },
  int16: { create: Int16Array, names: ['Int16Array'] },
  uint16: { create: Uint16Array, names: ['Uint16Array'] },
  int32: { create: Int32Array, names: ['Int32Array'] },
  uint32: { create: Uint32Array, names: ['Uint32Array'] },
  int64: { create: BigInt64Array, names: ['BigInt64Array'] },
  uint64: { create: BigUint64Array, names: ['BigUint64Array'] },
  bool: { create: Uint8Array, names: ['Uint8Array'] },
};

/** Every supported dtype name. */
export const DTYPES = Object.keys(DTYPE_ARRAYS) as readonly DType[];

export function isDType(value: unknown): value is DType {
  return typeof value === 'string' && Object.hasOwn(DTYPE_ARRAYS, value);
}

/** A zero-filled array of `length` elements of `type`. */
export function zeros(type: DType, length: number): TensorData {
  return new DTYPE_ARRAYS[type].create(length);
}

/** A view of `length` elements of `type` over `buffer` from `byteOffset`, in the class tensorlane creates for it. */
export function viewOf(type: DType, buffer: ArrayBufferLike, byteOffset: number, length: number): TensorData {
  const View = DTYPE_ARRAYS[type].create as unknown as new (buffer: ArrayBufferLike, byteOffset: number, length: number) => TensorData;
  return new View(buffer, byteOffset, length);
}

/** The typed array classes that may hold `type`, e.g. `['Float16Array', 'Uint16Array']`. */
export function arraysOf(type: DType): readonly string[] {
  return DTYPE_ARRAYS[type].names;
}

/** Whether `data` is a typed array that may hold `type`. */
export function holds(type: DType, data: unknown): data is TensorData {
  const name = typedArrayName(data);
  return name !== undefined && DTYPE_ARRAYS[type].names.includes(name);
}

/** A short description of any value for an error message: `Float64Array(6)`, `Array(3)`, `"x"`, `null`. */
export function describe(value: unknown): string {
  const name = typedArrayName(value);
  if (name !== undefined) return `${name}(${placeOf(value as TensorData).length})`;
  if (Array.isArray(value)) return `Array(${value.length})`;
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === null || typeof value !== 'object') return String(value);
  const ctor = (value as object).constructor;
  return typeof ctor === 'function' && ctor.name !== '' && ctor.name !== 'Object' ? ctor.name : 'object';
}
