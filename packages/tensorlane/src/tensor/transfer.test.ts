import { describe, expect, it } from 'vitest';
import { isDetached } from './intrinsics.js';
import { buffersOf, copied, moved } from './transfer.js';

describe('buffersOf', () => {
  it('should list each buffer once even when tensors share it', () => {
    const buffer = new ArrayBuffer(64);
    const a = { type: 'float32', data: new Float32Array(buffer, 0, 8), dims: [8] } as const;
    const b = { type: 'float32', data: new Float32Array(buffer, 32, 8), dims: [8] } as const;
    expect(buffersOf([{ a, b }, { a }])).toEqual([buffer]);
  });

  it('should leave out SharedArrayBuffers, which are shared rather than transferred', () => {
    const shared = { type: 'float32', data: new Float32Array(new SharedArrayBuffer(16)), dims: [4] } as const;
    expect(buffersOf([{ shared }])).toEqual([]);
  });
});

describe('copied', () => {
  it('should copy only the bytes of each view into a buffer of its own, leaving the caller\'s alone', () => {
    const buffer = new ArrayBuffer(64);
    const x = { type: 'float32', data: new Float32Array(buffer, 16, 4).fill(3), dims: [1, 4] } as const;
    const out = copied({ x })['x']!;
    expect(out.data.buffer).not.toBe(buffer);
    expect(out.data.buffer.byteLength).toBe(16);
    expect(Array.from(out.data as Float32Array)).toEqual([3, 3, 3, 3]);
    expect(out.dims).toEqual([1, 4]);
    expect(buffer.byteLength).toBe(64);
  });
});

describe('moved', () => {
  it('should detach the caller\'s buffer, keep each view where it was, and move a shared buffer once', () => {
    const buffer = new ArrayBuffer(32);
    const a = { type: 'float32', data: new Float32Array(buffer, 0, 4).fill(1), dims: [4] } as const;
    const b = { type: 'float32', data: new Float32Array(buffer, 16, 4).fill(2), dims: [4] } as const;
    const [first, second] = moved([{ a }, { b }]);
    expect(isDetached(buffer)).toBe(true);
    expect(first!['a']!.data.buffer).toBe(second!['b']!.data.buffer);
    expect(Array.from(first!['a']!.data as Float32Array)).toEqual([1, 1, 1, 1]);
    expect(Array.from(second!['b']!.data as Float32Array)).toEqual([2, 2, 2, 2]);
  });
});

describe('moved, given buffers that lie', () => {
  it('should move an ArrayBuffer given the SharedArrayBuffer prototype, as the ArrayBuffer it is', () => {
    const buffer = new ArrayBuffer(16);
    Object.setPrototypeOf(buffer, SharedArrayBuffer.prototype);
    const [sent] = moved([{ x: { type: 'float32', data: new Float32Array(buffer), dims: [4] } }]);
    expect(isDetached(buffer)).toBe(true);
    expect(sent!['x']!.data.length).toBe(4);
  });

  it('should move with the engine\'s transfer, never one set on the buffer', () => {
    const buffer = Object.assign(new ArrayBuffer(16), { transfer: () => new ArrayBuffer(16) });
    const data = new Float32Array(buffer).fill(7);
    const [sent] = moved([{ x: { type: 'float32', data, dims: [4] } }]);
    expect(isDetached(buffer)).toBe(true);
    expect(Array.from(sent!['x']!.data as Float32Array)).toEqual([7, 7, 7, 7]);
  });
});

describe('isDetached', () => {
  it('should tell a transferred buffer from a live one', () => {
    const buffer = new ArrayBuffer(8);
    expect(isDetached(buffer)).toBe(false);
    structuredClone(buffer, { transfer: [buffer] });
    expect(isDetached(buffer)).toBe(true);
  });
});
