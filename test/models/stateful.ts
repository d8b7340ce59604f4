// Test models that carry state from one step to the next, with reference implementations stepped in plain
// TypeScript (float64 loops, no onnxruntime): a one-head attention decoder with a key/value cache that grows a
// position a step, and a recurrent cell whose state size the bench chooses.
import { encodeModel } from './onnx.ts';
import { seededFloats } from './zoo.ts';

// ---- decoder: input_ids[batch,1] + past_key/past_value[batch,past,D] -> logits[batch,1,V], present_*[batch,total,D] --

export const DECODER = { vocab: 16, dim: 8 } as const;
const { vocab: V, dim: D } = DECODER;
const decoderWeights = {
  emb: seededFloats(V * D, 31),
  wq: seededFloats(D * D, 32, 1 / Math.sqrt(D)),
  wk: seededFloats(D * D, 33, 1 / Math.sqrt(D)),
  wv: seededFloats(D * D, 34, 1 / Math.sqrt(D)),
  wo: seededFloats(D * V, 35, 1 / Math.sqrt(D)),
};

export function buildDecoder(): Uint8Array {
  return encodeModel({
    name: 'decoder',
    inputs: [
      { name: 'input_ids', type: 'int64', dims: ['batch', 1] },
      { name: 'past_key', type: 'float32', dims: ['batch', 'past', D] },
      { name: 'past_value', type: 'float32', dims: ['batch', 'past', D] },
    ],
    outputs: [
      { name: 'logits', type: 'float32', dims: ['batch', 1, V] },
      { name: 'present_key', type: 'float32', dims: ['batch', 'total', D] },
      { name: 'present_value', type: 'float32', dims: ['batch', 'total', D] },
    ],
    initializers: [
      { name: 'emb', dims: [V, D], data: decoderWeights.emb },
      { name: 'wq', dims: [D, D], data: decoderWeights.wq },
      { name: 'wk', dims: [D, D], data: decoderWeights.wk },
      { name: 'wv', dims: [D, D], data: decoderWeights.wv },
      { name: 'wo', dims: [D, V], data: decoderWeights.wo },
      { name: 'scale', dims: [1], data: Float32Array.of(1 / Math.sqrt(D)) },
    ],
    nodes: [
      { op: 'Gather', inputs: ['emb', 'input_ids'], outputs: ['e'], attrs: { axis: 0 } },
      { op: 'MatMul', inputs: ['e', 'wq'], outputs: ['q'] },
      { op: 'MatMul', inputs: ['e', 'wk'], outputs: ['k'] },
      { op: 'MatMul', inputs: ['e', 'wv'], outputs: ['v'] },
      { op: 'Concat', inputs: ['past_key', 'k'], outputs: ['present_key'], attrs: { axis: 1 } },
      { op: 'Concat', inputs: ['past_value', 'v'], outputs: ['present_value'], attrs: { axis: 1 } },
      { op: 'Transpose', inputs: ['present_key'], outputs: ['kt'], attrs: { perm: [0, 2, 1] } },
      { op: 'MatMul', inputs: ['q', 'kt'], outputs: ['s'] },
      { op: 'Mul', inputs: ['s', 'scale'], outputs: ['s2'] },
      { op: 'Softmax', inputs: ['s2'], outputs: ['p'], attrs: { axis: -1 } },
      { op: 'MatMul', inputs: ['p', 'present_value'], outputs: ['a'] },
      { op: 'Add', inputs: ['a', 'e'], outputs: ['h'] },
      { op: 'MatMul', inputs: ['h', 'wo'], outputs: ['logits'] },
    ],
  });
}

const matVec = (x: ArrayLike<number>, w: Float32Array, rows: number, cols: number) =>
  Array.from({ length: cols }, (_, j) => {
    let s = 0;
    for (let i = 0; i < rows; i++) s += x[i]! * w[i * cols + j]!;
    return s;
  });

/**
 * The decoder stepped in plain TypeScript, one sequence: `step(token)` returns that step's logits (V values) and keeps
 * the key/value cache, as a stream carries it.
 */
export function decoderReference() {
  const keys: number[][] = [];
  const values: number[][] = [];
  return {
    step(token: number): Float32Array {
      const e = Array.from(decoderWeights.emb.subarray(token * D, (token + 1) * D));
      const q = matVec(e, decoderWeights.wq, D, D);
      keys.push(matVec(e, decoderWeights.wk, D, D));
      values.push(matVec(e, decoderWeights.wv, D, D));
      const scores = keys.map((k) => k.reduce((s, kd, d) => s + kd * q[d]!, 0) / Math.sqrt(D));
      const top = Math.max(...scores);
      const weights = scores.map((s) => Math.exp(s - top));
      const total = weights.reduce((a, b) => a + b, 0);
      const h = e.map((ed, d) => ed + values.reduce((s, v, t) => s + (weights[t]! / total) * v[d]!, 0));
      return Float32Array.from(matVec(h, decoderWeights.wo, D, V));
    },
    get length() {
      return keys.length;
    },
  };
}

// ---- recurrent cell: x[batch,1] + state[batch,S] -> y[batch,1], state_out[batch,S]: state_out = state * 0.5 + x, y = sum

/** A cell whose state has `size` float32 values a row and whose input one: the bench's small and large state. */
export function buildRecurrent(size: number): Uint8Array {
  return encodeModel({
    name: `recurrent-${size}`,
    inputs: [
      { name: 'x', type: 'float32', dims: ['batch', 1] },
      { name: 'state', type: 'float32', dims: ['batch', size] },
    ],
    outputs: [
      { name: 'y', type: 'float32', dims: ['batch', 1] },
      { name: 'state_out', type: 'float32', dims: ['batch', size] },
    ],
    initializers: [
      { name: 'decay', dims: [1], data: Float32Array.of(0.5) },
      { name: 'axes', dims: [1], data: BigInt64Array.of(1n) },
    ],
    nodes: [
      { op: 'Mul', inputs: ['state', 'decay'], outputs: ['kept'] },
      { op: 'Add', inputs: ['kept', 'x'], outputs: ['state_out'] },
      { op: 'ReduceSum', inputs: ['state_out', 'axes'], outputs: ['y'], attrs: { keepdims: 1 } },
    ],
  });
}
