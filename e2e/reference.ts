// References computed in Node, independently of the browser: plain TypeScript for the generated models,
// onnxruntime-node (native CPU, not WASM or WebGPU) for the pretrained one.
import * as ortNode from 'onnxruntime-node';
import { readTextDirection } from '../test/models/pretrained.ts';
import { convNetReference, mlpReference, seededFloats } from '../test/models/zoo.ts';

export interface ModelCase {
  /** File under /models/. */
  readonly file: string;
  readonly input: string;
  readonly output: string;
  /** Dims of one prediction's input; dim 0 is the rows. */
  readonly dims: readonly number[];
  readonly batching?: 'stack';
  /** Outputs for `seededFloats(size(dims), seed)`, computed in Node. */
  reference(seed: number): Promise<Float32Array>;
}

const size = (dims: readonly number[]) => dims.reduce((a, b) => a * b, 1);

export const MODEL_CASES: readonly ModelCase[] = [
  {
    file: 'mlp.onnx',
    input: 'x',
    output: 'y',
    dims: [3, 256],
    reference: async (seed) => mlpReference(seededFloats(3 * 256, seed)),
  },
  {
    file: 'convnet.onnx',
    input: 'image',
    output: 'logits',
    dims: [2, 3, 32, 32],
    reference: async (seed) => convNetReference(seededFloats(2 * 3 * 32 * 32, seed)),
  },
  {
    file: 'text-direction.onnx',
    input: 'x',
    output: 'softmax_0.tmp_0',
    dims: [2, 3, 48, 192],
    batching: 'stack',
    reference: async (seed) => {
      const session = await ortNode.InferenceSession.create(readTextDirection());
      const dims = [2, 3, 48, 192];
      const out = await session.run({ x: new ortNode.Tensor('float32', seededFloats(size(dims), seed), dims) });
      await session.release();
      return out['softmax_0.tmp_0']!.data as Float32Array;
    },
  },
];
