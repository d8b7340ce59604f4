// tensorlane's worker, counting what it reads back from the GPU: every buffer mapped for reading (how onnxruntime-web
// reads a GPU buffer back) adds its size. The page asks with `{ probe: 'readback' }`; the answer is `{ readback }`.
import 'tensorlane/worker';

const counted = { bytes: 0, maps: 0 };
const proto = (globalThis as { GPUBuffer?: { prototype: { mapAsync(mode: number, ...rest: unknown[]): Promise<void>; size: number } } }).GPUBuffer?.prototype;
if (proto) {
  const mapAsync = proto.mapAsync;
  proto.mapAsync = function (this: { size: number }, mode: number, ...rest: unknown[]) {
    if (mode & 1) {
      // GPUMapMode.READ
      counted.bytes += this.size;
      counted.maps++;
    }
    return mapAsync.call(this, mode, ...rest);
  };
}
self.addEventListener('message', (event: MessageEvent<{ probe?: string }>) => {
  if (event.data?.probe === 'readback') self.postMessage({ readback: { ...counted } });
});
