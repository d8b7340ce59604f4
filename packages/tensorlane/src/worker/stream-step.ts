// One run of stream steps: the steps of several streams stacked along their batch axes (carried values taken from
// each stream's state, on the GPU where they live), run once, and cut apart again; each stream's carried outputs
// become its state, its returned outputs are read back. Called while the session is held (Runner.exclusive).
import type * as Ort from 'onnxruntime-web';
import { TensorlaneError } from '../errors.js';
import { concatAlong, splitAlong } from '../tensor/axis.js';
import { formatDims } from '../tensor/shape.js';
import type { Feeds, Tensor, TensorInfo } from '../types/tensor.js';
import type { StreamSpec } from '../wire/protocol.js';
import type { OrtModule } from './backend-table.js';
import { onGpu, splitValue, stackValues, toCpu, type Value } from './gpu-stack.js';
import { runOrt } from './run-model.js';

/** A stream as a run sees it: its id (for messages), what it carries, and its state, by carried input. */
export interface Stepping {
  readonly id: number;
  readonly spec: StreamSpec;
  readonly state: Map<string, Value>;
}

/** One step to run: the stream and the inputs it was given. */
export interface StepRequest {
  readonly stream: Stepping;
  readonly feeds: Feeds;
}

export type StepOutcome = { readonly outputs: Feeds } | { readonly error: TensorlaneError };

export interface StepContext {
  readonly ort: OrtModule;
  readonly session: Ort.InferenceSession;
  readonly inputs: readonly TensorInfo[];
}

/** Shared inputs whose values are compared (as text) to decide whether steps may share a run; larger ones run alone. */
const SHARED_COMPARED = 64;
let unique = 0;

/** A step's value for each model input: its own feed, or its stream's carried value. */
function valueOf(request: StepRequest, name: string): Tensor | Value {
  return request.stream.state.get(name) ?? request.feeds[name]!;
}

/**
 * What steps must share to run together, with their rows along the batch axis: the stream's spec, and every input's
 * type and dims beyond its axis (a shared input's value, in full). `undefined` rows: the inputs disagree on it.
 */
export function stepKey(request: StepRequest, inputs: readonly TensorInfo[]): { readonly key: string; readonly rows: number | undefined } {
  const { spec } = request.stream;
  const alone = { key: `#${unique++}`, rows: undefined };
  // A stream whose state or outputs do not stack runs alone.
  if (Object.values(spec.carry).some((input) => spec.axes[input]! < 0) || spec.outputs.some((output) => spec.axes[output]! < 0)) return alone;
  let key = JSON.stringify([spec.carry, spec.outputs, spec.axes, spec.limits]);
  let rows: number | undefined;
  let agree = true;
  for (const { name } of inputs) {
    const { type, dims } = valueOf(request, name);
    const axis = spec.axes[name]!;
    if (axis < 0) {
      const data = (request.feeds[name]?.data ?? []) as ArrayLike<unknown>;
      key += `;${name}:${type}[${dims.join(',')}]=${data.length <= SHARED_COMPARED ? Array.from(data, String).join(',') : `#${unique++}`}`;
      continue;
    }
    if (rows !== undefined && dims[axis] !== rows) agree = false;
    rows ??= dims[axis];
    key += `;${name}:${type}[${dims.map((d, i) => (i === axis ? '*' : d)).join(',')}]`;
  }
  return agree ? { key, rows } : alone;
}

/** Stacks the batch's inputs; `made` collects the stacked values, to dispose after the run. */
async function stackInputs(context: StepContext, batch: readonly StepRequest[], made: Value[]): Promise<Record<string, Ort.Tensor>> {
  const { ort, inputs } = context;
  const { axes } = batch[0]!.stream.spec;
  const feeds: Record<string, Ort.Tensor> = {};
  for (const { name } of inputs) {
    const values = batch.map((request) => valueOf(request, name));
    const axis = axes[name]!;
    const carried = batch[0]!.stream.state.has(name);
    if (values.length === 1 || axis < 0) {
      const [value] = values;
      feeds[name] = carried ? (value as Value) : new ort.Tensor(value!.type, value!.data as Ort.Tensor.DataType as Float32Array, value!.dims);
    } else if (carried) {
      made.push((feeds[name] = await stackValues(ort, values as Value[], axis)));
    } else {
      const { type, data, dims } = concatAlong(values as Tensor[], axis);
      feeds[name] = new ort.Tensor(type, data as Ort.Tensor.DataType as Float32Array, dims);
    }
  }
  return feeds;
}

/** Why a carried value cannot be fed to its input (rank, a fixed dim, a limit), or undefined when it can. */
function unfit(stream: Stepping, output: string, value: Value, info: TensorInfo): TensorlaneError | undefined {
  const { dims } = value;
  const what = `stream ${stream.id}: carried output "${output}" has dims ${formatDims(dims)}`;
  if (info.dims.length > 0 && dims.length !== info.dims.length) {
    return new TensorlaneError('INVALID_OPTIONS', `${what} but input "${info.name}" it is carried into has rank ${info.dims.length} (${formatDims(info.dims)})`);
  }
  for (let axis = 0; axis < info.dims.length; axis++) {
    const want = info.dims[axis]!;
    if (typeof want === 'number' && dims[axis] !== want) {
      return new TensorlaneError('INVALID_OPTIONS', `${what} but input "${info.name}" it is carried into expects ${want} at dim ${axis} (${formatDims(info.dims)})`);
    }
    const limit = typeof want === 'string' ? stream.spec.limits[want] : undefined;
    if (limit !== undefined && dims[axis]! > limit) {
      return new TensorlaneError(
        'STATE_LIMIT',
        `${what}: ${want}=${dims[axis]} at dim ${axis} is past its limit of ${limit} (openStream limits); the state stays as it was: reset() the stream, or open it with a larger limit`,
        { details: { stream: stream.id, output, dim: want, size: dims[axis], limit } },
      );
    }
  }
  return undefined;
}

/** Each step's part of one output: cut along its axis (read back once when returned), or as it is for one step. */
async function splitOutput(context: StepContext, batch: readonly StepRequest[], name: string, whole: Value, rows: readonly number[]) {
  const { spec } = batch[0]!.stream;
  const carried = Object.hasOwn(spec.carry, name);
  const returned = spec.outputs.includes(name);
  const axis = spec.axes[name]!;
  if (batch.length > 1 && whole.dims[axis] !== rows.reduce((a, b) => a + b, 0)) {
    throw new TensorlaneError(
      'RUN_FAILED',
      `output "${name}" has dims ${formatDims(whole.dims)} for ${batch.length} streams stacked along dim ${axis}; the model does not batch streams along it (openStream axes)`,
    );
  }
  let values: Tensor[] | undefined;
  if (returned) {
    // A value both carried and returned is copied out: the page takes the returned buffers.
    const cpu = await toCpu(whole, !carried);
    const data = carried && !onGpu(whole) ? cpu.data.slice() : cpu.data;
    values = batch.length === 1 ? [{ ...cpu, data: data as Tensor['data'] }] : splitAlong({ ...cpu, data: data as Tensor['data'] }, axis, rows);
  }
  let state: Value[] | undefined;
  if (carried) state = batch.length === 1 ? [whole] : await splitValue(context.ort, whole, axis, rows);
  else if (onGpu(whole) && !returned) whole.dispose();
  return { values, state };
}

/**
 * Runs `batch` (steps whose {@link stepKey}s are equal, of different streams) as one run, and gives each stream its
 * new state. A step whose carried outputs do not fit fails alone, its stream's state as it was.
 * @throws TensorlaneError `RUN_FAILED` when the run failed (nothing changed then).
 */
export async function runSteps(context: StepContext, batch: readonly StepRequest[], rows: readonly number[]): Promise<StepOutcome[]> {
  const made: Value[] = [];
  let results: Ort.InferenceSession.ReturnType;
  try {
    results = await runOrt(context.session, await stackInputs(context, batch, made));
  } finally {
    for (const value of made) value.dispose();
  }
  const outputs: Record<string, Tensor>[] = batch.map(() => ({}));
  const carried: Array<Map<string, Value>> = batch.map(() => new Map());
  const pending = Object.entries(results);
  try {
    while (pending.length > 0) {
      const [name, whole] = pending.shift()!;
      const { values, state } = await splitOutput(context, batch, name, whole, rows);
      values?.forEach((value, i) => (outputs[i]![name] = value));
      state?.forEach((value, i) => carried[i]!.set(batch[0]!.stream.spec.carry[name]!, value));
    }
  } catch (error) {
    for (const [, value] of pending) if (onGpu(value)) value.dispose();
    for (const map of carried) for (const value of map.values()) value.dispose();
    throw error;
  }
  return batch.map(({ stream }, i) => {
    const next = carried[i]!;
    let error: TensorlaneError | undefined;
    for (const [output, input] of Object.entries(stream.spec.carry)) {
      error ??= unfit(stream, output, next.get(input)!, context.inputs.find((info) => info.name === input)!);
    }
    for (const value of (error ? next : stream.state).values()) value.dispose();
    if (error) return { error };
    for (const [input, value] of next) stream.state.set(input, value);
    return { outputs: outputs[i]! };
  });
}
