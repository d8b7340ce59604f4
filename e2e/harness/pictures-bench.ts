// In-page half of `pnpm bench --only pictures`: live video into an image model, the usual hand-written page pipeline
// (canvas, getImageData, a loop that resizes, normalises and lays out NCHW floats, predict) against tensorlane's
// pictures (session.stream, each frame moved to the worker as it comes: `frames`; a camera's track read in the worker:
// `camera`, Chromium's fake camera). One
// contender runs at a time for `seconds` of a 30 fps source of 640x480 frames drawn here; the section (Node) reads the
// main thread's busy time around each run (Chrome's Performance metrics) and subtracts the source's own cost (the
// `source` contender: frames drawn and closed, nobody reading them).
import { createSession, type Session } from 'tensorlane';

export type Contender = 'source' | 'page' | 'frames' | 'camera';
export type BenchModel = 'channel-means' | 'convnet';

const WIDTH = 640;
const HEIGHT = 480;
const FPS = 30;
/** What each model takes: [1, 3, side, side] float32, ImageNet-normalised RGB. */
const SIDE: Record<BenchModel, number> = { 'channel-means': 16, convnet: 32 };
const MEAN = [0.485, 0.456, 0.406] as const;
const STD = [0.229, 0.224, 0.225] as const;

export interface RunFigures {
  /** Frames the source made, and the results that came back. */
  readonly offered: number;
  readonly results: number;
  /** From each frame's making to its result, ms. */
  readonly latencies: number[];
  /** Bytes of pixels JavaScript read on the CPU: getImageData on the page, the worker's CPU conversions. */
  readonly pixelBytesRead: number;
  readonly seconds: number;
  /** The stream's own counts (tensorlane's contenders). */
  readonly stream?: { readonly offered: number; readonly run: number; readonly dropped: number; readonly latencyP50: number };
}

interface Sessions {
  readonly plain: Session;
  readonly pictures: Session;
}
const open = new Map<string, Promise<Sessions>>();

/** The two sessions of `model` on `backend` (kept across runs): plain tensors for the page pipeline, pictures for tensorlane's. */
function sessionsOf(model: BenchModel, backend: 'webgpu' | 'wasm'): Promise<Sessions> {
  const key = `${model}/${backend}`;
  let sessions = open.get(key);
  if (sessions === undefined) {
    const url = `models/${model}.onnx`;
    sessions = Promise.all([
      createSession({ model: url, backend }),
      createSession({ model: url, backend, images: { image: { fit: 'stretch', mean: MEAN, std: STD } } }),
    ]).then(([plain, pictures]) => ({ plain, pictures }));
    open.set(key, sessions);
  }
  return sessions;
}

/** A moving picture: a gradient whose offset follows the frame number, and a square that crosses the frame. */
function drawFrame(context: OffscreenCanvasRenderingContext2D, n: number): void {
  const gradient = context.createLinearGradient((n * 7) % WIDTH, 0, WIDTH, HEIGHT);
  gradient.addColorStop(0, '#1e3a8a');
  gradient.addColorStop(1, '#f59e0b');
  context.fillStyle = gradient;
  context.fillRect(0, 0, WIDTH, HEIGHT);
  context.fillStyle = '#ecfeff';
  context.fillRect((n * 11) % (WIDTH - 80), HEIGHT / 2 - 40, 80, 80);
}

/** The page pipeline's loop: RGBA pixels of the whole frame to [1, 3, side, side] floats, nearest pixel, normalised. */
function toNchw(rgba: Uint8ClampedArray, side: number): Float32Array {
  const out = new Float32Array(3 * side * side);
  for (let y = 0; y < side; y++) {
    const sy = Math.min(HEIGHT - 1, Math.floor(((y + 0.5) * HEIGHT) / side));
    for (let x = 0; x < side; x++) {
      const sx = Math.min(WIDTH - 1, Math.floor(((x + 0.5) * WIDTH) / side));
      const at = 4 * (sy * WIDTH + sx);
      for (let c = 0; c < 3; c++) out[c * side * side + y * side + x] = (rgba[at + c]! / 255 - MEAN[c]!) / STD[c]!;
    }
  }
  return out;
}

/** Loads the sessions and runs each contender once, so that shaders are compiled before anything is measured. */
export async function prepare(model: BenchModel, backend: 'webgpu' | 'wasm'): Promise<string> {
  for (const contender of ['page', 'frames', 'camera'] as const) await runContender(contender, model, backend, 0.5);
  const { plain } = await sessionsOf(model, backend);
  return plain.backend === 'webgpu' ? `webgpu (${plain.adapter?.description || plain.adapter?.vendor})` : plain.backend;
}

/** Runs `contender` for `seconds` of video; the figures of that run. */
export async function runContender(contender: Contender, model: BenchModel, backend: 'webgpu' | 'wasm', seconds: number): Promise<RunFigures> {
  const { plain, pictures } = await sessionsOf(model, backend);
  const side = SIDE[model];
  const made = new Map<number, number>();
  const latencies: number[] = [];
  let results = 0;
  let pixelBytesRead = 0;
  const cpuBefore = (await pictures.stats()).pictures.cpu;
  let streamStats: { offered: number; run: number; dropped: number; latencyMs: { p50: number } } | undefined;

  // The source: frames drawn at 30 fps; each is handed to `take`, which owns it from then on.
  const canvas = new OffscreenCanvas(WIDTH, HEIGHT);
  const context = canvas.getContext('2d')!;
  const frameCount = Math.round(seconds * FPS);
  async function play(take: (frame: VideoFrame) => void): Promise<void> {
    const start = performance.now();
    for (let n = 0; n < frameCount; n++) {
      const due = start + (n * 1000) / FPS;
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - performance.now())));
      drawFrame(context, n);
      const timestamp = Math.round(performance.now() * 1000);
      made.set(timestamp, performance.now());
      take(new VideoFrame(canvas, { timestamp }));
    }
  }
  const answered = (timestamp: number) => {
    results++;
    const at = made.get(timestamp);
    if (at !== undefined) latencies.push(performance.now() - at);
  };

  if (contender === 'source') await play((frame) => frame.close());
  else if (contender === 'camera') {
    // Chromium's fake camera (640x480, 30 fps), its track read in the worker: the page does nothing per frame. Its
    // frames carry the camera's timestamps: latency is the stream's own, from a frame's arrival in the worker.
    const camera = await navigator.mediaDevices.getUserMedia({ video: { width: WIDTH, height: HEIGHT, frameRate: FPS } });
    const [track] = camera.getVideoTracks();
    const stream = pictures.stream(track!, { input: 'image', width: side, height: side, onResult: ({ latencyMs }) => {
      results++;
      latencies.push(latencyMs);
    } });
    await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
    await stream.stop();
    streamStats = stream.stats();
    track!.stop();
  }
  else if (contender === 'page') {
    // The usual way: the latest frame waits while a run is under way (dropping the one before), then is drawn to a
    // canvas, read back, converted by a loop and predicted.
    const work = new OffscreenCanvas(WIDTH, HEIGHT).getContext('2d', { willReadFrequently: true })!;
    let waiting: VideoFrame | undefined;
    let busy: Promise<void> | undefined;
    const runNext = async () => {
      while (waiting !== undefined) {
        const frame = waiting;
        waiting = undefined;
        work.drawImage(frame, 0, 0);
        const timestamp = frame.timestamp;
        frame.close();
        const { data } = work.getImageData(0, 0, WIDTH, HEIGHT);
        pixelBytesRead += data.byteLength;
        await plain.predict({ image: { type: 'float32', data: toNchw(data, side), dims: [1, 3, side, side] } });
        answered(timestamp);
      }
      busy = undefined;
    };
    await play((frame) => {
      waiting?.close();
      waiting = frame;
      busy ??= runNext();
    });
    await busy;
  } else {
    // tensorlane: the frames go to the worker as they come (an async iterable: each frame moved).
    const size = { width: side, height: side };
    const queue: VideoFrame[] = [];
    let wake: (() => void) | undefined;
    let ended = false;
    const frames = {
      async *[Symbol.asyncIterator]() {
        for (;;) {
          const frame = queue.shift();
          if (frame !== undefined) yield frame;
          else if (ended) return;
          else await new Promise<void>((resolve) => (wake = resolve));
        }
      },
    };
    const stream = pictures.stream(frames, { input: 'image', ...size, onResult: ({ timestamp }) => answered(timestamp) });
    await play((frame) => {
      queue.push(frame);
      wake?.();
    });
    ended = true;
    wake?.();
    await stream.done;
    streamStats = stream.stats();
  }
  pixelBytesRead += ((await pictures.stats()).pictures.cpu - cpuBefore) * WIDTH * HEIGHT * 4;
  const stream = streamStats && { offered: streamStats.offered, run: streamStats.run, dropped: streamStats.dropped, latencyP50: streamStats.latencyMs.p50 };
  return { offered: contender === 'camera' ? (streamStats?.offered ?? 0) : frameCount, results, latencies, pixelBytesRead, seconds, ...(stream ? { stream } : {}) };
}
