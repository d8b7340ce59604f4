// Spare buffers to pack into: the packed buffers of earlier messages, which the worker moves back once their calls
// have run (Results.spent). Packing into a new ArrayBuffer writes pages the process touches for the first time; in
// Chromium on the bench machine that cost ~6 µs a one-row MLP call, more than the copy itself. A spare's pages are
// touched already. Kept by size, up to a bound; a size not kept is made new.
/** Bytes of spares kept at most, per connection. */
const KEPT_BYTES = 4 * 1024 * 1024;

export interface Spares {
  /** A buffer of `bytes` bytes, spare or new; its contents are not cleared. */
  take(bytes: number): ArrayBuffer;
  /** Keeps `buffers` for later messages, while the bound allows. */
  give(buffers: readonly ArrayBuffer[]): void;
}

export function createSpares(): Spares {
  const bySize = new Map<number, ArrayBuffer[]>();
  let kept = 0;
  return {
    take(bytes) {
      const spare = bySize.get(bytes)?.pop();
      if (spare === undefined) return new ArrayBuffer(bytes);
      kept -= bytes;
      return spare;
    },
    give(buffers) {
      for (const buffer of buffers) {
        const bytes = buffer.byteLength;
        if (bytes === 0 || kept + bytes > KEPT_BYTES) continue;
        const list = bySize.get(bytes);
        if (list) list.push(buffer);
        else bySize.set(bytes, [buffer]);
        kept += bytes;
      }
    },
  };
}
