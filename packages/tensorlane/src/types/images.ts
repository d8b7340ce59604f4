// The public types of pictures and video: which model inputs take pictures and how a picture becomes their tensor
// (SessionOptions.images), what predict takes for them, what was done to each picture (ImageTransform), and live
// video (Session.stream). Both threads use them.
import type { Distribution } from './stats.js';
import type { Feeds, Outputs, Tensor } from './tensor.js';

/**
 * A picture `predict` takes for an image input. `ImageBitmap`, `VideoFrame`, `ImageData` and `OffscreenCanvas` are
 * moved to the worker, as tensor buffers are (the caller's object is closed, detached or left blank afterwards,
 * unless `copy: true`); a `Blob` (an encoded image: JPEG, PNG, WebP…) is decoded off the main thread, EXIF
 * orientation applied; `<img>`, `<canvas>` and `<video>` are snapshotted (their current picture or frame). No pixel
 * is read into JavaScript on the page.
 * @example
 * ```ts
 * import type { ImageSource } from 'tensorlane';
 *
 * const photo: ImageSource = input.files![0]!; // a File is a Blob
 * const { logits } = await session.predict({ pixels: photo });
 * ```
 */
export type ImageSource =
  | ImageBitmap | VideoFrame | ImageData | OffscreenCanvas | Blob | HTMLImageElement | HTMLCanvasElement | HTMLVideoElement;

/**
 * How a picture fills the tensor's width and height: `'stretch'` scales each axis on its own (the aspect ratio
 * changes), `'contain'` scales it whole to fit inside and pads the rest with `fill` (a letterbox), `'cover'` scales it
 * whole to cover the tensor and crops what sticks out.
 * @example
 * ```ts
 * import type { ImageFit } from 'tensorlane';
 *
 * const fit: ImageFit = 'contain'; // YOLO-style letterbox
 * ```
 */
export type ImageFit = 'stretch' | 'contain' | 'cover';

/**
 * Where `'contain'` places the picture (and where `'cover'` crops): centred, or at the top-left corner (`'start'`,
 * padding or cropping only right and bottom, as PaddleOCR pads text lines).
 * @example
 * ```ts
 * import type { ImageAlign } from 'tensorlane';
 *
 * const align: ImageAlign = 'start';
 * ```
 */
export type ImageAlign = 'center' | 'start';

/**
 * Options of one image input (see {@link SessionOptions.images}): the tensor's size, how the picture fits it, and
 * how pixels become values: `value = (pixel * scale - mean) / std`, per channel, in the order of `channels`.
 * The tensor's dtype is the model's (float32, float16 or uint8; uint8 values are rounded and clamped to 0…255).
 * @example
 * ```ts
 * import type { ImageInputOptions } from 'tensorlane';
 *
 * const imagenet: ImageInputOptions = { width: 224, height: 224, fit: 'cover', mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] };
 * const yolo: ImageInputOptions = { width: 640, height: 640, fit: 'contain', fill: 114 };
 * ```
 */
export interface ImageInputOptions {
  /**
   * The tensor's width in pixels.
   * @defaultValue the model's, when its dims fix it; else it must be given here or per call ({@link ImageInput})
   */
  readonly width?: number;
  /**
   * The tensor's height in pixels.
   * @defaultValue the model's, when its dims fix it; else it must be given here or per call ({@link ImageInput})
   */
  readonly height?: number;
  /**
   * How the picture fills the tensor.
   * @defaultValue `'stretch'`
   */
  readonly fit?: ImageFit;
  /**
   * Where `'contain'` places the picture and where `'cover'` crops.
   * @defaultValue `'center'`
   */
  readonly align?: ImageAlign;
  /**
   * How pixels are interpolated when the picture is resized: `'bilinear'` (OpenCV's INTER_LINEAR) or `'bicubic'`
   * (Keys' kernel with a = -0.75, as OpenCV's INTER_CUBIC and PyTorch's bicubic; sharper when enlarging small
   * pictures, such as lines of text).
   * @defaultValue `'bilinear'`
   */
  readonly resize?: 'bilinear' | 'bicubic';
  /**
   * The pixel value of the padding `'contain'` adds, before normalisation: one value for every channel, or `[r, g, b]`.
   * @defaultValue `0` (black)
   */
  readonly fill?: number | readonly [number, number, number];
  /**
   * The channel order of the tensor.
   * @defaultValue `'rgb'`
   */
  readonly channels?: 'rgb' | 'bgr';
  /**
   * What each pixel value (0…255) is multiplied by first: one value, or one per channel.
   * @defaultValue `1 / 255` for float tensors (values 0…1), `1` for uint8
   */
  readonly scale?: number | readonly [number, number, number];
  /**
   * Subtracted after scaling: one value, or one per channel in the order of `channels`.
   * @defaultValue `0`
   */
  readonly mean?: number | readonly [number, number, number];
  /**
   * Divided by last: one value, or one per channel in the order of `channels`.
   * @defaultValue `1`
   */
  readonly std?: number | readonly [number, number, number];
  /**
   * Where the channels are: `'nchw'` ([batch, 3, height, width]) or `'nhwc'` ([batch, height, width, 3]).
   * @defaultValue the model's, when its dims show it (a 3 at dim 1 or at dim 3); else `'nchw'`
   */
  readonly layout?: 'nchw' | 'nhwc';
}

/**
 * A picture with settings of its own for one call: a size for a model whose width and height are dynamic, or another
 * fit. Calls of the same size share runs, whatever their fit.
 * @example
 * ```ts
 * import type { ImageInput } from 'tensorlane';
 *
 * const page: ImageInput = { image: scan, width: 960, height: 1280, fit: 'contain', align: 'start' };
 * const { maps } = await session.predict({ x: page });
 * ```
 */
export interface ImageInput {
  /** The picture. */
  readonly image: ImageSource;
  /** The tensor's width, for this call. @defaultValue the input's (see {@link ImageInputOptions.width}) */
  readonly width?: number;
  /** The tensor's height, for this call. @defaultValue the input's (see {@link ImageInputOptions.height}) */
  readonly height?: number;
  /** How the picture fills the tensor, for this call. @defaultValue the input's */
  readonly fit?: ImageFit;
  /** Where it is placed or cropped, for this call. @defaultValue the input's */
  readonly align?: ImageAlign;
}

/**
 * The inputs of one prediction when some are pictures: a tensor for each input, or, for the inputs declared in
 * {@link SessionOptions.images}, a picture ({@link ImageSource}) or a picture with settings ({@link ImageInput}).
 * @example
 * ```ts
 * import type { ImageFeeds } from 'tensorlane';
 *
 * const feeds: ImageFeeds = { image: video, threshold: { type: 'float32', data: Float32Array.of(0.5), dims: [1] } };
 * const outputs = await session.predict(feeds);
 * ```
 */
export type ImageFeeds = Readonly<Record<string, Tensor | ImageSource | ImageInput>>;

/**
 * What was done to a picture to make its tensor: where the source's pixels went. A point `(x, y)` of the tensor is
 * `((x - offset.x) / scale.x, (y - offset.y) / scale.y)` in the source, which {@link toSource} computes.
 * @example
 * ```ts
 * import { imageTransforms, toSource, type ImageTransform } from 'tensorlane';
 *
 * const outputs = await session.predict({ image: photo });
 * const transform: ImageTransform = imageTransforms(outputs)['image']!;
 * // a 640x480 photo, contained in 320x320: { scale: { x: 0.5, y: 0.5 }, offset: { x: 0, y: 40 }, … }
 * ```
 */
export interface ImageTransform {
  /** The picture's size, in its pixels (EXIF orientation applied). */
  readonly source: {
    /** Its width. */
    readonly width: number;
    /** Its height. */
    readonly height: number;
  };
  /** The tensor's width and height. */
  readonly target: {
    /** The tensor's width. */
    readonly width: number;
    /** The tensor's height. */
    readonly height: number;
  };
  /** Tensor pixels per source pixel, on each axis. */
  readonly scale: {
    /** Horizontally. */
    readonly x: number;
    /** Vertically. */
    readonly y: number;
  };
  /** Where the source's top-left corner lands in the tensor: positive for a letterbox's padding, negative for a crop. */
  readonly offset: {
    /** From the tensor's left edge, in tensor pixels. */
    readonly x: number;
    /** From the tensor's top edge, in tensor pixels. */
    readonly y: number;
  };
}

/**
 * Where {@link Session.stream} takes frames from: a camera's (or any) video `MediaStreamTrack`, a `<video>` element
 * (the frames it plays), a `ReadableStream` of `VideoFrame`s (as `MediaStreamTrackProcessor` gives), or any async
 * iterable of pictures.
 * @example
 * ```ts
 * import type { VideoSource } from 'tensorlane';
 *
 * const camera = await navigator.mediaDevices.getUserMedia({ video: true });
 * const source: VideoSource = camera.getVideoTracks()[0]!;
 * ```
 */
export type VideoSource = MediaStreamTrack | HTMLVideoElement | ReadableStream<VideoFrame> | AsyncIterable<ImageSource>;

/**
 * Options of {@link Session.stream}.
 * @example
 * ```ts
 * import type { VideoStreamOptions } from 'tensorlane';
 *
 * const options: VideoStreamOptions = { input: 'image', fit: 'contain', onResult: ({ outputs }) => draw(outputs) };
 * const stream = session.stream(cameraTrack, options);
 * ```
 */
export interface VideoStreamOptions {
  /** The image input the frames go to. @defaultValue the only input of {@link SessionOptions.images} */
  readonly input?: string;
  /** The model's other inputs: the same tensors for every frame (copied once, when the stream starts). */
  readonly feeds?: Feeds;
  /** The tensor's width, for these frames. @defaultValue the input's */
  readonly width?: number;
  /** The tensor's height, for these frames. @defaultValue the input's */
  readonly height?: number;
  /** How the frames fill the tensor. @defaultValue the input's */
  readonly fit?: ImageFit;
  /** Where they are placed or cropped. @defaultValue the input's */
  readonly align?: ImageAlign;
  /** Called with every result, in order. Without it, iterate the stream (`for await`). */
  readonly onResult?: (result: VideoStreamResult) => void;
  /** Stops the stream, as `stop()` does. */
  readonly signal?: AbortSignal;
}

/**
 * The model's answer for one frame of a stream.
 * @example
 * ```ts
 * import { toSource, type VideoStreamResult } from 'tensorlane';
 *
 * const onResult = ({ outputs, transform, timestamp, latencyMs }: VideoStreamResult) => {
 *   const box = toSource(transform, [10, 20, 110, 220]); // tensor pixels to video pixels
 *   console.log(timestamp, latencyMs, box, outputs);
 * };
 * ```
 */
export interface VideoStreamResult {
  /** The outputs, as `predict` gives them. */
  readonly outputs: Outputs;
  /** The frame's timestamp, as its source gave it (`VideoFrame.timestamp`, in microseconds), to match the result to it. */
  readonly timestamp: number;
  /** What was done to the frame (see {@link toSource}). */
  readonly transform: ImageTransform;
  /** From the frame's arrival (in the worker, or on the page for frames the page hands over) to this result, in ms. */
  readonly latencyMs: number;
}

/**
 * What a stream has done so far.
 * @example
 * ```ts
 * import type { VideoStreamStats } from 'tensorlane';
 *
 * const { fps, dropped, latencyMs }: VideoStreamStats = stream.stats();
 * label.textContent = `${fps.toFixed(1)} fps, ${dropped} dropped, ${latencyMs.p50.toFixed(0)} ms`;
 * ```
 */
export interface VideoStreamStats {
  /** Frames the source delivered. */
  readonly offered: number;
  /** Frames the model ran on. */
  readonly run: number;
  /** Frames closed without a run: a newer frame replaced them while the model was busy. */
  readonly dropped: number;
  /** Results a second, over the last second (or since the start, when younger). */
  readonly fps: number;
  /** From a frame's arrival to its result. */
  readonly latencyMs: Distribution;
}

/**
 * A live video stream through a session (see {@link Session.stream}): the latest frame wins, so that a frame
 * arriving while the model is busy replaces the one waiting, and latency never grows. Iterate it for results, or
 * pass `onResult`.
 * @example
 * ```ts
 * import type { VideoStream } from 'tensorlane';
 *
 * const stream: VideoStream = session.stream(cameraTrack, { input: 'image' });
 * for await (const { outputs, timestamp } of stream) draw(outputs, timestamp);
 * ```
 */
export interface VideoStream extends AsyncIterable<VideoStreamResult> {
  /**
   * How frames reach the worker: `'track'` (the track's frames read in the worker, through a
   * `MediaStreamTrackProcessor` whose stream was moved there), or `'frames'` (each frame moved on its own).
   */
  readonly path: 'track' | 'frames';
  /** Counts, frame rate and latency so far. */
  stats(): VideoStreamStats;
  /** Stops reading frames and closes those held; resolves once the worker let go of them. Idempotent. */
  stop(): Promise<void>;
  /** Settles when the stream ends: resolves after `stop()` or the source's end, rejects with what ended it otherwise. */
  readonly done: Promise<void>;
}

/**
 * How the pictures a session's worker converted got into their tensors, by path (see {@link SessionStats.pictures}):
 * `gpu`, copied to the GPU as they were; `gpuFromBitmap`, made an `ImageBitmap` in the worker first (a `VideoFrame`
 * the GPU could not import, as SwiftShader's camera frames); `cpu`, read on the worker's CPU (the WASM backend).
 * @example
 * ```ts
 * import type { PictureStats } from 'tensorlane';
 *
 * const { pictures }: { pictures: PictureStats } = await session.stats();
 * if (pictures.gpuFromBitmap > 0) console.info('this GPU could not import video frames directly');
 * ```
 */
export interface PictureStats {
  /** Pictures copied to the GPU as they were. */
  readonly gpu: number;
  /** Pictures that went through an `ImageBitmap` in the worker before the GPU took them. */
  readonly gpuFromBitmap: number;
  /** Pictures read on the CPU, in the worker. */
  readonly cpu: number;
}
