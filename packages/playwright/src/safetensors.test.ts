import { describe, expect, it } from 'vitest';
import { decodeSafetensors, encodeSafetensors, type StoredTensor } from './safetensors.js';

const TENSORS: Record<string, StoredTensor> = {
  y: { type: 'float32', data: Float32Array.of(0.5, -1.25, 3), dims: [1, 3] },
  ids: { type: 'int64', data: BigInt64Array.of(-(2n ** 60n), 7n), dims: [2] },
  half: { type: 'float16', data: Uint16Array.of(0x3c00, 0x7e00), dims: [2] },
  mask: { type: 'bool', data: Uint8Array.of(1, 0, 1), dims: [3] },
  scalar: { type: 'float64', data: Float64Array.of(Math.PI), dims: [] },
};

describe('safetensors', () => {
  it('should round-trip every dtype bit for bit, with the metadata', () => {
    const bytes = encodeSafetensors(TENSORS, { kind: 'record' });
    const { tensors, metadata } = decodeSafetensors(bytes, 'golden');
    expect(metadata).toEqual({ kind: 'record' });
    expect(Object.keys(tensors).sort()).toEqual(Object.keys(TENSORS).sort());
    for (const [name, t] of Object.entries(TENSORS)) {
      expect(tensors[name]).toEqual({ type: t.type, data: t.data, dims: t.dims });
      expect(tensors[name]!.data.constructor).toBe(t.data.constructor);
    }
  });

  it('should write the layout of the reference implementation: u64 header length, JSON header padded to 8 bytes, data', () => {
    const bytes = encodeSafetensors({ y: TENSORS['y']! });
    const headerLength = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect((8 + headerLength) % 8).toBe(0);
    const header = JSON.parse(Buffer.from(bytes.subarray(8, 8 + headerLength)).toString()) as Record<string, unknown>;
    expect(header).toEqual({ __metadata__: {}, y: { dtype: 'F32', shape: [1, 3], data_offsets: [0, 12] } });
    expect(bytes.length).toBe(8 + headerLength + 12);
  });

  it('should decode from a Node Buffer, whose slices share a pool', () => {
    const { tensors } = decodeSafetensors(Buffer.from(encodeSafetensors(TENSORS)), 'golden');
    expect(tensors['ids']!.data).toEqual(TENSORS['ids']!.data);
  });

  it('should store only the bytes a view covers', () => {
    const backing = Float32Array.of(9, 1, 2, 9);
    const bytes = encodeSafetensors({ v: { type: 'float32', data: backing.subarray(1, 3), dims: [2] } });
    expect(decodeSafetensors(bytes, 'golden').tensors['v']!.data).toEqual(Float32Array.of(1, 2));
  });

  it('should reject a truncated or malformed file, naming it', () => {
    const bytes = encodeSafetensors({ y: TENSORS['y']! });
    expect(() => decodeSafetensors(bytes.subarray(0, 4), 'a.safetensors')).toThrow('a.safetensors is not a valid safetensors file: 4 bytes, shorter than the 8-byte header length');
    expect(() => decodeSafetensors(bytes.subarray(0, bytes.length - 4), 'a.safetensors')).toThrow(
      'a.safetensors is not a valid safetensors file: tensor "y" has data_offsets [0,12] for 12 bytes of 8',
    );
    const bf16 = encodeSafetensors({ y: TENSORS['y']! });
    bf16.set(Buffer.from('"BF16"'), Buffer.from(bf16).indexOf('"F32"') - 1);
    expect(() => decodeSafetensors(bf16, 'a.safetensors')).toThrow(/dtype "BF16", which tensorlane has no type for|not JSON/);
  });

  it('should reject data that does not fill the dims', () => {
    expect(() => encodeSafetensors({ y: { type: 'float32', data: Float32Array.of(1), dims: [2] } })).toThrow('tensor "y" has dims [2] but 1 elements');
  });
});
