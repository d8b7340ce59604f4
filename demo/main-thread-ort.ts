// onnxruntime-web on the page's main thread, the way a page uses it without a worker: for the smoothness meter's
// comparison only. Imported on demand, so the page loads none of it until asked. Without tensorlane the page also
// prepares the input itself, the usual way: draw the picture on a canvas, read its pixels, a loop to lay them out.
import { DETECTION_IMAGE, detectionSize } from './ocr/detect.ts';
import type { Picture } from './ocr/canvas.ts';

/** A model run on the main thread. */
export interface MainThreadModel {
  run(data: Float32Array, dims: readonly number[]): Promise<void>;
  release(): Promise<void>;
}

/** Fetches the model at `url` and builds an onnxruntime-web WASM session for it on this thread. */
export async function createMainThreadModel(url: string, integrity: string): Promise<MainThreadModel> {
  const ort = await import('onnxruntime-web/wasm');
  // One thread, as tensorlane's worker runs here: the comparison is about where the work runs, not how much of it.
  ort.env.wasm.numThreads = 1;
  const response = await fetch(url, { integrity });
  if (!response.ok) throw new Error(`could not fetch "${url}": HTTP ${response.status}`);
  const session = await ort.InferenceSession.create(new Uint8Array(await response.arrayBuffer()), { executionProviders: ['wasm'] });
  const input = session.inputNames[0]!;
  return {
    async run(data, dims) {
      const outputs = await session.run({ [input]: new ort.Tensor('float32', data, dims) });
      for (const output of Object.values(outputs)) output.dispose();
    },
    release: () => session.release(),
  };
}

/**
 * The detector's input made on the page, as a page without tensorlane makes it: `picture` drawn at its detection
 * size, its pixels read, and a loop writing B, G, R planes normalised as DETECTION_IMAGE says.
 */
export function detectionInputOnPage(picture: Picture): { readonly data: Float32Array; readonly dims: readonly number[] } {
  const { width, height } = detectionSize(picture.width, picture.height);
  const context = new OffscreenCanvas(width, height).getContext('2d', { willReadFrequently: true })!;
  context.drawImage(picture, 0, 0, width, height);
  const { data: rgba } = context.getImageData(0, 0, width, height);
  const mean = DETECTION_IMAGE.mean as readonly number[];
  const std = DETECTION_IMAGE.std as readonly number[];
  const plane = width * height;
  const data = new Float32Array(3 * plane);
  for (let c = 0; c < 3; c++) {
    for (let i = 0; i < plane; i++) data[c * plane + i] = (rgba[i * 4 + 2 - c]! / 255 - mean[c]!) / std[c]!;
  }
  return { data, dims: [1, 3, height, width] };
}
