// Pictures into models in real Chromium: every kind of source, converted on the GPU the model runs on (WebGPU) and in
// the worker (WASM), against the reference of test/image-reference.ts; bad pictures; frames closed on every path.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test } from './fixtures.ts';

/** The options of pictures.onnx's inputs, and what the reference needs to know of each (test/pictures.test.ts has the same). */
const IMAGES = {
  nchw: { width: 7, height: 5, fit: 'contain', fill: [114, 114, 114], mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] },
  nhwc: { width: 4, height: 4, fit: 'cover', align: 'start', channels: 'bgr' },
  half: { width: 3, height: 6, fit: 'stretch', scale: 1 / 127.5, mean: 1 },
  bytes: { width: 5, height: 5, fit: 'contain', align: 'start', fill: 7 },
} as const;
const unit = [1 / 255, 1 / 255, 1 / 255];
const CONVERSIONS = {
  nchw: { layout: 'nchw', channels: 'rgb', type: 'float32', fill: [114, 114, 114], scale: unit, mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] },
  nhwc: { layout: 'nhwc', channels: 'bgr', type: 'float32', fill: [0, 0, 0], scale: unit, mean: [0, 0, 0], std: [1, 1, 1] },
  half: { layout: 'nchw', channels: 'rgb', type: 'float16', fill: [0, 0, 0], scale: [1 / 127.5, 1 / 127.5, 1 / 127.5], mean: [1, 1, 1], std: [1, 1, 1] },
  bytes: { layout: 'nhwc', channels: 'rgb', type: 'uint8', fill: [7, 7, 7], scale: [1, 1, 1], mean: [0, 0, 0], std: [1, 1, 1] },
} as const;

for (const backend of ['webgpu', 'wasm'] as const) {
  test(`should convert every kind of picture as the reference does, for every fit and dtype at odd sizes, on ${backend}`, async ({ harness }) => {
    const result = await harness.evaluate(
      async ({ backend, IMAGES, CONVERSIONS }) => {
        const { tensorlane, pictures: P } = window.harness;
        const session = await tensorlane.createSession({ model: 'models/pictures.onnx', backend, images: IMAGES as never });
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
              const base = IMAGES[name as keyof typeof IMAGES];
              // A 1x1 tensor for some calls (its own dims, so its own run), the input's size for the others.
              const one = name === 'half' && s === 0;
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
        const exif = await session.predict({
          nchw: { image: blob, fit: 'stretch', width: 3, height: 5 }, nhwc: new ImageData(4, 4), half: new ImageData(1, 1), bytes: new ImageData(1, 1),
        });
        const exifOff = P.compare(shown, { ...CONVERSIONS.nchw, fit: 'stretch', align: 'center', width: 3, height: 5 } as never, exif['out_nchw']!.data as never);
        const transform = tensorlane.imageTransforms(exif)['nchw'];
        const stats = await session.stats();
        await session.dispose();
        return { backend: session.backend, done, failures, exifOff, transform, pictures: stats.pictures, runs: stats.runs };
      },
      { backend, IMAGES, CONVERSIONS },
    );
    expect(result.backend).toBe(backend);
    expect(result.done).toBe(28);
    expect(result.failures).toEqual([]);
    expect(result.exifOff).toEqual([]);
    expect(result.transform).toEqual({ source: { width: 3, height: 5 }, target: { width: 3, height: 5 }, scale: { x: 1, y: 1 }, offset: { x: 0, y: 0 } });
    // 28 calls of 4 pictures, and the JPEG's: on WebGPU the VideoFrames (7 calls x 4) go through an ImageBitmap on SwiftShader.
    const total = result.pictures.gpu + result.pictures.gpuFromBitmap + result.pictures.cpu;
    expect(total).toBe(28 * 4 + 4);
    if (backend === 'wasm') expect(result.pictures.cpu).toBe(total);
    else expect(result.pictures.cpu).toBe(0);
    // Calls of the same dims share runs.
    expect(result.runs).toBeLessThan(29);
  });
}
