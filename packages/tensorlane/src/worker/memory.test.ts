import { describe, expect, it } from 'vitest';
import { countGpuBuffers, heapBytes, watchWasmMemories } from './memory.js';

describe('watchWasmMemories', () => {
  it('should record the memories created while the work runs, and put WebAssembly.Memory back', async () => {
    const Memory = WebAssembly.Memory;
    const memories = new Set<WebAssembly.Memory>();
    const inside = await watchWasmMemories(memories, async () => new WebAssembly.Memory({ initial: 2 }));
    const after = new WebAssembly.Memory({ initial: 1 });
    expect(WebAssembly.Memory).toBe(Memory);
    expect([...memories]).toEqual([inside]);
    expect(memories.has(after)).toBe(false);
    expect(heapBytes(memories)).toBe(2 * 65536);
    inside.grow(1);
    expect(heapBytes(memories)).toBe(3 * 65536);
  });

  it('should put WebAssembly.Memory back when the work fails', async () => {
    const Memory = WebAssembly.Memory;
    await expect(watchWasmMemories(new Set(), () => Promise.reject(new Error('failed')))).rejects.toThrow('failed');
    expect(WebAssembly.Memory).toBe(Memory);
  });
});

describe('countGpuBuffers', () => {
  /** An adapter whose devices make buffers that record their own destruction. */
  function adapter() {
    const device = {
      createBuffer: ({ size }: { size: number }) => ({ size, destroyed: 0, destroy() { this.destroyed++; } }),
    };
    return { requestDevice: async () => device };
  }

  it('should count the bytes of buffers created on the adapter\'s devices and not destroyed', async () => {
    const gpu = adapter();
    const bytes = countGpuBuffers(gpu);
    const device = (await gpu.requestDevice()) as unknown as { createBuffer(d: { size: number }): { destroy(): void; destroyed: number } };
    const a = device.createBuffer({ size: 1024 });
    device.createBuffer({ size: 256 });
    expect(bytes()).toBe(1280);
    a.destroy();
    a.destroy();
    expect(a.destroyed).toBe(2);
    expect(bytes()).toBe(256);
  });

  it('should count nothing for an adapter without requestDevice', () => {
    expect(countGpuBuffers({})()).toBe(0);
  });
});
