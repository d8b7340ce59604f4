// Counts the frames a worker receives from the page (in its calls, and later in its streams) and how many of them it
// closed, for the tests that check that every frame tensorlane takes is closed exactly once. Imported by
// fault-worker.ts; the page asks with `{ frames: 'count' }` and gets `{ frames: { seen, open, closed } }` back.
type Frame = VideoFrame | ImageBitmap;

const seen: Frame[] = [];
let closed = 0;
const isOpen = (frame: Frame) => ('format' in frame ? frame.format !== null : frame.width > 0);
const isFrame = (value: unknown): value is Frame => value instanceof VideoFrame || value instanceof ImageBitmap;

/** Every frame in a message: walks its objects, as structured clone would. */
function collect(value: unknown, depth = 0): void {
  if (isFrame(value)) seen.push(value);
  else if (typeof value === 'object' && value !== null && depth < 8 && !ArrayBuffer.isView(value) && !(value instanceof ArrayBuffer)) {
    for (const item of Object.values(value)) collect(item, depth + 1);
  }
}

for (const Kind of [VideoFrame, ImageBitmap]) {
  const close = Kind.prototype.close;
  Kind.prototype.close = function (this: Frame) {
    if (isOpen(this) && seen.includes(this)) closed++;
    close.call(this);
  };
}
// Frames read from a stream moved here (a MediaStreamTrackProcessor's).
const read = ReadableStreamDefaultReader.prototype.read;
ReadableStreamDefaultReader.prototype.read = async function (this: ReadableStreamDefaultReader) {
  const result = await read.call(this);
  if (isFrame(result.value)) seen.push(result.value);
  return result;
} as typeof read;

self.addEventListener('message', (event: MessageEvent) => {
  if ((event.data as { frames?: unknown } | undefined)?.frames === 'count') {
    self.postMessage({ frames: { seen: seen.length, open: seen.filter(isOpen).length, closed } });
  } else collect(event.data);
});
export {};
