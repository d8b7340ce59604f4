// What an array or a buffer is, read from its internal slots through the engine's own getters, never from a property
// the caller can set: a typed array can be given a `Symbol.toStringTag`, a subclass can override `length`, `buffer` or
// `constructor`, a Proxy can answer anything, an ArrayBuffer can be given another prototype. The getters are taken
// once, when this module loads, so that no later change to the prototypes reaches them.
import type { TensorData } from '../types/tensor.js';

type Getter<T> = (this: unknown) => T;

function getter<T>(target: object, key: PropertyKey): Getter<T> {
  return Object.getOwnPropertyDescriptor(target, key)!.get as Getter<T>;
}

const TypedArrayPrototype = Object.getPrototypeOf(Int8Array.prototype) as object;
const typedArrayTag = getter<string | undefined>(TypedArrayPrototype, Symbol.toStringTag);
const typedArrayLength = getter<number>(TypedArrayPrototype, 'length');
const typedArrayBuffer = getter<ArrayBufferLike>(TypedArrayPrototype, 'buffer');
const typedArrayByteOffset = getter<number>(TypedArrayPrototype, 'byteOffset');
const arrayBufferByteLength = getter<number>(ArrayBuffer.prototype, 'byteLength');
const arrayBufferDetached = Object.getOwnPropertyDescriptor(ArrayBuffer.prototype, 'detached')?.get as Getter<boolean> | undefined;
const arrayBufferTransfer = (ArrayBuffer.prototype as { transfer?: (this: ArrayBuffer) => ArrayBuffer }).transfer;

type ViewClass = new (buffer: ArrayBufferLike, byteOffset: number, length: number) => TensorData;

/** The typed array classes of this realm, by name, as they were when this module loaded. */
const CLASSES: ReadonlyMap<string, ViewClass> = new Map(
  [
    Float32Array, Float64Array, Int8Array, Uint8Array, Int16Array, Uint16Array, Int32Array, Uint32Array, BigInt64Array, BigUint64Array,
    (globalThis as { Float16Array?: unknown }).Float16Array,
  ]
    .filter((Class): Class is ViewClass => typeof Class === 'function')
    .map((Class) => [Class.name, Class]),
);

/**
 * The class name of a typed array of any realm (`'Float32Array'`), from its internal slot; undefined for anything
 * else: a DataView, a Proxy of a typed array, an object that says it is one.
 */
export function typedArrayName(value: unknown): string | undefined {
  return typedArrayTag.call(value);
}

/** Where a typed array's elements are, from its internal slots; `value` must be one (see {@link typedArrayName}). */
export function placeOf(value: TensorData): { readonly buffer: ArrayBufferLike; readonly byteOffset: number; readonly length: number } {
  return { buffer: typedArrayBuffer.call(value), byteOffset: typedArrayByteOffset.call(value), length: typedArrayLength.call(value) };
}

/**
 * A typed array of this realm's class `tag` over the same elements as `value`, which must be a typed array of that
 * class: what tensorlane sends, whatever the caller's array overrides.
 */
export function honestView(value: TensorData, tag: string): TensorData {
  const { buffer, byteOffset, length } = placeOf(value);
  return viewOfClass(tag, buffer, byteOffset, length);
}

/** A typed array of class `tag` over `length` elements of `buffer` from `byteOffset`. */
export function viewOfClass(tag: string, buffer: ArrayBufferLike, byteOffset: number, length: number): TensorData {
  return new (CLASSES.get(tag)!)(buffer, byteOffset, length);
}

/**
 * Whether a typed array's buffer (an ArrayBuffer or a SharedArrayBuffer, of any realm) is shared, whatever its
 * prototype says. The ArrayBuffer getter throws on a shared one only: the common case throws nothing.
 */
export function isSharedBuffer(buffer: ArrayBufferLike): boolean {
  return !isArrayBuffer(buffer);
}

/** Whether `value` is an ArrayBuffer (of any realm, not shared), whatever its prototype says. */
export function isArrayBuffer(value: unknown): value is ArrayBuffer {
  try {
    arrayBufferByteLength.call(value);
    return true;
  } catch {
    return false;
  }
}

/** Whether the engine says `buffer` was transferred away; undefined where it cannot say (no `detached`: Node 20). */
export function detachedFlag(buffer: ArrayBufferLike): boolean | undefined {
  if (!isArrayBuffer(buffer)) return false;
  return arrayBufferDetached?.call(buffer);
}

/** Whether a buffer was transferred away (`detached` where the engine has it, else empty); false for a shared one. */
export function isDetached(buffer: ArrayBufferLike): boolean {
  return detachedFlag(buffer) ?? arrayBufferByteLength.call(buffer) === 0;
}

/**
 * Moves `buffer`'s bytes into a new ArrayBuffer and detaches it, with `ArrayBuffer.prototype.transfer` (not a
 * `transfer` the caller may have set on it), or where the engine lacks it (Node 20) a structured clone that transfers
 * it: no copy either way.
 * @throws what the engine throws for a buffer that cannot be transferred (a view of WebAssembly memory).
 */
export function transferBuffer(buffer: ArrayBuffer): ArrayBuffer {
  return arrayBufferTransfer ? arrayBufferTransfer.call(buffer) : structuredClone(buffer, { transfer: [buffer] });
}
