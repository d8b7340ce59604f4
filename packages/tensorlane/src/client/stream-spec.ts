// openStream's options, checked against the model on the page and resolved into the StreamSpec the worker takes:
// which outputs feed which inputs, the first values (zeros of dims the options size), what a step returns, the limits
// of growing dims, and the axis each input and output stacks along when streams share a run.
import { describe } from '../tensor/dtypes.js';
import { formatDims } from '../tensor/shape.js';
import { copied } from '../tensor/transfer.js';
import { createFeedsReader } from '../tensor/validate.js';
import type { InitialValue, StreamOptions } from '../types/streams.js';
import type { TensorInfo } from '../types/tensor.js';
import type { StreamSpec } from '../wire/protocol.js';
import { badOption, checkKeys, checkObject, keysOf } from './check-values.js';

const STREAM_OPTIONS = keysOf({
  carry: true, initial: true, dims: true, outputs: true, limits: true, axes: true,
} satisfies Record<keyof StreamOptions, true>);

/** The model's side of a stream: its inputs and outputs. */
export interface ModelFacts {
  readonly inputs: readonly TensorInfo[];
  readonly outputs: readonly TensorInfo[];
}

function record(value: unknown, name: string, example: string): Readonly<Record<string, unknown>> {
  if (value === undefined) return {};
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  throw badOption(`openStream() option "${name}" is ${describe(value)}; expected an object, e.g. ${example}`);
}

function sizes(value: unknown, name: string, min: number): Readonly<Record<string, number>> {
  const out = record(value, name, '{ past: 0 }');
  for (const [dim, size] of Object.entries(out)) {
    if (!Number.isSafeInteger(size) || (size as number) < min) {
      throw badOption(`openStream() option "${name}.${dim}" is ${describe(size)}; expected an integer >= ${min}`);
    }
  }
  return out as Record<string, number>;
}

const find = (infos: readonly TensorInfo[], name: string) => infos.find((info) => info.name === name);
const list = (infos: readonly TensorInfo[]) => infos.map((info) => `"${info.name}"`).join(', ');

/** The first dim of a carried input that is not a fixed size: where streams stack it. */
const batchAxisOf = (info: TensorInfo) => info.dims.findIndex((dim) => typeof dim !== 'number');

/** Zeros' dims for a carried input: its fixed dims, its symbolic dims from `dims`, its batch dim 1. */
function zeroDims(info: TensorInfo, dims: Readonly<Record<string, number>>): number[] {
  const axis = batchAxisOf(info);
  return info.dims.map((dim, i) => {
    if (typeof dim === 'number') return dim;
    if (Object.hasOwn(dims, dim)) return dims[dim]!;
    if (i === axis) return 1;
    const fix = dim === '?' ? `initial: { ${info.name}: { dims: [...] } }` : `dims: { ${dim}: … } or initial: { ${info.name}: … }`;
    throw badOption(`openStream(): carried input "${info.name}" ${formatDims(info.dims)} has ${dim === '?' ? 'an unnamed dynamic dim' : `dim "${dim}"`} at dim ${i} that nothing sizes; pass ${fix}`);
  });
}

/** Checks `{ dims }` of zeros against the input. */
function checkZeros(info: TensorInfo, dims: unknown): number[] {
  const what = `openStream() option "initial.${info.name}.dims"`;
  if (!Array.isArray(dims) || !dims.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw badOption(`${what} is ${describe(dims)}; expected an array of integers >= 0`);
  }
  const fits = info.dims.length === 0 || (dims.length === info.dims.length && info.dims.every((d, i) => typeof d !== 'number' || d === dims[i]));
  if (!fits) throw badOption(`${what} is ${formatDims(dims)} but input "${info.name}" is ${formatDims(info.dims)}`);
  return [...(dims as number[])];
}

/** The first values of the carried inputs; tensors are checked and copied (the page keeps them for reset). */
export function resolveInitial(options: Pick<StreamOptions, 'initial' | 'dims'>, carried: readonly TensorInfo[]): StreamSpec['initial'] {
  const initial = record(options.initial, 'initial', '{ state: { dims: [2, 1, 128] } }');
  const dims = sizes(options.dims, 'dims', 0);
  for (const name of Object.keys(initial)) {
    if (!find(carried, name)) throw badOption(`openStream() option "initial" names "${name}", which is not a carried input; those are ${list(carried)}`);
  }
  const out: Record<string, StreamSpec['initial'][string]> = {};
  for (const info of carried) {
    const value = initial[info.name] as InitialValue | undefined;
    if (value === undefined) out[info.name] = { dims: zeroDims(info, dims) };
    else if (typeof value === 'object' && value !== null && !('data' in value)) out[info.name] = { dims: checkZeros(info, value.dims) };
    else out[info.name] = copied(createFeedsReader([info])({ [info.name]: value }, 'openStream() initial: '))[info.name]!;
  }
  return out;
}

/**
 * Checks openStream's options against the model and resolves them.
 * @returns the spec, and the inputs a step is given (those not carried).
 * @throws TensorlaneError `INVALID_OPTIONS` naming the option, `INVALID_INPUT` for an initial tensor.
 */
export function resolveStream(options: StreamOptions, model: ModelFacts): { spec: StreamSpec; stepInputs: TensorInfo[] } {
  checkKeys(checkObject(options, 'openStream()'), STREAM_OPTIONS, 'openStream()');
  const carry = record(options.carry, 'carry', "{ stateN: 'state' }") as Record<string, string>;
  if (Object.keys(carry).length === 0) throw badOption('openStream() option "carry" is empty; name at least one output → input pair, e.g. { stateN: \'state\' }');
  const carried: TensorInfo[] = [];
  for (const [output, input] of Object.entries(carry)) {
    const out = find(model.outputs, output);
    const into = typeof input === 'string' ? find(model.inputs, input) : undefined;
    if (!out) throw badOption(`openStream() option "carry" names output "${output}", which the model does not have; its outputs are ${list(model.outputs)}`);
    if (!into) throw badOption(`openStream() option "carry.${output}" is ${describe(input)}, not an input of the model; its inputs are ${list(model.inputs)}`);
    if (out.type !== into.type) throw badOption(`openStream() option "carry" feeds output "${output}" (${out.type}) into input "${input}" (${into.type}); their types differ`);
    if (carried.includes(into)) throw badOption(`openStream() option "carry" feeds input "${input}" from two outputs`);
    carried.push(into);
  }
  const outputs = options.outputs ?? model.outputs.map((info) => info.name).filter((name) => !Object.hasOwn(carry, name));
  if (!Array.isArray(outputs) || outputs.some((name) => !find(model.outputs, name))) {
    throw badOption(`openStream() option "outputs" is ${describe(outputs)}; expected a list of the model's outputs (${list(model.outputs)})`);
  }
  const limits = sizes(options.limits, 'limits', 1);
  const symbols = new Set(carried.flatMap((info) => info.dims.filter((dim): dim is string => typeof dim === 'string' && dim !== '?')));
  for (const dim of Object.keys(limits)) {
    if (!symbols.has(dim)) throw badOption(`openStream() option "limits" names dim "${dim}", which no carried input has; theirs are ${[...symbols].map((d) => `"${d}"`).join(', ') || 'none'}`);
  }
  const axes: Record<string, number> = {};
  for (const info of model.inputs) axes[info.name] = carried.includes(info) ? batchAxisOf(info) : info.dims.length === 0 ? -1 : 0;
  for (const info of model.outputs) axes[info.name] = Object.hasOwn(carry, info.name) ? axes[carry[info.name]!]! : 0;
  for (const [name, axis] of Object.entries(record(options.axes, 'axes', '{ state: 1 }'))) {
    const info = find(model.inputs, name) ?? find(model.outputs, name);
    if (!info) throw badOption(`openStream() option "axes" names "${name}", which is no input or output of the model`);
    if (!Number.isSafeInteger(axis) || (axis as number) < -1 || (info.dims.length > 0 && (axis as number) >= info.dims.length)) {
      throw badOption(`openStream() option "axes.${name}" is ${describe(axis)}; expected -1 or a dim of ${formatDims(info.dims)}`);
    }
    axes[name] = axis as number;
  }
  const initial = resolveInitial(options, carried);
  return { spec: { carry: { ...carry }, initial, outputs: [...outputs], limits, axes }, stepInputs: model.inputs.filter((info) => !carried.includes(info)) };
}
