import { describe, expect, it } from 'vitest';
import { createSpares } from './spares.js';

describe('createSpares', () => {
  it('should hand out a spare of the size asked for, once, and a new buffer when it has none', () => {
    const spares = createSpares();
    const buffer = new ArrayBuffer(64);
    spares.give([buffer, new ArrayBuffer(0)]);
    expect(spares.take(32)).not.toBe(buffer);
    expect(spares.take(64)).toBe(buffer);
    const next = spares.take(64);
    expect(next).not.toBe(buffer);
    expect(next.byteLength).toBe(64);
  });

  it('should keep no more than 4 MiB', () => {
    const spares = createSpares();
    const big = Array.from({ length: 5 }, () => new ArrayBuffer(1024 * 1024));
    spares.give(big);
    const taken = Array.from({ length: 5 }, () => spares.take(1024 * 1024));
    expect(taken.filter((buffer) => big.includes(buffer))).toHaveLength(4);
  });
});
