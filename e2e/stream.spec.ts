// Live video in real Chromium: Chromium's fake camera (--use-fake-device-for-media-stream) through session.stream(),
// the latest frame winning; frames closed; no pixel work on the page; results checked against the reference on
// frames the test makes.
import { expect, test } from './fixtures.ts';

test('should run a model on a camera, dropping frames rather than queueing them while it is busy, leaving none open and reading no pixel on the page', async ({ harness }) => {
  const result = await harness.evaluate(async () => {
    const { tensorlane, faultWorkers, frameCounts } = window.harness;
    // Every run takes 300 ms longer (a timer, so the worker keeps reading frames meanwhile): a slow model.
    const session = await tensorlane.createSession({ model: 'models/convnet.onnx', backend: 'wasm', images: { image: { fit: 'contain' } }, worker: faultWorkers(['slow-runs']) });
    const camera = await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 480 } });
    const track = camera.getVideoTracks()[0]!;
    // What the page does while the stream runs: every way to read pixels, and every message to the worker.
    const counted: Record<string, number> = {};
    const count = (target: object, name: string, label: string) => {
      const original = (target as Record<string, (...a: unknown[]) => unknown>)[name]!;
      counted[label] = 0;
      (target as Record<string, unknown>)[name] = function (this: unknown, ...args: unknown[]) {
        counted[label]!++;
        return original.apply(this, args);
      };
    };
    count(CanvasRenderingContext2D.prototype, 'getImageData', 'getImageData');
    count(CanvasRenderingContext2D.prototype, 'drawImage', 'drawImage');
    count(OffscreenCanvasRenderingContext2D.prototype, 'getImageData', 'offscreen getImageData');
    count(VideoFrame.prototype, 'copyTo', 'VideoFrame.copyTo');
    count(window, 'createImageBitmap', 'createImageBitmap');
    count(Worker.prototype, 'postMessage', 'postMessage');
    const stream = session.stream(track);
    const timestamps: number[] = [];
    for await (const { timestamp, outputs, transform } of stream) {
      timestamps.push(timestamp);
      if (timestamps.length === 1) counted['firstDims'] = outputs['logits']!.dims.length + transform.target.width;
      if (timestamps.length === 6) break; // ends the stream (return() stops it)
    }
    await stream.done;
    const during = { ...counted };
    const stats = stream.stats();
    const frames = await frameCounts();
    const pictures = (await session.stats()).pictures;
    track.stop();
    await session.dispose();
    return { path: stream.path, timestamps, stats, frames, pictures, counted: during };
  });
  expect(result.path).toBe('track');
  expect(result.timestamps).toHaveLength(6);
  // Results in the order of their frames.
  expect(result.timestamps).toEqual([...result.timestamps].sort((a, b) => a - b));
  const { offered, run, dropped } = result.stats;
  expect(run).toBe(6);
  expect(dropped).toBeGreaterThan(0);
  // Every frame offered ran or was dropped, but for the last (waiting or running when the stream stopped).
  expect(offered - run - dropped).toBeGreaterThanOrEqual(0);
  expect(offered - run - dropped).toBeLessThanOrEqual(2);
  expect(result.stats.latencyMs.count).toBe(6);
  // Converted: the six answered, and maybe the one running when the stream stopped.
  expect(result.pictures.cpu).toBeGreaterThanOrEqual(6);
  expect(result.pictures.cpu).toBeLessThanOrEqual(7);
  // The worker read every frame from the track itself, and closed each one.
  expect(result.frames).toEqual({ seen: offered, open: 0, closed: offered });
  // The page read no pixel, and posted two messages (open, close) for all those frames.
  expect(result.counted).toEqual({
    getImageData: 0, drawImage: 0, 'offscreen getImageData': 0, 'VideoFrame.copyTo': 0, createImageBitmap: 0, postMessage: 2, firstDims: 2 + 32,
  });
});

test('should run a camera through a model on WebGPU, the frames converted on the GPU', async ({ harness }) => {
  const result = await harness.evaluate(async () => {
    const { tensorlane, faultWorkers, frameCounts } = window.harness;
    const session = await tensorlane.createSession({ model: 'models/channel-means.onnx', backend: 'webgpu', images: { image: { fit: 'cover' } }, worker: faultWorkers(['']) });
    const camera = await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 480 } });
    const stream = session.stream(camera.getVideoTracks()[0]!);
    const means: number[][] = [];
    for await (const { outputs } of stream) if (means.push(Array.from(outputs['mean']!.data as Float32Array)) === 3) break;
    const { pictures } = await session.stats();
    const frames = await frameCounts();
    for (const track of camera.getTracks()) track.stop();
    await session.dispose();
    return { backend: session.backend, means, pictures, frames, stats: stream.stats() };
  });
  expect(result.backend).toBe('webgpu');
  // The mean of each channel of a camera picture, scaled to 0…1.
  expect(result.means.every((m) => m.length === 3 && m.every((v) => v >= 0 && v <= 1))).toBe(true);
  // SwiftShader cannot import a camera frame: each went through an ImageBitmap in the worker, then the GPU.
  expect(result.pictures.gpu + result.pictures.gpuFromBitmap).toBeGreaterThanOrEqual(3);
  expect(result.pictures.cpu).toBe(0);
  expect(result.frames).toEqual({ seen: result.stats.offered, open: 0, closed: result.stats.offered });
});

for (const backend of ['webgpu', 'wasm'] as const) {
  test(`should answer each frame of an async iterable with the reference's outputs, by its timestamp, on ${backend}`, async ({ harness }) => {
    const result = await harness.evaluate(async (backend) => {
      const { tensorlane, pictures: P, convNetReference } = window.harness;
      const session = await tensorlane.createSession({ model: 'models/convnet.onnx', backend, images: { image: { fit: 'cover', mean: 0.5, std: 0.25 } } });
      const sources = Array.from({ length: 8 }, (_, i) => P.seededPixels(40 + i, 30, 500 + i));
      async function* frames() {
        for (const [i, pixels] of sources.entries()) {
          const bitmap = await createImageBitmap(new ImageData(pixels.data.slice(), pixels.width, pixels.height));
          yield new VideoFrame(bitmap, { timestamp: i * 1000 });
          bitmap.close();
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      }
      const off: string[] = [];
      let answered = 0;
      const stream = session.stream(frames(), {
        onResult: ({ outputs, timestamp, transform }) => {
          answered++;
          const pixels = sources[timestamp / 1000]!;
          const conversion = { width: 32, height: 32, fit: 'cover', align: 'center', layout: 'nchw', channels: 'rgb', type: 'float32', fill: [0, 0, 0], scale: [1 / 255, 1 / 255, 1 / 255], mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25] } as const;
          const expected = convNetReference(Float32Array.from(P.referenceValues(pixels, conversion)));
          const actual = outputs['logits']!.data as Float32Array;
          for (let k = 0; k < 10; k++) if (Math.abs(actual[k]! - expected[k]!) > 1e-3) off.push(`${timestamp}[${k}] ${actual[k]} vs ${expected[k]}`);
          if (transform.source.width !== pixels.width) off.push(`${timestamp}: transform of ${transform.source.width} px`);
        },
      });
      await stream.done; // the iterable ended: the stream ends once its last frame is answered
      const stats = stream.stats();
      await session.dispose();
      return { path: stream.path, answered, off, stats };
    }, backend);
    expect(result.path).toBe('frames');
    expect(result.off).toEqual([]);
    expect(result.answered).toBe(result.stats.run);
    expect(result.stats.offered).toBe(8);
    expect(result.stats.run + result.stats.dropped).toBe(8);
  });
}

test('should go on after a restart, stop with done resolved, and end with INVALID_OPTIONS for what it cannot stream', async ({ harness }) => {
  const result = await harness.evaluate(async () => {
    const { tensorlane } = window.harness;
    const session = await tensorlane.createSession({ model: 'models/convnet.onnx', backend: 'wasm', images: { image: {} } });
    const camera = await navigator.mediaDevices.getUserMedia({ video: { width: 320, height: 240 } });
    const video = Object.assign(document.createElement('video'), { muted: true, srcObject: camera });
    await video.play();
    let results = 0;
    let afterRestart = 0;
    let restarted = false;
    const stream = session.stream(video, { onResult: () => void (restarted ? afterRestart++ : results++) });
    while (results < 3) await new Promise((resolve) => setTimeout(resolve, 20));
    await session.restart();
    restarted = true;
    while (afterRestart < 3) await new Promise((resolve) => setTimeout(resolve, 20));
    await stream.stop();
    const stopped = await stream.done.then(() => 'resolved');
    const stats = stream.stats();
    const fail = (s: { done: Promise<void> }) => s.done.then(() => 'resolved', (e: { code: string; message: string }) => `${e.code}: ${e.message}`);
    const errors = [
      await fail(session.stream('camera' as never)),
      await fail(session.stream(video, { input: 'pixels' })),
      await fail(session.stream(video, { fit: 'fill' as never })),
    ];
    const plain = await tensorlane.createSession({ model: 'models/mlp.onnx', backend: 'wasm' });
    errors.push(await fail(plain.stream(video)));
    for (const track of camera.getTracks()) track.stop();
    await Promise.all([session.dispose(), plain.dispose()]);
    return { path: stream.path, stopped, stats, afterRestart, errors };
  });
  expect(result.path).toBe('track');
  expect(result.stopped).toBe('resolved');
  expect(result.afterRestart).toBeGreaterThanOrEqual(3);
  expect(result.stats.run).toBeGreaterThanOrEqual(6);
  expect(result.errors).toEqual([
    'INVALID_OPTIONS: stream() takes a video MediaStreamTrack, a <video>, a ReadableStream of VideoFrames or an async iterable of pictures, got "camera"',
    'INVALID_OPTIONS: stream() option "input" is "pixels", which takes no pictures; the image inputs are "image"',
    'INVALID_OPTIONS: stream() option "fit" is "fill"; expected "stretch" | "contain" | "cover"',
    'INVALID_OPTIONS: stream() needs an image input: declare one with the session option "images"',
  ]);
});
