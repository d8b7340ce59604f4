import { TensorlaneError, messageOf } from '../errors.js';
import { arraysOf, describe, holds, isDType, typedArrayName } from './dtypes.js';
import { formatDims, sizeOf } from './shape.js';
import { isDetached } from './transfer.js';
import type { Tensor, TensorData, TensorInfo } from './types.js';

function invalid(message: string): TensorlaneError {
  return new TensorlaneError('INVALID_INPUT', message);
}

/**
 * Checks one tensor against the model's description of that input and returns it as a plain `{ type, data, dims }`
 * (reading `data` through getters, as onnxruntime-web's `Tensor` has them), ready to post.
 */
function readTensor(value: unknown, info: TensorInfo, label: string): Tensor {
  if (typeof value !== 'object' || value === null) {
    throw invalid(`${label} must be a tensor { type, data, dims }, got ${describe(value)}`);
  }
  let type: unknown, data: unknown, dims: unknown;
  try {
    ({ type, data, dims } = value as { type?: unknown; data?: unknown; dims?: unknown });
  } catch (error) {
    // e.g. an onnxruntime-web Tensor whose data lives on the GPU: its `data` getter throws.
    throw new TensorlaneError('INVALID_INPUT', `${label} could not be read: ${messageOf(error)}`, { cause: error });
  }
  if (!isDType(type)) {
    throw invalid(`${label} has type ${describe(type)}; expected "${info.type}"`);
  }
  if (type !== info.type) {
    throw invalid(`${label} has type "${type}" but the model expects "${info.type}"`);
  }
  if (typedArrayName(data) === undefined) {
    throw invalid(`${label} data is ${describe(data)}, not a typed array; use a ${arraysOf(type).join(' or ')}`);
  }
  if (!holds(type, data)) {
    throw invalid(`${label} data is a ${typedArrayName(data)} but type "${type}" needs a ${arraysOf(type).join(' or ')}`);
  }
  if (!Array.isArray(dims) || !dims.every((d) => Number.isSafeInteger(d) && (d as number) >= 0)) {
    const shown = Array.isArray(dims) ? `[${dims.map((d) => describe(d)).join(',')}]` : describe(dims);
    throw invalid(`${label} has dims ${shown}; expected an array of non-negative integers`);
  }
  const shape = dims as number[];
  const expected = info.dims;
  if (expected.length > 0) {
    if (shape.length !== expected.length) {
      throw invalid(
        `${label} has dims ${formatDims(shape)} but the model expects rank ${expected.length} (${formatDims(expected)})`,
      );
    }
    expected.forEach((want, axis) => {
      if (typeof want === 'number' && shape[axis] !== want) {
        throw invalid(
          `${label} has dims ${formatDims(shape)} but the model expects ${want} at dim ${axis} (${formatDims(expected)})`,
        );
      }
    });
  }
  const size = sizeOf(shape);
  if (size > 0 && isDetached(data.buffer)) {
    throw invalid(
      `${label} data is detached (its buffer was transferred by an earlier call); pass a fresh array, or { copy: true } to keep yours`,
    );
  }
  if (data.length !== size) {
    throw invalid(`${label} has ${data.length} elements but dims ${formatDims(shape)} need ${size}`);
  }
  return { type, data: data as TensorData, dims: [...shape] };
}

/**
 * Checks `feeds` against the model's inputs: names, dtypes, typed array classes, rank, fixed dims, element
 * counts, detached buffers, and that a symbolic dim has one value across inputs. Returns plain tensors.
 * @param prefix - prepended to messages, e.g. `item 3: `.
 * @throws TensorlaneError `INVALID_INPUT` naming the offending input and the expectation.
 */
export function readFeeds(feeds: unknown, inputs: readonly TensorInfo[], prefix = ''): Record<string, Tensor> {
  if (typeof feeds !== 'object' || feeds === null || Array.isArray(feeds) || ArrayBuffer.isView(feeds)) {
    throw invalid(`${prefix}feeds must be an object of input name to tensor, got ${describe(feeds)}`);
  }
  const known = new Map(inputs.map((info) => [info.name, info]));
  const list = inputs.map((i) => `"${i.name}"`).join(', ');
  for (const name of Object.keys(feeds)) {
    if (!known.has(name)) throw invalid(`${prefix}unknown input "${name}"; the model's inputs are ${list}`);
  }
  const out: Record<string, Tensor> = {};
  const symbols = new Map<string, { value: number; input: string }>();
  for (const info of inputs) {
    const label = `${prefix}input "${info.name}"`;
    if (!Object.hasOwn(feeds, info.name)) {
      throw invalid(`${prefix}missing input "${info.name}" (${info.type} ${formatDims(info.dims)})`);
    }
    const tensor = readTensor((feeds as Record<string, unknown>)[info.name], info, label);
    info.dims.forEach((dim, axis) => {
      if (typeof dim !== 'string' || dim === '?') return;
      const value = tensor.dims[axis]!;
      const seen = symbols.get(dim);
      if (seen === undefined) symbols.set(dim, { value, input: info.name });
      else if (seen.value !== value) {
        throw invalid(`${label} has ${dim}=${value} at dim ${axis} but input "${seen.input}" has ${dim}=${seen.value}`);
      }
    });
    out[info.name] = tensor;
  }
  return out;
}
