// Live video in the worker: each stream reads its frames (from a MediaStreamTrackProcessor's stream moved here, or as
// the page hands them over) and keeps only the latest one waiting: a frame that arrives while the stream's previous
// frame is queued or running replaces the waiting one, which is closed unrun. One frame per stream is in the queue
// at a time, as a call of its own (negative ids, the page's are positive), so it batches with predict calls.
import { TensorlaneError, messageOf } from '../../errors.js';
import { fitTransform, pictureDims } from '../../tensor/image-fit.js';
import { noData } from '../../tensor/pictures.js';
import { rowSlicer } from '../../tensor/stack.js';
import { buffersOf } from '../../tensor/transfer.js';
import type { Feeds, Tensor } from '../../types/tensor.js';
import type { ImageTransform } from '../../types/images.js';
import { toWireError } from '../../wire/wire-error.js';
import type { ImageSpec, PictureFeed, VideoCounts, VideoFrameMessage, VideoMessage, VideoOpen, VideoResultMessage } from '../../wire/protocol.js';
import type { ItemRows, Outcome, RunAnswer } from '../scheduler.js';

/** What streams need of the host. */
export interface VideoHost {
  /** Queues call `id`, a stream's frame; it is answered through {@link VideoStreams.settled}. */
  queue(id: number, items: readonly Feeds[]): void;
  /** Drops call `id` and closes its frames. */
  cancel(id: number): void;
  post(message: VideoResultMessage, transfer: Transferable[]): void;
}

export interface VideoStreams {
  handle(message: VideoMessage): void;
  /** Answers the streams' calls among what a run settled; returns the rest, for the page's calls. */
  settled(answer: RunAnswer | undefined, outcomes: readonly Outcome[]): { answer: RunAnswer | undefined; outcomes: Outcome[] };
  /** Stops every stream, telling the page nothing (the worker is going away). */
  stopAll(): void;
}

type Frame = VideoFrame | ImageBitmap;

interface Stream {
  readonly open: VideoOpen;
  readonly spec: ImageSpec;
  readonly target: { readonly width: number; readonly height: number };
  readonly counts: { offered: number; run: number; dropped: number };
  waiting: { readonly frame: Frame; readonly timestamp: number; readonly arrived: number } | undefined;
  /** Frames offered so far: the latest one wins. */
  offers: number;
  /** The source ended: the stream ends once its last frame is answered. */
  draining: boolean;
  busy: { readonly call: number; readonly timestamp: number; readonly transform: ImageTransform; readonly arrived: number } | undefined;
  reader: ReadableStreamDefaultReader<VideoFrame> | undefined;
  over: boolean;
}

const now = () => performance.timeOrigin + performance.now();
const sizeOf = (frame: Frame) => ('displayWidth' in frame ? { width: frame.displayWidth, height: frame.displayHeight } : frame);

export function createVideoStreams(specs: readonly ImageSpec[], host: VideoHost): VideoStreams {
  const streams = new Map<number, Stream>();
  /** The stream each call in the queue belongs to. */
  const calls = new Map<number, Stream>();
  let nextCall = -1;

  const counts = (stream: Stream): VideoCounts => ({ ...stream.counts });

  /** Ends `stream`: stops reading, closes what it holds, and tells the page (unless `quiet`). */
  function end(stream: Stream, error?: TensorlaneError, quiet = false): void {
    if (stream.over) return;
    stream.over = true;
    if (streams.get(stream.open.stream) === stream) streams.delete(stream.open.stream);
    void stream.reader?.cancel().catch(() => undefined);
    stream.waiting?.frame.close();
    stream.waiting = undefined;
    if (stream.busy) {
      calls.delete(stream.busy.call);
      host.cancel(stream.busy.call);
    }
    if (!quiet) {
      const message: VideoResultMessage = {
        tensorlane: 'video-result', stream: stream.open.stream, counts: counts(stream), ended: true,
        ...(error ? { error: toWireError(error, error.code) } : {}),
      };
      host.post(message, []);
    }
  }

  /** Queues the waiting frame, when the stream has none in the queue; ends a drained stream. */
  function pump(stream: Stream): void {
    if (stream.over || stream.busy) return;
    if (stream.waiting === undefined) return stream.draining ? end(stream) : undefined;
    const { frame, timestamp, arrived } = stream.waiting;
    stream.waiting = undefined;
    const { open, spec, target } = stream;
    const transform = fitTransform(sizeOf(frame), target, open.fit ?? spec.fit, open.align ?? spec.align);
    const call = nextCall--;
    stream.busy = { call, timestamp, transform, arrived };
    calls.set(call, stream);
    const picture: PictureFeed = { type: spec.type, data: noData(spec.type), dims: pictureDims(spec.layout, target), pictures: [{ frame, transform }] };
    host.queue(call, [{ ...open.feeds, [open.input]: picture }]);
  }

  /**
   * Takes a frame of `stream`. While the stream has a frame in the queue, the new one waits as a copy (an ImageBitmap,
   * made by the browser), and the source's own frame is closed at once: a camera hands out only a few frames at a time,
   * and stops until one comes back.
   */
  async function offer(stream: Stream, frame: Frame, arrived: number): Promise<void> {
    if (stream.over) return frame.close();
    stream.counts.offered++;
    const ticket = ++stream.offers;
    // A frame without a timestamp (an ImageBitmap the page handed over) takes its arrival's, in microseconds.
    const timestamp = 'timestamp' in frame ? frame.timestamp : Math.round(arrived * 1000);
    let held = frame;
    if (stream.busy && 'timestamp' in frame) {
      try {
        held = await createImageBitmap(frame);
      } catch {
        stream.counts.dropped++;
        return;
      } finally {
        frame.close();
      }
      // A newer frame came meanwhile, or the stream ended: this one is not the latest.
      if (ticket !== stream.offers || stream.over) {
        held.close();
        if (!stream.over) stream.counts.dropped++;
        return;
      }
    }
    if (stream.waiting) {
      stream.waiting.frame.close();
      stream.counts.dropped++;
    }
    stream.waiting = { frame: held, timestamp, arrived };
    pump(stream);
  }

  async function read(stream: Stream, reader: ReadableStreamDefaultReader<VideoFrame>): Promise<void> {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) {
          stream.draining = true;
          return pump(stream);
        }
        void offer(stream, value, now());
      }
    } catch (error) {
      end(stream, new TensorlaneError('INVALID_INPUT', `the stream's frames could not be read: ${messageOf(error)}`, { cause: error }));
    }
  }

  function open(message: VideoOpen): void {
    const previous = streams.get(message.stream);
    if (previous) end(previous, undefined, true);
    const spec = specs.find((s) => s.name === message.input);
    const width = message.width ?? spec?.width;
    const height = message.height ?? spec?.height;
    const stream: Stream = {
      open: message, spec: spec!, target: { width: width ?? 0, height: height ?? 0 }, counts: { offered: 0, run: 0, dropped: 0 },
      waiting: undefined, offers: 0, draining: false, busy: undefined, reader: undefined, over: false,
    };
    streams.set(message.stream, stream);
    if (spec === undefined || width === undefined || height === undefined) {
      const why = spec === undefined ? `input "${message.input}" takes no pictures here` : `input "${message.input}" needs a width and a height`;
      void message.readable?.cancel().catch(() => undefined);
      return end(stream, new TensorlaneError('INVALID_OPTIONS', `the stream cannot start: ${why}`));
    }
    if (message.readable) {
      stream.reader = message.readable.getReader();
      void read(stream, stream.reader);
    }
  }

  /** A stream item's outputs: views over the run's buffers when nothing else shares them, else copies. */
  function outputsOf(answer: RunAnswer, item: ItemRows, alone: boolean): Feeds {
    if (item.rows < 0) return answer.outputs;
    const rows = rowSlicer(answer.outputs)(item.start, item.rows);
    if (alone) return rows;
    const copies: Record<string, Tensor> = {};
    for (const name in rows) copies[name] = { ...rows[name]!, data: rows[name]!.data.slice() as Tensor['data'] };
    return copies;
  }

  return {
    handle(message) {
      if (message.tensorlane === 'video-open') return open(message);
      const stream = streams.get(message.stream);
      if (message.tensorlane === 'video-close') {
        if (stream && message.drain) {
          stream.draining = true;
          pump(stream);
        } else if (stream) end(stream);
        else host.post({ tensorlane: 'video-result', stream: message.stream, counts: { offered: 0, run: 0, dropped: 0 }, ended: true }, []);
        return;
      }
      const { frame, arrived } = message as VideoFrameMessage;
      if (stream === undefined) return frame.close();
      void offer(stream, frame, arrived);
    },

    settled(answer, outcomes) {
      const mine = answer?.items.filter((item) => calls.has(item.id)) ?? [];
      const rest = answer?.items.filter((item) => item.id >= 0) ?? [];
      for (const item of mine) {
        const stream = calls.get(item.id)!;
        calls.delete(item.id);
        const busy = stream.busy!;
        stream.busy = undefined;
        stream.counts.run++;
        const outputs = outputsOf(answer!, item, rest.length === 0 && mine.length === 1);
        const { timestamp, transform, arrived } = busy;
        const message: VideoResultMessage = { tensorlane: 'video-result', stream: stream.open.stream, counts: counts(stream), outputs, timestamp, transform, arrived };
        host.post(message, buffersOf([outputs]));
        pump(stream);
      }
      const others: Outcome[] = [];
      for (const outcome of outcomes) {
        const stream = calls.get(outcome.id);
        if (stream === undefined) {
          if (outcome.id >= 0) others.push(outcome);
          continue;
        }
        calls.delete(outcome.id);
        stream.busy = undefined;
        if (outcome.error) end(stream, outcome.error);
        else pump(stream);
      }
      return { answer: rest.length > 0 ? { outputs: answer!.outputs, items: rest } : undefined, outcomes: others };
    },

    stopAll() {
      for (const stream of [...streams.values()]) end(stream, undefined, true);
    },
  };
}
