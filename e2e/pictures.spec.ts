// Pictures into models in real Chromium: every kind of source, converted on the GPU the model runs on (WebGPU) and in
// the worker (WASM), against the reference of test/image-reference.ts; bad pictures; frames closed on every path.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test } from './fixtures.ts';

/** The options of pictures.onnx's inputs, and what the reference needs to know of each (test/pictures.test.ts has the same). */
const IMAGES = {
  nchw: { width: 7, height: 5, fit: 'contain', fill: [114, 114, 114], mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] },
  nhwc: { width: 4, height: 4, fit: 'cover', align: 'start', channels: 'bgr', resize: 'bicubic' },
  half: { width: 3, height: 6, fit: 'stretch', scale: 1 / 127.5, mean: 1 },
  bytes: { width: 5, height: 5, fit: 'contain', align: 'start', fill: 7, resize: 'bicubic' },
} as const;
const unit = [1 / 255, 1 / 255, 1 / 255];
const CONVERSIONS = {
  nchw: { layout: 'nchw', channels: 'rgb', type: 'float32', fill: [114, 114, 114], scale: unit, mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] },
  nhwc: { layout: 'nhwc', channels: 'bgr', resize: 'bicubic', type: 'float32', fill: [0, 0, 0], scale: unit, mean: [0, 0, 0], std: [1, 1, 1] },
  half: { layout: 'nchw', channels: 'rgb', type: 'float16', fill: [0, 0, 0], scale: [1 / 127.5, 1 / 127.5, 1 / 127.5], mean: [1, 1, 1], std: [1, 1, 1] },
  bytes: { layout: 'nhwc', channels: 'rgb', resize: 'bicubic', type: 'uint8', fill: [7, 7, 7], scale: [1, 1, 1], mean: [0, 0, 0], std: [1, 1, 1] },
} as const;

for (const backend of ['webgpu', 'wasm'] as const) {
  // SwiftShader has no shader-f16, where tensorlane builds no model taking float16 on WebGPU: the float16 input is
  // checked on WASM; the GPU's float16 packing (pack2x16float) runs only on a device with shader-f16.
  const model = backend === 'webgpu' ? 'models/pictures-no-half.onnx' : 'models/pictures.onnx';
  const images = Object.fromEntries(Object.entries(IMAGES).filter(([name]) => backend === 'wasm' || name !== 'half'));
  const one = backend === 'wasm' ? 'half' : 'bytes';
  test(`should convert every kind of picture as the reference does, for every fit and dtype at odd sizes, on ${backend}`, async ({ harness }) => {
    const result = await harness.evaluate(
      async ({ backend, model, IMAGES, CONVERSIONS, ONE }) => {
        const { tensorlane, pictures: P } = window.harness;
        const session = await tensorlane.createSession({ model, backend, images: IMAGES as never });
        const SIZES = [[1, 1], [7, 3], [5, 9], [2, 8]] as const;
        const FITS = ['stretch', 'contain', 'cover'] as const;
        const failures: string[] = [];
        let seed = 1;
        const calls = P.SOURCE_KINDS.flatMap((kind, k) =>
          SIZES.map(async ([w, h], s) => {
            const pixels: Record<string, ReturnType<typeof P.seededPixels>> = {};
            const settings: Record<string, { fit: (typeof FITS)[number]; align: 'center' | 'start'; width: number; height: number }> = {};
            const feeds: Record<string, unknown> = {};
            for (const [i, name] of Object.keys(IMAGES).entries()) {
              pixels[name] = P.seededPixels(w + i, h, seed++);
              const base = IMAGES[name as keyof typeof IMAGES]!;
              // A 1x1 tensor for some calls (its own dims, so its own run), the input's size for the others.
              const one = name === ONE && s === 0;
              settings[name] = { fit: FITS[(k + s + i) % 3]!, align: (k + s) % 2 === 0 ? 'center' : 'start', width: one ? 1 : base.width, height: one ? 1 : base.height };
              feeds[name] = { image: await P.sourceOf(kind, pixels[name]!), ...settings[name] };
            }
            const outputs = await session.predict(feeds as never);
            for (const name of Object.keys(IMAGES)) {
              const conversion = { ...CONVERSIONS[name as keyof typeof CONVERSIONS], ...settings[name]! };
              const off = P.compare(pixels[name]!, conversion as never, outputs[`out_${name}`]!.data as never);
              if (off.length > 0) failures.push(`${kind} ${pixels[name]!.width}x${pixels[name]!.height} ${name} ${JSON.stringify(settings[name])}: ${off.join('; ')}`);
            }
            return P.SOURCE_KINDS.length;
          }),
        );
        const done = (await Promise.all(calls)).length;
        // A JPEG whose EXIF says to turn it: the picture is what it shows, turned.
        const { blob, shown } = await P.exifJpeg(5, 3, 99);
        const others = Object.fromEntries(Object.keys(IMAGES).map((name) => [name, new ImageData(1, 1)]));
        const exif = await session.predict({ ...others, nchw: { image: blob, fit: 'stretch', width: 3, height: 5 }, nhwc: new ImageData(4, 4) });
        const exifOff = P.compare(shown, { ...CONVERSIONS.nchw, fit: 'stretch', align: 'center', width: 3, height: 5 } as never, exif['out_nchw']!.data as never);
        const transform = tensorlane.imageTransforms(exif)['nchw'];
        const stats = await session.stats();
        await session.dispose();
        return { backend: session.backend, done, failures, exifOff, transform, pictures: stats.pictures, runs: stats.runs };
      },
      { backend, model, IMAGES: images, CONVERSIONS, ONE: one },
    );
    expect(result.backend).toBe(backend);
    expect(result.done).toBe(28);
    expect(result.failures).toEqual([]);
    expect(result.exifOff).toEqual([]);
    expect(result.transform).toEqual({ source: { width: 3, height: 5 }, target: { width: 3, height: 5 }, scale: { x: 1, y: 1 }, offset: { x: 0, y: 0 } });
    // 28 calls of a picture per input, and the JPEG's: on WebGPU the VideoFrames go through an ImageBitmap on SwiftShader.
    const total = result.pictures.gpu + result.pictures.gpuFromBitmap + result.pictures.cpu;
    const inputs = Object.keys(images).length;
    expect(total).toBe(28 * inputs + inputs);
    if (backend === 'wasm') expect(result.pictures.cpu).toBe(total);
    else expect(result.pictures.cpu).toBe(0);
    // Calls of the same dims share runs.
    expect(result.runs).toBeLessThan(29);
  });
}

test.describe('bad pictures', () => {
  let server: Server;
  let crossOrigin: string;
  test.beforeAll(async () => {
    // A PNG from another origin, served without CORS: a page may show it, but not read it. /hang never answers.
    const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
    server = createServer((req, res) => void (req.url === '/hang' || res.setHeader('content-type', 'image/png').end(png)));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    crossOrigin = `http://localhost:${(server.address() as AddressInfo).port}/dot.png`;
  });
  test.afterAll(() => {
    server.closeAllConnections();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });

  test('should reject each with INVALID_INPUT naming the input and what was wrong, and serve the next call', async ({ harness }) => {
    const result = await harness.evaluate(async (crossOrigin) => {
      const { tensorlane } = window.harness;
      const session = await tensorlane.createSession({ model: 'models/convnet.onnx', backend: 'wasm', images: { image: {} } });
      const loaded = async (src: string) => {
        const image = new Image();
        image.src = src;
        await image.decode().catch(() => undefined);
        return image;
      };
      const canvas = (w: number, h: number) => Object.assign(document.createElement('canvas'), { width: w, height: h });
      const closed = new VideoFrame(canvas(4, 4), { timestamp: 0 });
      closed.close();
      const moved = await createImageBitmap(canvas(4, 4));
      structuredClone(moved, { transfer: [moved] });
      const loading = new Image();
      loading.src = new URL('/hang', crossOrigin).href;
      const cases: Record<string, unknown> = {
        'zero-sized canvas': canvas(0, 5),
        'zero-sized OffscreenCanvas': new OffscreenCanvas(3, 0),
        'closed VideoFrame': closed,
        'detached ImageBitmap': moved,
        'broken Blob': new Blob([new TextEncoder().encode('not a picture')], { type: 'image/png' }),
        'empty Blob': new Blob([], { type: 'image/png' }),
        'tainted image': await loaded(crossOrigin),
        'broken image': await loaded('data:image/png;base64,AAAA'),
        'image still loading': loading,
        'video with no frame': document.createElement('video'),
      };
      const out: Record<string, string> = {};
      for (const [name, image] of Object.entries(cases)) {
        out[name] = await session.predict({ image: image as never }).then(
          () => 'resolved',
          (e: { code: string; message: string }) => `${e.code}: ${e.message}`,
        );
      }
      const next = await session.predict({ image: canvas(40, 30) });
      await session.dispose();
      return { out, next: next['logits']!.dims };
    }, crossOrigin);
    expect(result.out).toEqual({
      'zero-sized canvas': 'INVALID_INPUT: input "image" is a picture of 0x5 pixels; it needs at least 1x1',
      'zero-sized OffscreenCanvas': 'INVALID_INPUT: input "image" is a picture of 3x0 pixels; it needs at least 1x1',
      'closed VideoFrame': 'INVALID_INPUT: input "image" is a closed VideoFrame (closed, or moved to a worker already)',
      'detached ImageBitmap': 'INVALID_INPUT: input "image" is an ImageBitmap of 0x0: it was closed, or moved (transferred) already',
      'broken Blob': 'INVALID_INPUT: input "image" is a Blob that could not be decoded as an image (InvalidStateError: The source image could not be decoded.)',
      'empty Blob': 'INVALID_INPUT: input "image" is an empty Blob (0 bytes)',
      'tainted image': 'INVALID_INPUT: input "image" is tainted by a picture from another origin loaded without CORS, which the browser does not let scripts read: load it with crossorigin="anonymous" from a server that sends Access-Control-Allow-Origin',
      'broken image': 'INVALID_INPUT: input "image" is an <img> with no picture (its source is missing or broken)',
      'image still loading': 'INVALID_INPUT: input "image" is an <img> still loading: await img.decode() first',
      'video with no frame': 'INVALID_INPUT: input "image" is a <video> with no frame yet: wait for its loadeddata event',
    });
    expect(result.next).toEqual([1, 10]);
  });
});

for (const backend of ['webgpu', 'wasm'] as const) {
  test(`should close every frame it takes exactly once, answered, failed, aborted, handed back or crashed, on ${backend}`, async ({ harness }) => {
    const result = await harness.evaluate(async (backend) => {
      const { tensorlane, faultWorkers, frameCounts, injectFault } = window.harness;
      const open = (flags: string) => tensorlane.createSession({ model: 'models/channel-means.onnx', backend, images: { image: {} }, worker: faultWorkers([flags]) });
      const frame = (shade: number) => {
        const canvas = Object.assign(document.createElement('canvas'), { width: 20 + shade, height: 12 });
        const context = canvas.getContext('2d')!;
        context.fillStyle = `rgb(${shade * 20}, 80, 160)`;
        context.fillRect(0, 0, canvas.width, canvas.height);
        return new VideoFrame(canvas, { timestamp: shade });
      };
      const settle = (p: Promise<unknown>) => p.then(() => 'ok', (e: { code: string }) => e.code);
      const report: Record<string, unknown> = {};

      // Failed in the worker.
      let session = await open('fail-runs');
      report['failed'] = await settle(session.predict({ image: frame(4) }));
      report['failedInWorker'] = await frameCounts();
      await session.dispose();

      // Answered: three concurrent calls, run together; then aborted while running, and while queued behind it.
      session = await open('slow-runs');
      const frames = [frame(1), frame(2), frame(3)];
      report['answered'] = await Promise.all(frames.map((f) => settle(session.predict({ image: f }))));
      report['answeredOnPage'] = frames.map((f) => f.format);
      report['answeredInWorker'] = await frameCounts();
      const running = new AbortController();
      const queued = new AbortController();
      const calls = [settle(session.predict({ image: frame(5) }, { signal: running.signal })), settle(session.predict({ image: frame(6) }, { signal: queued.signal }))];
      await new Promise((resolve) => setTimeout(resolve, 100));
      queued.abort();
      running.abort();
      report['aborted'] = await Promise.all(calls);
      await session.predict({ image: frame(7) }); // after the aborted run
      report['abortedInWorker'] = await frameCounts();

      // Handed back to a new worker (restart), and answered there.
      const handedBack = settle(session.predict({ image: frame(8) }));
      await new Promise((resolve) => setTimeout(resolve, 50));
      await session.restart();
      report['handedBack'] = await handedBack;
      report['handedBackInNewWorker'] = await frameCounts();
      await session.dispose();

      // Crashed with the frame inside: the call rejects, and the frame went with the worker.
      session = await open('slow-runs');
      const lost = frame(9);
      const crashed = settle(session.predict({ image: lost }));
      await new Promise((resolve) => setTimeout(resolve, 50));
      injectFault('throw');
      report['crashed'] = await crashed;
      report['crashedOnPage'] = lost.format;
      await session.dispose();
      return report;
    }, backend);
    expect(result).toEqual({
      answered: ['ok', 'ok', 'ok'],
      answeredOnPage: [null, null, null],
      answeredInWorker: { seen: 3, open: 0, closed: 3 },
      failed: 'RUN_FAILED',
      failedInWorker: { seen: 1, open: 0, closed: 1 },
      aborted: ['ABORTED', 'ABORTED'],
      abortedInWorker: { seen: 6, open: 0, closed: 6 },
      handedBack: 'ok',
      handedBackInNewWorker: { seen: 1, open: 0, closed: 1 },
      crashed: 'WORKER_CRASHED',
      crashedOnPage: null,
    });
  });
}
