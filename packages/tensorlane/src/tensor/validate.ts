import { TensorlaneError, messageOf } from '../errors.js';
import { arraysOf, describe, isDType } from './dtypes.js';
import { isDetached, placeOf, typedArrayName, viewOfClass } from './intrinsics.js';
import { formatDims, sizeOf } from './shape.js';
import type { Tensor, TensorInfo } from '../types/tensor.js';

function invalid(message: string): TensorlaneError {
  return new TensorlaneError('INVALID_INPUT', message);
}

function labelOf(info: TensorInfo, prefix: string): string {
  return `${prefix}input "${info.name}"`;
}

/**
 * `dims` copied into an array of its own, if it is an array of non-negative safe integers: each element is read once,
 * by index (never through an iterator or `slice` the caller may have replaced), and the copy is what is checked and sent.
 */
function readDims(dims: unknown): number[] | undefined {
  if (!Array.isArray(dims)) return undefined;
  const length = dims.length;
  const out = new Array<number>(length);
  for (let axis = 0; axis < length; axis++) {
    const d: unknown = dims[axis];
    if (!Number.isSafeInteger(d) || (d as number) < 0) return undefined;
    out[axis] = d as number;
  }
  return out;
}

/**
 * Checks `dims` against the model's rank and fixed dims of `info`.
 * @throws TensorlaneError `INVALID_INPUT` naming the input, its dims and the model's.
 */
export function checkDims(dims: readonly number[], info: TensorInfo, prefix: string): void {
  const expected = info.dims;
  if (expected.length === 0) return;
  if (dims.length !== expected.length) {
    throw invalid(`${labelOf(info, prefix)} has dims ${formatDims(dims)} but the model expects rank ${expected.length} (${formatDims(expected)})`);
  }
  for (let axis = 0; axis < expected.length; axis++) {
    const want = expected[axis];
    if (typeof want === 'number' && dims[axis] !== want) {
      throw invalid(`${labelOf(info, prefix)} has dims ${formatDims(dims)} but the model expects ${want} at dim ${axis} (${formatDims(expected)})`);
    }
  }
}

/**
 * Checks one tensor against the model's description of that input and returns it as a plain `{ type, data, dims }`
 * (reading `data` through getters, as onnxruntime-web's `Tensor` has them), ready to post. Messages are built only
 * when something is wrong.
 */
export function readTensor(value: unknown, info: TensorInfo, prefix: string): Tensor {
  if (typeof value !== 'object' || value === null) {
    throw invalid(`${labelOf(info, prefix)} must be a tensor { type, data, dims }, got ${describe(value)}`);
  }
  let type: unknown, data: unknown, dims: unknown;
  try {
    ({ type, data, dims } = value as { type?: unknown; data?: unknown; dims?: unknown });
  } catch (error) {
    // e.g. an onnxruntime-web Tensor whose data lives on the GPU: its `data` getter throws.
    throw new TensorlaneError('INVALID_INPUT', `${labelOf(info, prefix)} could not be read: ${messageOf(error)}`, { cause: error });
  }
  if (type !== info.type) {
    throw invalid(isDType(type) ? `${labelOf(info, prefix)} has type "${type}" but the model expects "${info.type}"` : `${labelOf(info, prefix)} has type ${describe(type)}; expected "${info.type}"`);
  }
  // The array's class, place and length are read from its internal slots; what is sent is a view of this realm's
  // class over the same elements, so no getter, tag or subclass of the caller's can make it say otherwise.
  const tag = typedArrayName(data);
  if (tag === undefined || !arraysOf(info.type).includes(tag)) {
    throw invalid(
      tag === undefined
        ? `${labelOf(info, prefix)} data is ${describe(data)}, not a typed array; use a ${arraysOf(info.type).join(' or ')}`
        : `${labelOf(info, prefix)} data is a ${tag} but type "${info.type}" needs a ${arraysOf(info.type).join(' or ')}`,
    );
  }
  const read = readDims(dims);
  if (read === undefined) {
    const shown = Array.isArray(dims) ? `[${Array.from({ length: dims.length }, (_, axis) => describe(dims[axis])).join(',')}]` : describe(dims);
    throw invalid(`${labelOf(info, prefix)} has dims ${shown}; expected an array of non-negative integers`);
  }
  checkDims(read, info, prefix);
  const size = sizeOf(read);
  const { buffer, byteOffset, length } = placeOf(data as Tensor['data']);
  const detached = isDetached(buffer);
  if (size > 0 && detached) {
    throw invalid(
      `${labelOf(info, prefix)} data is detached (its buffer was transferred by an earlier call); pass a fresh array, or { copy: true } to keep yours`,
    );
  }
  if (length !== size) {
    throw invalid(`${labelOf(info, prefix)} has ${length} elements but dims ${formatDims(read)} need ${size}`);
  }
  return { type: info.type, data: viewOfClass(tag, detached ? new ArrayBuffer(0) : buffer, detached ? 0 : byteOffset, length), dims: read };
}

/**
 * Checks `feeds` against the model's inputs: names, dtypes, typed array classes, rank, fixed dims, element counts,
 * detached buffers, and that a symbolic dim has one value across inputs. Returns plain tensors, in the order of the
 * inputs. `prefix` is prepended to messages, e.g. `item 3: `.
 * @throws TensorlaneError `INVALID_INPUT` naming the offending input and the expectation.
 */
export type FeedsReader = (feeds: unknown, prefix?: string) => Record<string, Tensor>;

/** Reads the value given for one input, as a tensor to post; `prefix` as the {@link FeedsReader}'s. */
export type InputReader = (value: unknown, info: TensorInfo, prefix: string) => Tensor;

/**
 * The {@link FeedsReader} of one model's inputs, with what it needs worked out once: the session checks every call
 * with it, so the common case allocates nothing but the tensors it returns.
 * @param readers - how to read inputs that take more than tensors (pictures), by name; the others are read as tensors.
 */
export function createFeedsReader(inputs: readonly TensorInfo[], readers: Readonly<Record<string, InputReader>> = {}): FeedsReader {
  const readOf = inputs.map((info) => (Object.hasOwn(readers, info.name) ? readers[info.name]! : readTensor));
  const known = new Set(inputs.map((info) => info.name));
  /** Inputs with a named symbolic dim, which must have one value across inputs. */
  const symbolic = inputs.some((info) => info.dims.some((d) => typeof d === 'string' && d !== '?'));

  function checkNames(feeds: object, prefix: string): void {
    let count = 0;
    for (const name in feeds) {
      if (!Object.hasOwn(feeds, name)) continue;
      if (!known.has(name)) {
        throw invalid(`${prefix}unknown input "${name}"; the model's inputs are ${inputs.map((i) => `"${i.name}"`).join(', ')}`);
      }
      count++;
    }
    if (count === inputs.length) return;
    const missing = inputs.find((info) => !Object.hasOwn(feeds, info.name))!;
    throw invalid(`${prefix}missing input "${missing.name}" (${missing.type} ${formatDims(missing.dims)})`);
  }

  function checkSymbols(out: Record<string, Tensor>, prefix: string): void {
    const symbols = new Map<string, { value: number; input: string }>();
    for (const info of inputs) {
      info.dims.forEach((dim, axis) => {
        if (typeof dim !== 'string' || dim === '?') return;
        const value = out[info.name]!.dims[axis]!;
        const seen = symbols.get(dim);
        if (seen === undefined) symbols.set(dim, { value, input: info.name });
        else if (seen.value !== value) {
          throw invalid(`${prefix}input "${info.name}" has ${dim}=${value} at dim ${axis} but input "${seen.input}" has ${dim}=${seen.value}`);
        }
      });
    }
  }

  return (feeds, prefix = '') => {
    if (typeof feeds !== 'object' || feeds === null || Array.isArray(feeds) || ArrayBuffer.isView(feeds)) {
      throw invalid(`${prefix}feeds must be an object of input name to tensor, got ${describe(feeds)}`);
    }
    checkNames(feeds, prefix);
    const out: Record<string, Tensor> = {};
    for (let k = 0; k < inputs.length; k++) {
      const info = inputs[k]!;
      out[info.name] = readOf[k]!((feeds as Record<string, unknown>)[info.name], info, prefix);
    }
    if (symbolic && inputs.length > 1) checkSymbols(out, prefix);
    return out;
  };
}
