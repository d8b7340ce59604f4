// Picture inputs to onnxruntime-web tensors when a run starts: on the GPU the model runs on (WebGPU), or on the
// worker's CPU (WASM). Counts how each picture got there.
import type * as Ort from 'onnxruntime-web';
import type { Backend } from '../../types/backends.js';
import type { PictureStats } from '../../types/images.js';
import type { ImageSpec, PictureFeed } from '../../wire/protocol.js';
import type { OrtModule } from '../backend-table.js';
import { convertOnCpu, createPixelReader } from './cpu-convert.js';
import { createGpuConverter, type GpuConverter } from './gpu-convert.js';
import type { GpuDevice } from './gpu-device.js';

/** An input's tensor for one run, and how to let go of it once the run is over. */
export interface Converted {
  readonly tensor: Ort.Tensor;
  release(): void;
}

export interface PictureConverter {
  /** The tensor of image input `name` from its pictures. */
  convert(name: string, feed: PictureFeed): Promise<Converted>;
  stats(): PictureStats;
}

/** The converter of a session on `backend` (on WebGPU, its `device`), for the image inputs of `specs`. */
export function createPictureConverter(ort: OrtModule, backend: Backend, specs: readonly ImageSpec[], device: GpuDevice | undefined): PictureConverter {
  const byName = new Map(specs.map((spec) => [spec.name, spec]));
  const counts = { gpu: 0, gpuFromBitmap: 0, cpu: 0 };
  const readPixels = createPixelReader();
  let gpu: GpuConverter | undefined;

  return {
    async convert(name, { pictures, dims }) {
      const spec = byName.get(name)!;
      if (backend === 'wasm' || device === undefined) {
        const data = convertOnCpu(pictures, spec, dims, readPixels);
        counts.cpu += pictures.length;
        return { tensor: new ort.Tensor(spec.type, data as Uint8Array, dims), release: () => undefined };
      }
      gpu ??= createGpuConverter(device);
      const { buffer, paths } = await gpu.convert(pictures, spec, dims);
      for (const path of paths) counts[path]++;
      const tensor = ort.Tensor.fromGpuBuffer(buffer as unknown as Ort.Tensor.GpuBufferType, { dataType: spec.type, dims });
      return { tensor, release: () => buffer.destroy() };
    },
    stats: () => ({ ...counts }),
  };
}
