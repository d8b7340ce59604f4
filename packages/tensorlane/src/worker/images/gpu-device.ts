// The parts of WebGPU the picture converter uses, typed structurally (no @webgpu/types dependency, as
// webgpu-device.ts's GpuLike). It converts on the session's own device (`Built.device`), the one the model runs on,
// so that the tensor the conversion writes is a buffer the model reads as it is.
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
