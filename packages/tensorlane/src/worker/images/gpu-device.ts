// The GPU device pictures are converted on: the one the model runs on, so that the tensor the conversion writes is a
// buffer the model reads as it is. The parts of WebGPU the converter uses are typed here, structurally (no
// @webgpu/types dependency, as backend-table.ts's GpuLike).
import type { OrtModule } from '../backend-table.js';

/** A GPU buffer or texture: what the converter makes and lets go of. */
export interface GpuResource {
  destroy(): void;
}
export interface GpuTexture extends GpuResource {
  createView(): unknown;
}
export interface GpuPass {
  setPipeline(pipeline: unknown): void;
  setBindGroup(index: number, group: unknown): void;
  dispatchWorkgroups(x: number, y?: number): void;
  end(): void;
}
export interface GpuPipeline {
  getBindGroupLayout(index: number): unknown;
}

/** The GPUDevice members the converter uses. */
export interface GpuDevice {
  readonly limits: { readonly maxTextureDimension2D: number; readonly maxComputeWorkgroupsPerDimension: number; readonly maxStorageBufferBindingSize: number };
  readonly queue: {
    writeBuffer(buffer: GpuResource, offset: number, data: ArrayBufferView): void;
    writeTexture(destination: { texture: GpuTexture }, data: ArrayBufferView, layout: { bytesPerRow: number }, size: readonly number[]): void;
    copyExternalImageToTexture(source: { source: ImageBitmap | VideoFrame }, destination: { texture: GpuTexture }, size: readonly number[]): void;
    submit(commands: readonly unknown[]): void;
  };
  createBuffer(descriptor: { size: number; usage: number }): GpuResource;
  createTexture(descriptor: { size: readonly number[]; format: string; usage: number }): GpuTexture;
  createShaderModule(descriptor: { code: string }): unknown;
  createComputePipeline(descriptor: { layout: 'auto'; compute: { module: unknown; entryPoint: string } }): GpuPipeline;
  createBindGroup(descriptor: { layout: unknown; entries: readonly { binding: number; resource: unknown }[] }): unknown;
  createCommandEncoder(): { beginComputePass(): GpuPass; finish(): unknown };
  pushErrorScope(filter: 'validation' | 'out-of-memory'): void;
  popErrorScope(): Promise<{ readonly message: string } | null>;
}

/**
 * The device the model runs on. Today that is onnxruntime-web's own (its JSEP build creates it and keeps it in
 * `ort.env.webgpu.device`, a device or a promise of one); this is the one place the converter asks, so a device
 * tensorlane creates and hands to onnxruntime-web would be given here instead.
 */
export async function modelDevice(ort: OrtModule): Promise<GpuDevice> {
  const device = (await (ort.env.webgpu.device as unknown as GpuDevice | Promise<GpuDevice> | undefined)) ?? undefined;
  if (device === undefined) throw new Error('onnxruntime-web has no WebGPU device (ort.env.webgpu.device is undefined)');
  return device;
}
