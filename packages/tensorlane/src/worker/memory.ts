// What onnxruntime-web holds in this worker's memory, counted here rather than asked of the browser:
// performance.measureUserAgentSpecificMemory() runs a task on every worker of the page, and onnxruntime-web's pool
// threads wait in Atomics.wait between runs, where no task runs (see the README, "Threads").
import type { WorkerStats } from '../wire/protocol.js';

/** What `stats()` reports of the worker's memory. */
export type WorkerMemory = WorkerStats['memory'];

/**
 * The WebAssembly memories created while `work` runs: onnxruntime-web creates its heap (a `WebAssembly.Memory`) when
 * its module starts, at the first session of each build, and keeps it for the worker's life. `WebAssembly.Memory` is
 * swapped for a subclass that records its instances while `work` runs only, then put back.
 */
export async function watchWasmMemories<T>(memories: Set<WebAssembly.Memory>, work: () => Promise<T>): Promise<T> {
  const Memory = WebAssembly.Memory;
  WebAssembly.Memory = class extends Memory {
    constructor(descriptor: WebAssembly.MemoryDescriptor) {
      super(descriptor);
      memories.add(this);
    }
  };
  try {
    return await work();
  } finally {
    WebAssembly.Memory = Memory;
  }
}

/** The bytes of `memories` now (a memory grows, never shrinks). */
export function heapBytes(memories: ReadonlySet<WebAssembly.Memory>): number {
  let bytes = 0;
  for (const memory of memories) bytes += memory.buffer.byteLength;
  return bytes;
}

/** The parts of WebGPU that counting needs (structural, so no @webgpu/types dependency). */
interface BufferLike {
  readonly size: number;
  destroy(): void;
}
interface DeviceLike {
  createBuffer(descriptor: unknown): BufferLike;
}
export interface CountedAdapter {
  requestDevice?(descriptor?: unknown): Promise<unknown>;
}

/**
 * Counts the GPU buffers of every device requested from `adapter` from now on (onnxruntime-web requests its device
 * from the adapter tensorlane gives it): bytes created and not yet destroyed, or collected. Wraps `requestDevice` on
 * this adapter, `createBuffer` on its devices and `destroy` on their buffers, as own properties: no prototype and no
 * other adapter changes.
 * @returns the bytes counted now.
 */
export function countGpuBuffers(adapter: CountedAdapter): () => number {
  let bytes = 0;
  const requestDevice = adapter.requestDevice;
  if (typeof requestDevice !== 'function') return () => bytes;
  // A buffer dropped without destroy() is freed when collected.
  const collected = new FinalizationRegistry<() => void>((release) => release());
  const count = (device: DeviceLike) => {
    const createBuffer = device.createBuffer;
    device.createBuffer = function (descriptor) {
      const buffer = createBuffer.call(this, descriptor);
      const { size } = buffer;
      const token = {};
      let live = true;
      const release = () => {
        if (!live) return;
        live = false;
        bytes -= size;
        collected.unregister(token);
      };
      bytes += size;
      collected.register(buffer, release, token);
      const destroy = buffer.destroy;
      buffer.destroy = function () {
        release();
        destroy.call(this);
      };
      return buffer;
    };
    return device;
  };
  adapter.requestDevice = async function (descriptor) {
    return count((await requestDevice.call(this, descriptor)) as DeviceLike);
  };
  return () => bytes;
}
