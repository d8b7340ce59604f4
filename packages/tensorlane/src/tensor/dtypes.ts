import type { DType, TensorData } from '../protocol.js';

/** For each dtype, the typed array classes that may hold it (by name, so that arrays from other realms match). */
const ARRAYS_OF: Readonly<Record<DType, readonly string[]>> = {
  float32: ['Float32Array'],
  float64: ['Float64Array'],
  float16: ['Float16Array', 'Uint16Array'],
  int8: ['Int8Array'],
  uint8: ['Uint8Array'],
  int16: ['Int16Array'],
  uint16: ['Uint16Array'],
  int32: ['Int32Array'],
  uint32: ['Uint32Array'],
  int64: ['BigInt64Array'],
  uint64: ['BigUint64Array'],
  bool: ['Uint8Array'],
};

/** Every supported dtype name. */
export const DTYPES = Object.keys(ARRAYS_OF) as readonly DType[];

export function isDType(value: unknown): value is DType {
  return typeof value === 'string' && Object.hasOwn(ARRAYS_OF, value);
}

/** The class name of a typed array (`'Float32Array'`), or undefined for anything else, DataView included. */
export function typedArrayName(value: unknown): string | undefined {
  if (!ArrayBuffer.isView(value)) return undefined;
  const tag = Object.prototype.toString.call(value).slice(8, -1);
  return tag === 'DataView' ? undefined : tag;
}

/** The typed array classes that may hold `type`, e.g. `['Float16Array', 'Uint16Array']`. */
export function arraysOf(type: DType): readonly string[] {
  return ARRAYS_OF[type];
}

/** Whether `data` is a typed array that may hold `type`. */
export function holds(type: DType, data: unknown): data is TensorData {
  const name = typedArrayName(data);
  return name !== undefined && ARRAYS_OF[type].includes(name);
}

/** A short description of any value for an error message: `Float64Array(6)`, `Array(3)`, `"x"`, `null`. */
export function describe(value: unknown): string {
  const name = typedArrayName(value);
  if (name !== undefined) return `${name}(${(value as TensorData).length})`;
  if (Array.isArray(value)) return `Array(${value.length})`;
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === null || typeof value !== 'object') return String(value);
  const ctor = (value as object).constructor;
  return typeof ctor === 'function' && ctor.name !== '' && ctor.name !== 'Object' ? ctor.name : 'object';
}
