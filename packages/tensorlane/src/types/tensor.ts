// The tensor types of the public API: element types, the typed arrays that hold them, tensors, feeds and the model's
// description of its inputs and outputs. Both threads use them; they cross postMessage inside the wire messages.

/**
 * Tensor element types, named as in onnxruntime-web. String and 4-bit types are not supported.
 * @example
 * ```ts
 * import type { DType } from 'tensorlane';
 *
 * const type: DType = session.inputs[0].type; // e.g. 'float32'
 * ```
 */
export type DType =
  | 'float32' | 'float64' | 'float16'
  | 'int8' | 'uint8' | 'int16' | 'uint16' | 'int32' | 'uint32' | 'int64' | 'uint64'
  | 'bool';

/** `Float16Array` where the TypeScript lib in use declares it, else nothing (so `float16` data is a `Uint16Array`). */
export type Float16ArrayOrNever = typeof globalThis extends { Float16Array: { prototype: infer P } } ? P : never;

/**
 * The typed array that holds each dtype, as in onnxruntime-web. `float16` takes a `Float16Array` where the
 * browser has one, or a `Uint16Array` of raw IEEE half bits; outputs come back in whichever onnxruntime-web chose.
 * @example
 * ```ts
 * import type { DataTypeMap } from 'tensorlane';
 *
 * const ids: DataTypeMap['int64'] = BigInt64Array.of(101n, 2023n, 102n);
 * ```
 */
export interface DataTypeMap {
  /** 32-bit floats. */
  float32: Float32Array;
  /** 64-bit floats. */
  float64: Float64Array;
  /** 16-bit floats: a `Float16Array` where the browser has one, or a `Uint16Array` of raw IEEE half bits. */
  float16: Uint16Array | Float16ArrayOrNever;
  /** Signed 8-bit integers. */
  int8: Int8Array;
  /** Unsigned 8-bit integers. */
  uint8: Uint8Array;
  /** Signed 16-bit integers. */
  int16: Int16Array;
  /** Unsigned 16-bit integers. */
  uint16: Uint16Array;
  /** Signed 32-bit integers. */
  int32: Int32Array;
  /** Unsigned 32-bit integers. */
  uint32: Uint32Array;
  /** Signed 64-bit integers, as `bigint`s. */
  int64: BigInt64Array;
  /** Unsigned 64-bit integers, as `bigint`s. */
  uint64: BigUint64Array;
  /** Booleans, one byte each: 0 is false, anything else true. */
  bool: Uint8Array;
}

/**
 * Any typed array a tensor can hold.
 * @example
 * ```ts
 * import type { TensorData } from 'tensorlane';
 *
 * const sum = (data: TensorData) => Array.from(data, Number).reduce((a, b) => a + b, 0);
 * ```
 */
export type TensorData = DataTypeMap[DType];

/**
 * A tensor: element type, data, and dims (row-major). An onnxruntime-web `Tensor` qualifies.
 * @typeParam T - the element type; narrows `data` to its typed array.
 * @example
 * ```ts
 * import type { Tensor } from 'tensorlane';
 *
 * const x: Tensor<'float32'> = { type: 'float32', data: new Float32Array(2 * 256), dims: [2, 256] };
 * ```
 */
export interface Tensor<T extends DType = DType> {
  /** The element type. */
  readonly type: T;
  /** The elements, row-major, in the typed array of `type`; its length is the product of `dims`. */
  readonly data: DataTypeMap[T];
  /** The size of each dimension; `[]` for a scalar. */
  readonly dims: readonly number[];
}

/**
 * Named tensors: the inputs of one prediction, by input name.
 * @example
 * ```ts
 * import type { Feeds } from 'tensorlane';
 *
 * const feeds: Feeds = { x: { type: 'float32', data: new Float32Array(256), dims: [1, 256] } };
 * const { y } = await session.predict(feeds);
 * ```
 */
export type Feeds = Readonly<Record<string, Tensor>>;

/**
 * One dimension in model metadata: a fixed size, a symbolic name such as `'batch'`, or `'?'` if unnamed.
 * @example
 * ```ts
 * import type { Dim } from 'tensorlane';
 *
 * const dims: readonly Dim[] = session.inputs[0].dims; // e.g. ['batch', 256]
 * const fixed = dims.every((d): d is number => typeof d === 'number');
 * ```
 */
export type Dim = number | string;

/**
 * An input or output of the model as its metadata describes it.
 * @example
 * ```ts
 * import type { TensorInfo } from 'tensorlane';
 *
 * for (const input of session.inputs satisfies readonly TensorInfo[]) {
 *   console.log(input.name, input.type, input.dims); // 'x' 'float32' ['batch', 256]
 * }
 * ```
 */
export interface TensorInfo {
  /** The name to use as a key in {@link Feeds} (inputs) or to read from the outputs. */
  readonly name: string;
  /** The element type. */
  readonly type: DType;
  /** Empty when the model does not declare a shape. */
  readonly dims: readonly Dim[];
}

/**
 * The outputs of one prediction, by output name. Their buffers belong to the caller.
 * @example
 * ```ts
 * import type { Outputs } from 'tensorlane';
 *
 * const outputs: Outputs = await session.predict(feeds);
 * const logits = outputs['y']; // { type: 'float32', data: Float32Array, dims: [1, 10] }
 * ```
 */
export type Outputs = Record<string, Tensor>;
