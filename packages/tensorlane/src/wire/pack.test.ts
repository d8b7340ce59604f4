import { describe, expect, it } from 'vitest';
import { PACK_LIMIT, pack, stackedCalls, unpack } from './pack.js';
import { FEW_NUMBERS } from './protocol.js';
import type { Feeds } from '../types/tensor.js';

const item = (rows: number, value: number): Feeds => ({
  x: { type: 'float32', data: new Float32Array(rows * 2).fill(value), dims: [rows, 2] },
  ids: { type: 'int64', data: new BigInt64Array(rows).fill(BigInt(value)), dims: [rows] },
});

describe('pack and unpack', () => {
  it('should carry small calls in one buffer per input and give back equal items, one after another', () => {
    const calls = [{ id: 7, items: [item(1, 1)] }, { id: 8, items: [item(2, 2), item(1, 3)] }];
    const { packed, rest } = pack(calls);
    expect(rest).toEqual([]);
    expect(packed!.names).toEqual(['x', 'ids']);
    expect(packed!.buffers.map((b) => b.byteLength)).toEqual([4 * 2 * 4, 4 * 8]);
    const back = unpack(packed!);
    expect(back.map((c) => c.id)).toEqual([7, 8]);
    expect(back.flatMap((c) => c.items.map((i) => [Array.from(i['x']!.data as Float32Array), i['ids']!.dims]))).toEqual([
      [[1, 1], [1]],
      [[2, 2, 2, 2], [2]],
      [[3, 3], [1]],
    ]);
    // Item after item in one buffer: the scheduler stacks them as one view.
    const [first, second] = back[1]!.items;
    expect(second!['x']!.data.byteOffset).toBe(first!['x']!.data.byteOffset + first!['x']!.data.byteLength);
    expect(second!['x']!.data.buffer).toBe(packed!.buffers[0]);
  });

  it('should pack into the buffers it is given, writing every byte of a used one', () => {
    const spare = new ArrayBuffer(3 * 2 * 4);
    new Float32Array(spare).fill(NaN);
    const given = [spare];
    const { packed } = pack([{ id: 1, items: [item(1, 1)] }, { id: 2, items: [item(2, 2)] }], (bytes) => given.pop() ?? new ArrayBuffer(bytes));
    expect(packed!.buffers[0]).toBe(spare);
    expect(packed!.buffers[1]).not.toBe(spare);
    expect(Array.from(new Float32Array(spare))).toEqual([1, 1, 2, 2, 2, 2]);
  });

  it('should read calls that stack as numbers, and leave the rest to unpack', () => {
    const { packed } = pack([{ id: 4, items: [item(1, 1)] }, { id: 5, items: [item(2, 2)] }]);
    expect(stackedCalls(packed!)).toEqual({ ids: [4, 5], rows: [1, 2], inputs: [{ tail: [2], rowSize: 2, bytes: 4 }, { tail: [], rowSize: 1, bytes: 8 }] });
    expect(stackedCalls(pack([{ id: 4, items: [item(1, 1)] }]).packed!)).toBeUndefined(); // alone
    expect(stackedCalls(pack([{ id: 4, items: [item(1, 1), item(1, 1)] }, { id: 5, items: [item(1, 1)] }]).packed!)).toBeUndefined(); // two items
  });

  it('should send a call alone in its message in its own buffers, without a copy, and its layout as a few numbers', () => {
    const lone = item(1, 5);
    const { packed } = pack([{ id: 3, items: [lone] }]);
    expect(packed!.buffers).toEqual([lone['x']!.data.buffer, lone['ids']!.data.buffer]);
    expect(packed!.buffers[0]).toBe(lone['x']!.data.buffer);
    expect(Array.isArray(packed!.layout)).toBe(true);
    expect(unpack(packed!)[0]!.items[0]!['x']!.data).toEqual(new Float32Array([5, 5]));
  });

  it('should copy a lone call whose inputs share a buffer or view part of one', () => {
    const shared = new Float32Array(4).fill(2);
    const halves: Feeds = {
      x: { type: 'float32', data: shared.subarray(0, 2), dims: [1, 2] },
      ids: { type: 'int64', data: new BigInt64Array(1), dims: [1] },
    };
    const { packed } = pack([{ id: 1, items: [halves] }]);
    expect(packed!.buffers[0]).not.toBe(shared.buffer);
    expect(packed!.buffers[0]!.byteLength).toBe(8);
  });

  it('should lay out many calls in one Float64Array, and a few as a plain array', () => {
    const many = Array.from({ length: FEW_NUMBERS }, (_, i) => ({ id: i + 1, items: [item(1, i)] }));
    const { packed } = pack(many);
    expect(packed!.layout).toBeInstanceOf(Float64Array);
    expect(unpack(packed!).map((c) => c.id)).toEqual(many.map((c) => c.id));
    expect(Array.isArray(pack(many.slice(0, 2)).packed!.layout)).toBe(true);
  });

  it('should leave as they are calls too large to pack, with other inputs, or that must run alone', () => {
    const large = { x: { type: 'float32', data: new Float32Array(PACK_LIMIT), dims: [PACK_LIMIT / 2, 2] } } as Feeds;
    const other = { y: item(1, 1)['x']! } as Feeds;
    const calls = [{ id: 1, items: [item(1, 1)] }, { id: 2, items: [large] }, { id: 3, items: [other] }, { id: 4, items: [item(1, 4)], alone: true }];
    const { packed, rest } = pack(calls);
    expect(unpack(packed!).map((c) => c.id)).toEqual([1]);
    expect(rest.map((c) => c.id)).toEqual([2, 3, 4]);
  });

  it('should fail every call it names with INVALID_INPUT when the layout does not fit the buffers', () => {
    const { packed } = pack([{ id: 1, items: [item(1, 1)] }, { id: 2, items: [item(1, 2)] }]);
    const broken = { ...packed!, buffers: [new ArrayBuffer(4), packed!.buffers[1]!] };
    expect(unpack(broken).map((c) => [c.id, c.error?.code])).toEqual([
      [1, 'INVALID_INPUT'],
      [2, 'INVALID_INPUT'],
    ]);
  });
});
