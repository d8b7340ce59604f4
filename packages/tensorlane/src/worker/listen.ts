// A stream listening to audio, in the worker: samples arrive from the page's audio worklet (posted on a port, or
// written to a shared ring), are resampled to the model's rate and cut into frames; each frame is one step of the
// stream, and its result goes to the page with the frame's time in the audio. When the model falls behind, frames
// wait, up to `maxWaiting` when dropping (the oldest go), or all of them when catching up.
import { toWireError } from '../wire/wire-error.js';
import { AUDIO_RING, type AudioChunk, type HeardMessage, type ListenSpec } from '../wire/protocol.js';
import type { Feeds } from '../types/tensor.js';
import { copied } from '../tensor/transfer.js';
import { createResampler } from './resample.js';
import type { StepOutcome } from './stream-step.js';

export interface Listener {
  pause(): void;
  resume(): void;
  stop(): void;
}

export interface ListenHooks {
  /** Steps the stream with a frame; settles once the step ran (or failed). */
  step(feeds: Feeds): Promise<StepOutcome>;
  /** Sends results (and the counts) to the page. */
  heard(message: Omit<HeardMessage, 'tensorlane' | 'stream'>): void;
}

/** `Atomics.waitAsync` (ES2024; the repo's lib is ES2023). */
const waitAsync = (Atomics as unknown as {
  waitAsync(array: Int32Array, index: number, value: number, timeoutMs: number): { async: boolean; value: Promise<unknown> | string };
}).waitAsync;

/** Frames that may wait when catching up, in seconds of audio: past that even catching up drops. */
const CATCH_UP_LIMIT_S = 60;

interface Frame {
  readonly frame: number;
  readonly time: number;
  readonly samples: Float32Array;
}

/** Starts listening as `spec` says; the page's worklet already sends to `spec.port` (or writes `spec.ring`). */
export function listen(spec: ListenSpec, hooks: ListenHooks): Listener {
  const { sourceRate, sampleRate, frame, hop, input, feeds, behind, port, ring } = spec;
  const maxWaiting = behind === 'drop' ? spec.maxWaiting : Math.ceil((CATCH_UP_LIMIT_S * sampleRate) / hop);
  const resampler = createResampler(sourceRate, sampleRate);
  /** Target-rate samples not yet framed, the first being target sample `bufferStart`. */
  let buffer = new Float32Array(0);
  let bufferStart = 0;
  /** Where the next frame starts, at the target rate; undefined until the first samples (or after a gap). */
  let nextFrame: number | undefined;
  let frames = 0;
  const waiting: Frame[] = [];
  const counts = { frames: 0, dropped: 0, samples: 0 };
  let running = false;
  let paused = false;
  let stopped = false;

  const stats = () => ({ ...counts, waiting: waiting.length });

  function receive(at: number, samples: Float32Array): void {
    counts.samples += samples.length;
    if (paused || stopped) return;
    const { start, samples: out } = resampler.push(at, samples);
    if (start !== bufferStart + buffer.length) {
      // A gap (a pause, a ring overrun): framing starts again after it.
      buffer = new Float32Array(0);
      bufferStart = start;
      nextFrame = undefined;
    }
    const joined = new Float32Array(buffer.length + out.length);
    joined.set(buffer);
    joined.set(out, buffer.length);
    buffer = joined;
    nextFrame ??= bufferStart;
    while (nextFrame + frame <= bufferStart + buffer.length) {
      const from = nextFrame - bufferStart;
      enqueue({ frame: frames++, time: nextFrame / sampleRate, samples: buffer.slice(from, from + frame) });
      nextFrame += hop;
    }
    const used = Math.min(buffer.length, nextFrame - bufferStart);
    buffer = buffer.slice(used);
    bufferStart += used;
    drain();
  }

  function enqueue(next: Frame): void {
    if (waiting.length >= maxWaiting) {
      waiting.shift();
      counts.dropped++;
    }
    waiting.push(next);
  }

  function drain(): void {
    if (running || paused || stopped) return;
    const next = waiting.shift();
    if (next === undefined) return;
    running = true;
    void hooks.step({ ...feeds, [input]: { type: 'float32', data: next.samples, dims: [1, frame] } }).then((outcome) => {
      running = false;
      if (stopped) return;
      if ('error' in outcome) {
        stop();
        return hooks.heard({ results: [], stats: stats(), error: toWireError(outcome.error, outcome.error.code) });
      }
      counts.frames++;
      // Copied: the outputs may be views of a buffer the other streams of a shared run were answered with.
      hooks.heard({ results: [{ frame: next.frame, time: next.time, outputs: copied(outcome.outputs) }], stats: stats() });
      drain();
    });
  }

  /** Follows the shared ring: reads what the worklet wrote, then waits until it writes more. */
  async function follow(shared: SharedArrayBuffer): Promise<void> {
    const header = new Int32Array(shared, 0, AUDIO_RING.header / 4);
    const data = new Float32Array(shared, AUDIO_RING.header);
    const capacity = data.length;
    const now = Atomics.load(header, AUDIO_RING.written);
    let read = spec.replay ? (now >>> 0 <= capacity ? 0 : (now - capacity) | 0) : now;
    // The worklet counts samples from its start, as it does on a port: times agree whichever way samples come.
    let at = read >>> 0;
    while (!stopped) {
      const written = Atomics.load(header, AUDIO_RING.written);
      let available = (written - read) | 0;
      if (available > capacity) {
        // Overwritten before it was read: those samples are lost, and count as a gap.
        at += available - capacity;
        read = (read + available - capacity) | 0;
        available = capacity;
      }
      if (available > 0) {
        const samples = new Float32Array(available);
        for (let i = 0; i < available; i++) samples[i] = data[(read + i) & (capacity - 1)]!;
        read = (read + available) | 0;
        receive(at, samples);
        at += available;
      }
      const wait = waitAsync(header, AUDIO_RING.written, written, 100);
      if (wait.async) await wait.value;
    }
  }

  if (ring) void follow(ring);
  else {
    port.onmessage = (event: MessageEvent<AudioChunk>) => receive(event.data.at, event.data.samples);
  }

  function stop(): void {
    stopped = true;
    port.onmessage = null;
    port.close();
  }

  return {
    pause() {
      paused = true;
      waiting.length = 0;
    },
    resume() {
      paused = false;
    },
    stop,
  };
}
