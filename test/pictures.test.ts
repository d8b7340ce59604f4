// Pictures through the real client and the real worker host in Node (a MessageChannel for the worker, onnxruntime-web's
// WASM backend): ImageData-like pictures are the one kind Node can make, and take the same road as every other kind
// once taken (the worker converts them on its CPU, as on WASM in a browser). Chromium runs every kind: e2e/pictures.spec.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSession, imageTransforms, toSource, type ImageInputOptions, type Session } from '../packages/tensorlane/src/index.ts';
import { MODELS } from './models/zoo.ts';
import { portWorker } from './node-worker.ts';
import { offReference, referenceValues, seededPixels, type Conversion, type Pixels } from './image-reference.ts';

/** What the page needs of an ImageData: its pixels, and its tag (Node has no ImageData). */
class NodeImageData {
  constructor(
    readonly data: Uint8ClampedArray,
    readonly width: number,
    readonly height: number,
  ) {}
  get [Symbol.toStringTag](): string {
    return 'ImageData';
  }
}
const imageData = ({ data, width, height }: Pixels) => new NodeImageData(data.slice(), width, height) as unknown as ImageData;

/** The options of each input of pictures.onnx, and the conversion the reference computes for them. */
const OPTIONS: Record<string, ImageInputOptions> = {
  nchw: { width: 7, height: 5, fit: 'contain', fill: [114, 114, 114], mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] },
  nhwc: { width: 4, height: 4, fit: 'cover', align: 'start', channels: 'bgr', resize: 'bicubic' },
  half: { width: 3, height: 6, fit: 'stretch', scale: 1 / 127.5, mean: 1 },
  bytes: { width: 5, height: 5, fit: 'contain', align: 'start', fill: 7, resize: 'bicubic' },
};
const CONVERSIONS: Record<string, Conversion> = {
  nchw: { width: 7, height: 5, fit: 'contain', align: 'center', layout: 'nchw', channels: 'rgb', type: 'float32', fill: [114, 114, 114], scale: [1 / 255, 1 / 255, 1 / 255], mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] },
  nhwc: { width: 4, height: 4, fit: 'cover', align: 'start', layout: 'nhwc', channels: 'bgr', resize: 'bicubic', type: 'float32', fill: [0, 0, 0], scale: [1 / 255, 1 / 255, 1 / 255], mean: [0, 0, 0], std: [1, 1, 1] },
  half: { width: 3, height: 6, fit: 'stretch', align: 'center', layout: 'nchw', channels: 'rgb', type: 'float16', fill: [0, 0, 0], scale: [1 / 127.5, 1 / 127.5, 1 / 127.5], mean: [1, 1, 1], std: [1, 1, 1] },
  bytes: { width: 5, height: 5, fit: 'contain', align: 'start', layout: 'nhwc', channels: 'rgb', resize: 'bicubic', type: 'uint8', fill: [7, 7, 7], scale: [1, 1, 1], mean: [0, 0, 0], std: [1, 1, 1] },
};
const SIZES: Record<string, [number, number]> = { nchw: [9, 4], nhwc: [3, 7], half: [1, 1], bytes: [6, 2] };

const pictures = (seed: number) =>
  Object.fromEntries(Object.entries(SIZES).map(([name, [w, h]], k) => [name, seededPixels(w, h, seed * 10 + k)]));

describe('pictures on the WASM backend in Node', () => {
  let session: Session;
  beforeAll(async () => {
    session = await createSession({ model: MODELS['pictures.onnx'](), worker: portWorker(), images: OPTIONS });
  });
  afterAll(() => session.dispose());

  it('should convert every input as the reference does, moving the pixels, and say what was done to each', async () => {
    const pixels = pictures(1);
    const feeds = Object.fromEntries(Object.entries(pixels).map(([name, p]) => [name, imageData(p)]));
    const outputs = await session.predict(feeds);
    for (const [name, p] of Object.entries(pixels)) {
      const out = outputs[`out_${name}`]!;
      expect(out.dims).toEqual(CONVERSIONS[name]!.layout === 'nchw' ? [1, 3, CONVERSIONS[name]!.height, CONVERSIONS[name]!.width] : [1, CONVERSIONS[name]!.height, CONVERSIONS[name]!.width, 3]);
      expect(offReference(CONVERSIONS[name]!.type, out.data as ArrayLike<number>, referenceValues(p, CONVERSIONS[name]!)), name).toEqual([]);
      expect(feeds[name]!.data.length, `${name} moved`).toBe(0);
    }
    // nchw: 9x4 contained in 7x5: scale 7/9, 4 * 7/9 = 3.11 rows high, centred
    expect(imageTransforms(outputs)['nchw']).toEqual({
      source: { width: 9, height: 4 }, target: { width: 7, height: 5 }, scale: { x: 7 / 9, y: 7 / 9 }, offset: { x: 0, y: (5 - 28 / 9) / 2 },
    });
    expect(toSource(imageTransforms(outputs)['nchw']!, [0, (5 - 28 / 9) / 2, 7, 5 - (5 - 28 / 9) / 2])).toEqual([0, 0, 9, expect.closeTo(4, 12)]);
    expect(Object.keys(outputs)).toEqual(['out_nchw', 'out_nhwc', 'out_half', 'out_bytes']);
  });

  it('should stack the pictures of concurrent calls into one run, each call getting its own rows', async () => {
    const before = await session.stats();
    const calls = [2, 3, 4, 5].map((seed) => pictures(seed));
    const results = await Promise.all(
      calls.map((pixels) => session.predict(Object.fromEntries(Object.entries(pixels).map(([name, p]) => [name, imageData(p)])))),
    );
    const after = await session.stats();
    expect(after.runs - before.runs).toBe(1);
    expect(after.pictures.cpu - before.pictures.cpu).toBe(16);
    results.forEach((outputs, i) => {
      for (const [name, p] of Object.entries(calls[i]!)) {
        expect(outputs[`out_${name}`]!.dims[0]).toBe(1);
        expect(offReference(CONVERSIONS[name]!.type, outputs[`out_${name}`]!.data as ArrayLike<number>, referenceValues(p, CONVERSIONS[name]!))).toEqual([]);
      }
    });
  });

  it('should take a tensor for an image input, a per-call size, and keep the pixels with copy: true', async () => {
    const pixels = pictures(6);
    const given = imageData(pixels['nhwc']!);
    const tensor = { type: 'float32' as const, data: new Float32Array(3 * 5 * 7).fill(0.25), dims: [1, 3, 5, 7] };
    const outputs = await session.predict(
      { nchw: tensor, nhwc: { image: given, width: 2, height: 3, fit: 'stretch' }, half: imageData(pixels['half']!), bytes: imageData(pixels['bytes']!) },
      { copy: true },
    );
    expect(Array.from(outputs['out_nchw']!.data as Float32Array)).toEqual(new Array(105).fill(0.25));
    expect(tensor.data.length).toBe(105);
    expect(given.data.length).toBe(3 * 7 * 4);
    const resized = { ...CONVERSIONS['nhwc']!, width: 2, height: 3, fit: 'stretch' as const };
    expect(outputs['out_nhwc']!.dims).toEqual([1, 3, 2, 3]);
    expect(offReference('float32', outputs['out_nhwc']!.data as Float32Array, referenceValues(pixels['nhwc']!, resized))).toEqual([]);
    expect(Object.keys(imageTransforms(outputs))).toEqual(['nhwc', 'half', 'bytes']);
  });

  it('should reject bad pictures with INVALID_INPUT naming the input, and serve the next call', async () => {
    const pixels = pictures(7);
    const good = () => Object.fromEntries(Object.entries(pixels).map(([name, p]) => [name, imageData(p)]));
    const moved = imageData(pixels['half']!);
    await session.predict({ ...good(), half: moved });
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ half: moved }, 'input "half" is an ImageData whose pixels were moved (transferred) already'],
      [{ half: 'photo.jpg' }, 'input "half" must be a picture (ImageBitmap, VideoFrame, ImageData, OffscreenCanvas, Blob, <img>, <canvas>, <video>), { image, … } or a tensor { type, data, dims }, got "photo.jpg"'],
      [{ half: { image: imageData(pixels['half']!), size: 3 } }, 'input "half" has no setting "size"; a picture\'s settings are "image", "width", "height", "fit", "align"'],
      [{ half: { image: imageData(pixels['half']!), fit: 'fill' } }, 'input "half" fit is "fill"; expected "stretch" | "contain" | "cover"'],
      [{ half: { image: imageData(pixels['half']!), width: 0 } }, 'input "half" width is 0; expected a positive integer (pixels)'],
    ];
    for (const [override, message] of cases) {
      await expect(session.predict({ ...good(), ...override } as never)).rejects.toMatchObject({ code: 'INVALID_INPUT', message });
    }
    await expect(session.predictBatch([good(), { ...good(), bytes: moved }])).rejects.toMatchObject({
      code: 'INVALID_INPUT', message: 'item 1: input "bytes" is an ImageData whose pixels were moved (transferred) already',
    });
    expect((await session.predict(good()))['out_half']!.dims).toEqual([1, 3, 6, 3]);
  });
});

describe('image inputs that do not fit the model', () => {
  const open = (model: keyof typeof MODELS, images: Record<string, ImageInputOptions>) =>
    createSession({ model: MODELS[model](), worker: portWorker(), images });

  it.each([
    ['mlp.onnx', { y: {} }, 'option "images.y" names no input of the model; its inputs are "x"'],
    ['mlp.onnx', { x: {} }, 'option "images.x": input "x" has dims [batch,256], but a picture makes a tensor of rank 4 ([batch,3,height,width] or [batch,height,width,3])'],
    ['convnet.onnx', { image: { width: 64 } }, 'option "images.image.width" is 64, but the model fixes it at 32'],
    ['convnet.onnx', { image: { layout: 'nhwc' } }, "option \"images.image.layout\" is 'nhwc', but input \"image\" has dims [batch,3,32,32], which are nchw"],
  ] as const)('should reject %s with images %j: INVALID_OPTIONS', async (model, images, message) => {
    await expect(open(model, images as Record<string, ImageInputOptions>)).rejects.toMatchObject({ code: 'INVALID_OPTIONS', message });
  });

  it.each([
    [{ x: 3 }, 'option "images.x" expects an options object, got 3'],
    [{ x: { size: 3 } }, 'option "images.x" has no option "size"; its options are "width", "height", "fit", "align", "resize", "fill", "channels", "scale", "mean", "std", "layout"'],
    [{ x: { std: [1, 0, 1] } }, 'option "images.x.std" is [1,0,1]; expected a non-zero finite number, or three (one per channel)'],
    [{ x: { channels: 'rgba' } }, 'option "images.x.channels" is "rgba"; expected "rgb" | "bgr"'],
  ])('should reject the options %j on the page with INVALID_OPTIONS', async (images, message) => {
    await expect(open('mlp.onnx', images as never)).rejects.toMatchObject({ code: 'INVALID_OPTIONS', message });
  });

  it('should take the size of a model that fixes it, and need one per call where it does not', async () => {
    const fixed = await open('convnet.onnx', { image: { fit: 'cover' } });
    const pixels = seededPixels(40, 30, 9);
    const outputs = await fixed.predict({ image: imageData(pixels) });
    expect(outputs['logits']!.dims).toEqual([1, 10]);
    expect(imageTransforms(outputs)['image']!.target).toEqual({ width: 32, height: 32 });
    await fixed.dispose();
    const dynamic = await open('pictures.onnx', { nchw: {}, nhwc: {}, half: {}, bytes: {} });
    const feeds = Object.fromEntries(['nchw', 'nhwc', 'half', 'bytes'].map((name) => [name, imageData(pixels)]));
    await expect(dynamic.predict(feeds)).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: 'input "nchw" needs a size: the model\'s width and height are dynamic; pass { image, width, height }, or set images.nchw.width and .height',
    });
    await dynamic.dispose();
  });
});
