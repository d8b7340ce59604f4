import { TensorlaneError } from '../errors.js';
import type { BatchingMode } from '../types/options.js';
import type { BatchingInfo } from '../types/session.js';
import { DTYPES, isDType } from '../tensor/dtypes.js';
import type { Dim, TensorInfo } from '../types/tensor.js';

/** The shape of onnxruntime-web's `session.inputMetadata` entries (structural, so this file needs no ORT import). */
export type OrtValueMetadata =
  | { readonly name: string; readonly isTensor: false }
  | { readonly name: string; readonly isTensor: true; readonly type: string; readonly shape: ReadonlyArray<number | string> };

/** Name used for a dynamic dim that the model leaves unnamed. */
export const UNNAMED_DIM = '?';

/**
 * One metadata dim: sizes stay numbers; symbolic names stay strings; unnamed dynamic dims, which onnxruntime-web
 * reports as 4294967295 (-1 read unsigned) or as a negative number, become `'?'`.
 */
export function toDim(dim: number | string): Dim {
  if (typeof dim === 'string') return dim === '' ? UNNAMED_DIM : dim;
  return Number.isSafeInteger(dim) && dim >= 0 && dim < 0xffffffff ? dim : UNNAMED_DIM;
}

/** Converts onnxruntime-web metadata; rejects values tensorlane cannot feed or return. */
export function toTensorInfo(meta: OrtValueMetadata, role: 'input' | 'output'): TensorInfo {
  if (!meta.isTensor) {
    throw new TensorlaneError(
      'MODEL_INVALID',
      `${role} "${meta.name}" is not a tensor (a sequence or map); tensorlane supports tensor ${role}s only`,
    );
  }
  if (!isDType(meta.type)) {
    throw new TensorlaneError(
      'MODEL_INVALID',
      `${role} "${meta.name}" has type "${meta.type}"; tensorlane supports ${DTYPES.join(', ')}`,
    );
  }
  return { name: meta.name, type: meta.type, dims: meta.shape.map(toDim) };
}

/**
 * Whether `predictBatch` may stack items along dim 0. With `'auto'` it stacks only when every input and output has
 * the same symbolic first dim, the only evidence in the metadata that dim 0 is the batch everywhere.
 */
export function decideBatching(
  inputs: readonly TensorInfo[],
  outputs: readonly TensorInfo[],
  mode: BatchingMode,
): BatchingInfo {
  if (mode === 'off') return { stacked: false, reason: "batching: 'off' was requested; items run one by one" };
  if (mode === 'stack') return { stacked: true, reason: "batching: 'stack' was requested; items are stacked along dim 0" };
  const all = [...inputs.map((t) => ['input', t] as const), ...outputs.map((t) => ['output', t] as const)];
  const [, first] = all[0] ?? [];
  const symbol = first?.dims[0];
  const hint = "items run one by one (pass batching: 'stack' if dim 0 is the batch in every input and output)";
  for (const [role, info] of all) {
    const dim = info.dims[0];
    if (dim === undefined) return { stacked: false, reason: `${role} "${info.name}" has no declared first dim; ${hint}` };
    if (typeof dim === 'number') {
      return { stacked: false, reason: `${role} "${info.name}" has a fixed first dim of ${dim}; ${hint}` };
    }
    if (dim === UNNAMED_DIM) {
      return { stacked: false, reason: `${role} "${info.name}" has an unnamed dynamic first dim; ${hint}` };
    }
    if (dim !== symbol) {
      return {
        stacked: false,
        reason: `${role} "${info.name}" has first dim "${dim}" but "${first?.name}" has "${String(symbol)}"; ${hint}`,
      };
    }
  }
  return { stacked: true, reason: `every input and output has first dim "${String(symbol)}"` };
}
