// Pins the public types of pictures and video (issue 20): a change here is a change to the contract.
import { describe, expectTypeOf, it } from 'vitest';
import {
  createSession, imageTransforms, toSource,
  type ImageAlign, type ImageFeeds, type ImageFit, type ImageInput, type ImageInputOptions, type ImageSource,
  type ImageTransform, type Outputs, type PictureStats, type SessionOptions, type VideoStreamOptions, type VideoStreamResult,
  type VideoStreamStats, type Tensor, type VideoSource, type VideoStream,
} from './index.js';

describe('pictures and video', () => {
  it('should take these sources, fits and options', () => {
    expectTypeOf<ImageSource>().toEqualTypeOf<
      ImageBitmap | VideoFrame | ImageData | OffscreenCanvas | Blob | HTMLImageElement | HTMLCanvasElement | HTMLVideoElement
    >();
    expectTypeOf<ImageFit>().toEqualTypeOf<'stretch' | 'contain' | 'cover'>();
    expectTypeOf<ImageAlign>().toEqualTypeOf<'center' | 'start'>();
    expectTypeOf<ImageInputOptions['resize']>().toEqualTypeOf<'bilinear' | 'bicubic' | undefined>();
    expectTypeOf<ImageInputOptions['channels']>().toEqualTypeOf<'rgb' | 'bgr' | undefined>();
    expectTypeOf<ImageInputOptions['layout']>().toEqualTypeOf<'nchw' | 'nhwc' | undefined>();
    expectTypeOf<ImageInputOptions>().toHaveProperty('fill');
    expectTypeOf<ImageInputOptions>().toHaveProperty('scale');
    expectTypeOf<ImageInputOptions>().toHaveProperty('mean');
    expectTypeOf<ImageInputOptions>().toHaveProperty('std');
    expectTypeOf<SessionOptions['images']>().toEqualTypeOf<Readonly<Record<string, ImageInputOptions>> | undefined>();
    expectTypeOf<ImageInput>().toEqualTypeOf<{
      readonly image: ImageSource; readonly width?: number; readonly height?: number; readonly fit?: ImageFit; readonly align?: ImageAlign;
    }>();
    expectTypeOf<ImageFeeds>().toEqualTypeOf<Readonly<Record<string, Tensor | ImageSource | ImageInput>>>();
  });

  it('should map results back to the picture', () => {
    expectTypeOf(imageTransforms).toEqualTypeOf<(outputs: Outputs) => Readonly<Record<string, ImageTransform>>>();
    expectTypeOf(toSource).toEqualTypeOf<(transform: ImageTransform, points: ArrayLike<number>) => number[]>();
    expectTypeOf<ImageTransform['scale']>().toEqualTypeOf<{ readonly x: number; readonly y: number }>();
    expectTypeOf<ImageTransform['offset']>().toEqualTypeOf<{ readonly x: number; readonly y: number }>();
    expectTypeOf<PictureStats>().toEqualTypeOf<{ readonly gpu: number; readonly gpuFromBitmap: number; readonly cpu: number }>();
  });

  it('should stream live video, latest frame wins', () => {
    expectTypeOf<VideoSource>().toEqualTypeOf<
      MediaStreamTrack | HTMLVideoElement | ReadableStream<VideoFrame> | AsyncIterable<ImageSource>
    >();
    expectTypeOf<VideoStream>().toMatchTypeOf<AsyncIterable<VideoStreamResult>>();
    expectTypeOf<VideoStream['path']>().toEqualTypeOf<'track' | 'frames'>();
    expectTypeOf<VideoStream['stats']>().returns.toEqualTypeOf<VideoStreamStats>();
    expectTypeOf<VideoStream['stop']>().returns.toEqualTypeOf<Promise<void>>();
    expectTypeOf<VideoStreamResult['timestamp']>().toEqualTypeOf<number>();
    expectTypeOf<VideoStreamResult['latencyMs']>().toEqualTypeOf<number>();
    expectTypeOf<VideoStreamStats>().toHaveProperty('dropped');
    expectTypeOf<VideoStreamOptions['onResult']>().toEqualTypeOf<((result: VideoStreamResult) => void) | undefined>();
  });

  it('should compile the README example', async () => {
    const photo = new Blob();
    const camera = null as unknown as MediaStream;
    const draw = (..._: unknown[]) => undefined;
    // README.md, "Pictures and video"
    const session = await createSession({ model: '/detector.onnx', images: { image: { fit: 'contain', fill: 114 } } });
    const outputs = await session.predict({ image: await createImageBitmap(photo) });
    const boxes = toSource(imageTransforms(outputs)['image']!, outputs['boxes']!.data as Float32Array);
    const live = session.stream(camera.getVideoTracks()[0]!, { input: 'image' });
    for await (const { outputs, timestamp, latencyMs } of live) draw(outputs, timestamp, latencyMs);
    expectTypeOf(boxes).toEqualTypeOf<number[]>();
  });
});
