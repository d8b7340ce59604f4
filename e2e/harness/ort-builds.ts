// The onnxruntime-web build of each engine, imported as tensorlane's backend table imports it, for the harness's
// workers that run or patch raw onnxruntime-web.
import type * as Ort from 'onnxruntime-web';

export function importOrtBuild(engine: string | undefined): Promise<typeof Ort> {
  switch (engine) {
    case 'jsep': return import('onnxruntime-web');
    case 'native': return import('onnxruntime-web/webgpu');
    case 'jspi': return import('onnxruntime-web/jspi');
    default: return import('onnxruntime-web/wasm');
  }
}
