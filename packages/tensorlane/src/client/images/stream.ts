// A live video stream on the page (Session.stream): opens the stream in the worker that serves (again after each
// restart), hands over frames on the frames path, and turns the worker's results into StreamResults for onResult or
// `for await`: the latest result wins there too, so a slow consumer never makes results pile up.
import { TensorlaneError, isTensorlaneError, messageOf } from '../../errors.js';
import type { ImageSpec, VideoCounts, VideoMessage, VideoResultMessage as WireResult } from '../../wire/protocol.js';
import { fromWireError } from '../../wire/wire-error.js';
import { buffersOf, copied } from '../../tensor/transfer.js';
import { pictureDims } from '../../tensor/image-fit.js';
import { zeros } from '../../tensor/dtypes.js';
import { sizeOf } from '../../tensor/shape.js';
import type { FeedsReader } from '../../tensor/validate.js';
import type { Feeds } from '../../types/tensor.js';
import type { VideoStreamOptions, VideoStreamResult, VideoStreamStats, VideoSource, VideoStream } from '../../types/images.js';
import type { Distribution } from '../../types/stats.js';
import type { Connection } from '../connection.js';
import { badOption, checkFunction, checkKeys, checkObject, checkSignal, keysOf } from '../check-values.js';
import { checkGeometry } from './check-images.js';
import { frameSourceOf, type FrameSource } from './stream-sources.js';

const STREAM_OPTIONS = keysOf({
  input: true, feeds: true, width: true, height: true, fit: true, align: true, onResult: true, signal: true,
} satisfies Record<keyof VideoStreamOptions, true>);

/** What a stream needs of its session. */
export interface StreamSession {
  readonly specs: readonly ImageSpec[];
  readonly read: FeedsReader;
  /** The connection of the worker that serves, once one does; rejects once the session stopped. */
  connection(): Promise<Connection>;
}

/** How many latencies the percentiles of stats() are taken over: the latest. */
const WINDOW = 512;

/** The checked options: the image input, its spec and frame size, the other inputs (copied), and the callbacks. */
function checkStreamOptions(options: unknown, specs: readonly ImageSpec[], read: FeedsReader) {
  const o = checkObject(options, 'stream()') as VideoStreamOptions;
  checkKeys(o, STREAM_OPTIONS, 'stream()');
  if (o.input !== undefined && typeof o.input !== 'string') throw badOption(`stream() option "input" is ${String(o.input)}; expected an input name`);
  const names = specs.map((s) => `"${s.name}"`).join(', ');
  if (specs.length === 0) throw badOption('stream() needs an image input: declare one with the session option "images"');
  if (o.input === undefined && specs.length > 1) throw badOption(`stream() needs option "input": the image inputs are ${names}`);
  const spec = o.input === undefined ? specs[0]! : specs.find((s) => s.name === o.input);
  if (spec === undefined) throw badOption(`stream() option "input" is "${o.input}", which takes no pictures; the image inputs are ${names}`);
  const geometry = checkGeometry(o, (key) => `stream() option "${key}"`);
  const width = geometry.width ?? spec.width;
  const height = geometry.height ?? spec.height;
  if (width === undefined || height === undefined) {
    throw badOption(`stream() needs a size for input "${spec.name}": the model's width and height are dynamic; pass { width, height }`);
  }
  // The other inputs, read as a call would be (with a tensor where the frames go), and copied once.
  const size = pictureDims(spec.layout, { width, height });
  const probe = { type: spec.type, data: zeros(spec.type, sizeOf(size)), dims: size };
  const all = read({ ...(o.feeds ?? {}), [spec.name]: probe }, 'stream() feeds: ');
  const { [spec.name]: _, ...feeds } = all;
  return {
    spec, geometry, feeds: copied(feeds), signal: checkSignal(o.signal, 'stream() option "signal"'),
    onResult: checkFunction<(result: VideoStreamResult) => void>(o.onResult, 'stream() option "onResult"', 'a function'),
  };
}

function distribution(latencies: readonly number[], count: number, sum: number, max: number): Distribution {
  const sorted = [...latencies].sort((a, b) => a - b);
  const at = (q: number) => (sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!);
  return { count, mean: count === 0 ? 0 : sum / count, p50: at(0.5), p95: at(0.95), max };
}

/**
 * Starts stream `id` of `source` through `session`. Never throws: a bad option or source ends the stream at once,
 * its `done` rejecting with the error.
 */
export function createVideoStream(session: StreamSession, id: number, source: VideoSource, options: unknown = {}): VideoStream {
  let settle!: { resolve: () => void; reject: (error: TensorlaneError) => void };
  const done = new Promise<void>((resolve, reject) => (settle = { resolve, reject }));
  done.catch(() => undefined); // iterating, or awaiting done, reports it
  let ended: { error?: TensorlaneError } | undefined;
  let latest: VideoStreamResult | undefined;
  let waiter: (() => void) | undefined;
  const base: { -readonly [K in keyof VideoCounts]: number } = { offered: 0, run: 0, dropped: 0 };
  let counts: VideoCounts = { offered: 0, run: 0, dropped: 0 };
  const times: number[] = [];
  const latencies: number[] = [];
  let latency = { count: 0, sum: 0, max: 0 };
  const started = performance.now();
  let frames: FrameSource | undefined;
  let connection: Connection | undefined;
  let unlisten = () => undefined as void;
  let stopping: Promise<void> | undefined;
  let onStopped: (() => void) | undefined;
  let checked: ReturnType<typeof checkStreamOptions> | undefined;

  function finish(error?: TensorlaneError): void {
    if (ended) return;
    ended = error ? { error } : {};
    unlisten();
    frames?.stop();
    if (error) settle.reject(error);
    else settle.resolve();
    onStopped?.();
    waiter?.();
  }

  const post = (message: VideoMessage, transfer: Transferable[] = []) => connection?.postVideo(message, transfer);

  function deliver(result: WireResult): void {
    counts = result.counts;
    if (result.ended) {
      if (stopping || result.error) return finish(result.error ? fromWireError(result.error) : undefined);
      return finish(); // the source ended
    }
    const at = performance.now();
    const latencyMs = performance.timeOrigin + at - result.arrived!;
    latency = { count: latency.count + 1, sum: latency.sum + latencyMs, max: Math.max(latency.max, latencyMs) };
    latencies.push(latencyMs);
    if (latencies.length > WINDOW) latencies.shift();
    times.push(at);
    while (times.length > 0 && at - times[0]! > 1000) times.shift();
    const out: VideoStreamResult = { outputs: result.outputs!, timestamp: result.timestamp!, transform: result.transform!, latencyMs };
    if (checked?.onResult) {
      try {
        checked.onResult(out);
      } catch (error) {
        setTimeout(() => {
          throw error;
        });
      }
    } else {
      latest = out;
      waiter?.();
    }
  }

  /** Opens the stream on the worker that serves: at the start, and after each restart. */
  async function open(): Promise<void> {
    try {
      connection = await session.connection();
    } catch (error) {
      return finish(error as TensorlaneError);
    }
    if (ended) return;
    for (const key of Object.keys(base) as (keyof VideoCounts)[]) base[key] += counts[key];
    counts = { offered: 0, run: 0, dropped: 0 };
    const listening = connection;
    unlisten = connection.onVideo((result) => {
      if (result instanceof TensorlaneError) {
        // The worker went away: the next one (if the session restarts) gets the stream again.
        unlisten();
        if (!ended) setTimeout(() => void open());
        return;
      }
      if (result.stream === id && connection === listening) deliver(result);
    });
    const { spec, geometry, feeds } = checked!;
    const readable = frames!.path === 'track' ? frames!.readable() : undefined;
    const moving = copied(feeds);
    post({ tensorlane: 'video-open', stream: id, input: spec.name, ...geometry, feeds: moving, ...(readable ? { readable } : {}) }, [
      ...buffersOf([moving]), ...(readable ? [readable] : []),
    ]);
  }

  try {
    const { specs, read } = session;
    checked = checkStreamOptions(options, specs, read);
    frames = frameSourceOf(source);
    if (checked.signal?.aborted) finish();
    else {
      checked.signal?.addEventListener('abort', () => void stream.stop(), { once: true });
      void open().then(() => {
        if (frames!.path === 'frames') {
          frames!.start(
            (frame, arrived) => (ended ? frame.close() : post({ tensorlane: 'video-frame', stream: id, frame, arrived }, [frame])),
            (error) => (error ? finish(error) : post({ tensorlane: 'video-close', stream: id, drain: true })),
          );
        }
      });
    }
  } catch (error) {
    finish(isTensorlaneError(error) ? error : new TensorlaneError('INVALID_OPTIONS', `stream() could not start: ${messageOf(error)}`, { cause: error }));
  }

  const stream: VideoStream = {
    path: frames?.path ?? 'frames',
    done,
    stats(): VideoStreamStats {
      const elapsed = performance.now() - started;
      const fps = elapsed >= 1000 ? times.length : (times.length * 1000) / Math.max(elapsed, 1);
      return {
        offered: base.offered + counts.offered, run: base.run + counts.run, dropped: base.dropped + counts.dropped, fps,
        latencyMs: distribution(latencies, latency.count, latency.sum, latency.max),
      };
    },
    stop() {
      if (ended) return Promise.resolve();
      stopping ??= new Promise<void>((resolve) => {
        onStopped = resolve;
        frames?.stop();
        if (connection && !connection.closed) post({ tensorlane: 'video-close', stream: id });
        else finish();
      });
      return stopping;
    },
    [Symbol.asyncIterator]() {
      return {
        async next(): Promise<IteratorResult<VideoStreamResult>> {
          for (;;) {
            if (latest) {
              const value = latest;
              latest = undefined;
              return { value, done: false };
            }
            if (ended) {
              if (ended.error) throw ended.error;
              return { value: undefined, done: true };
            }
            await new Promise<void>((resolve) => (waiter = resolve));
            waiter = undefined;
          }
        },
        async return(): Promise<IteratorResult<VideoStreamResult>> {
          await stream.stop();
          return { value: undefined, done: true };
        },
      };
    },
  };
  return stream;
}
