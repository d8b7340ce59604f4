// The pretrained model's reference, computed in Node by onnxruntime-node (native CPU, not WASM or WebGPU). The generated
// models' hand-written references (test/models/zoo.ts) are checked by the Node tests and e2e/stream.spec.ts.
import * as ortNode from 'onnxruntime-node';
import { readTextDirection } from '../test/models/pretrained.ts';
import { seededFloats } from '../test/models/zoo.ts';

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
