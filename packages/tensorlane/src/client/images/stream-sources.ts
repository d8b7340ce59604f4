// Where a video stream's frames come from on the page, and how they reach the worker: a track's frames are read in
// the worker where the browser allows it (a MediaStreamTrackProcessor's stream, moved there: no work on the page per
// frame), else the page hands each frame over as it comes (moved, never read). A <video> is a track (captureStream).
import { TensorlaneError } from '../../errors.js';
import type { ImageSource, VideoSource } from '../../types/images.js';
import { describe } from '../../tensor/dtypes.js';

type Frame = VideoFrame | ImageBitmap;

/** How a stream's frames reach the worker. */
export interface FrameSource {
  readonly path: 'track' | 'frames';
  /** A new stream of the track's frames, to move to the worker (the track path; again after a restart). */
  readable(): ReadableStream<VideoFrame>;
  /** The frames path: hands every frame to `offer` until stopped, then calls `ended` (with why, if it failed). */
  start(offer: (frame: Frame, arrived: number) => void, ended: (error?: TensorlaneError) => void): void;
  /** Stops taking frames; the tracks it made are stopped. */
  stop(): void;
}

const now = () => performance.timeOrigin + performance.now();
const tagOf = (value: unknown) => Object.prototype.toString.call(value).slice(8, -1);

interface ProcessorClass {
  new (init: { track: MediaStreamTrack }): { readonly readable: ReadableStream<VideoFrame> };
}

function badSource(message: string): TensorlaneError {
  return new TensorlaneError('INVALID_OPTIONS', `stream() ${message}`);
}

/** A track's frames, through a MediaStreamTrackProcessor of a clone of it (so that stopping ours leaves the caller's). */
function fromTrack(track: MediaStreamTrack, Processor: ProcessorClass): FrameSource {
  let clone: MediaStreamTrack | undefined;
  return {
    path: 'track',
    readable() {
      clone?.stop();
      clone = track.clone();
      return new Processor({ track: clone }).readable;
    },
    start: () => undefined,
    stop: () => clone?.stop(),
  };
}

/** A <video>'s frames, each wrapped as it is shown (requestVideoFrameCallback): the page's only work per frame. */
function fromVideo(video: HTMLVideoElement, made?: MediaStreamTrack): FrameSource {
  let stopped = false;
  return {
    path: 'frames',
    readable: () => {
      throw badSource('has no track to read in the worker here');
    },
    start(offer) {
      const tick = (_now: number, { mediaTime }: { mediaTime: number }) => {
        if (stopped) return;
        offer(new VideoFrame(video, { timestamp: Math.round(mediaTime * 1e6) }), now());
        video.requestVideoFrameCallback(tick);
      };
      video.requestVideoFrameCallback(tick);
      if (made) void video.play().catch(() => undefined);
    },
    stop() {
      stopped = true;
      made?.stop();
    },
  };
}

/** Any async iterable of pictures: each frame moved as it comes (other pictures snapshotted as an ImageBitmap). */
function fromIterable(pictures: AsyncIterable<ImageSource>): FrameSource {
  let stopped = false;
  const toFrame = (picture: ImageSource): Frame | Promise<Frame> => {
    const tag = tagOf(picture);
    return tag === 'VideoFrame' || tag === 'ImageBitmap' ? (picture as Frame) : createImageBitmap(picture as ImageBitmapSource);
  };
  return {
    path: 'frames',
    readable: () => {
      throw badSource('reads an async iterable on the page');
    },
    start(offer, ended) {
      void (async () => {
        try {
          for await (const picture of pictures) {
            if (stopped) {
              if (typeof (picture as Partial<Frame>).close === 'function') (picture as Frame).close();
              break;
            }
            offer(await toFrame(picture), now());
          }
          ended();
        } catch (error) {
          ended(new TensorlaneError('INVALID_INPUT', `the stream's source failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error }));
        }
      })();
    },
    stop() {
      stopped = true;
    },
  };
}

/**
 * How `source`'s frames reach the worker: the track path where the page has a MediaStreamTrackProcessor (Chromium),
 * the frames path elsewhere.
 * @throws TensorlaneError `INVALID_OPTIONS` for a source that is no video.
 */
export function frameSourceOf(source: VideoSource): FrameSource {
  const Processor = (globalThis as { MediaStreamTrackProcessor?: ProcessorClass }).MediaStreamTrackProcessor;
  const tag = tagOf(source);
  if (tag === 'MediaStreamTrack') {
    const track = source as MediaStreamTrack;
    if (track.kind !== 'video') throw badSource(`takes a video track; this one is ${track.kind}`);
    if (track.readyState === 'ended') throw badSource('takes a live track; this one has ended');
    if (Processor) return fromTrack(track, Processor);
    const video = Object.assign(document.createElement('video'), { muted: true, playsInline: true });
    const clone = track.clone();
    video.srcObject = new MediaStream([clone]);
    return fromVideo(video, clone);
  }
  if (tag === 'HTMLVideoElement') {
    const video = source as HTMLVideoElement & { captureStream?: () => MediaStream };
    const track = Processor && video.captureStream ? video.captureStream().getVideoTracks()[0] : undefined;
    return track ? fromTrack(track, Processor!) : fromVideo(video);
  }
  if (tag === 'ReadableStream') {
    let given: ReadableStream<VideoFrame> | undefined = source as ReadableStream<VideoFrame>;
    return {
      path: 'track',
      readable() {
        if (given === undefined) throw new TensorlaneError('WORKER_CRASHED', 'the stream\'s ReadableStream moved to a worker that stopped; open a new stream');
        const readable = given;
        given = undefined;
        return readable;
      },
      start: () => undefined,
      stop: () => undefined,
    };
  }
  if (typeof (source as Partial<AsyncIterable<ImageSource>>)[Symbol.asyncIterator] === 'function') return fromIterable(source as AsyncIterable<ImageSource>);
  throw badSource(`takes a video MediaStreamTrack, a <video>, a ReadableStream of VideoFrames or an async iterable of pictures, got ${describe(source)}`);
}
