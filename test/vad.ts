// Voice activity detection for the tests, the bench and the demo: Silero VAD v5 as @ricky0123/vad-web ships it
// (inputs input [N, samples], state [2, N, 128], sr int64 scalar; outputs output [N, 1], stateN [2, N, 128]), the
// speech file test/audio/speech.wav (made by test/audio/make-speech.sh), and speech segments read from the model's
// probabilities. The reference steps the model with onnxruntime-node, frame after frame.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/** Samples per frame at 16 kHz, as Silero VAD v5 takes them; a frame is 32 ms. */
export const VAD_FRAME = 512;
export const VAD_RATE = 16000;
/**
 * Speech starts where the probability reaches START, and ends where it stays below END for MIN_SILENCE frames;
 * shorter than MIN_SPEECH frames, it is dropped: Silero's own defaults (0.5, 0.35, 100 ms, 250 ms) in 32 ms frames.
 */
const START = 0.5;
const END = 0.35;
const MIN_SILENCE = 4;
const MIN_SPEECH = 8;

export const SPEECH_WAV = fileURLToPath(new URL('./audio/speech.wav', import.meta.url));

export function readSilero(): Uint8Array {
  return readFileSync(createRequire(import.meta.url).resolve('@ricky0123/vad-web/dist/silero_vad_v5.onnx'));
}

/** The samples of a 16-bit PCM mono WAV, as floats in [-1, 1). */
export function readWav(bytes: Uint8Array): Float32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 12;
  while (at < bytes.length) {
    const id = String.fromCharCode(...bytes.subarray(at, at + 4));
    const size = view.getUint32(at + 4, true);
    if (id === 'data') {
      const samples = new Float32Array(size / 2);
      for (let i = 0; i < samples.length; i++) samples[i] = view.getInt16(at + 8 + 2 * i, true) / 32768;
      return samples;
    }
    at += 8 + size + (size % 2);
  }
  throw new Error('no data chunk in the WAV file');
}

/** A speech segment, in frames: `[start, end)`. */
export interface Segment {
  readonly start: number;
  readonly end: number;
}

/** Speech segments from per-frame probabilities. */
export function segmentsOf(probabilities: ArrayLike<number>): Segment[] {
  const segments: Segment[] = [];
  let start: number | undefined;
  /** Where the probability last fell below END, while in speech. */
  let quiet: number | undefined;
  const close = (end: number) => {
    if (end - start! >= MIN_SPEECH) segments.push({ start: start!, end });
    start = quiet = undefined;
  };
  for (let i = 0; i < probabilities.length; i++) {
    const p = probabilities[i]!;
    if (start === undefined) {
      if (p >= START) start = i;
    } else if (p >= END) quiet = undefined;
    else if ((quiet ??= i) <= i - MIN_SILENCE) close(quiet);
  }
  if (start !== undefined) close(quiet ?? probabilities.length);
  return segments;
}

/** Segments in seconds, rounded to the ms, as they read in a report. */
export function inSeconds(segments: readonly Segment[]): string {
  const s = (frame: number) => ((frame * VAD_FRAME) / VAD_RATE).toFixed(3);
  return segments.map(({ start, end }) => `${s(start)}–${s(end)} s`).join(', ');
}

/** Silero VAD stepped frame by frame over `samples` (whole frames only) with onnxruntime-node: each frame's probability. */
export async function vadReference(samples: Float32Array): Promise<Float32Array> {
  const ort = await import('onnxruntime-node');
  const session = await ort.InferenceSession.create(readSilero());
  const frames = Math.floor(samples.length / VAD_FRAME);
  const out = new Float32Array(frames);
  let state = new ort.Tensor('float32', new Float32Array(2 * 128), [2, 1, 128]);
  const sr = new ort.Tensor('int64', BigInt64Array.of(BigInt(VAD_RATE)), []);
  for (let f = 0; f < frames; f++) {
    const input = new ort.Tensor('float32', samples.slice(f * VAD_FRAME, (f + 1) * VAD_FRAME), [1, VAD_FRAME]);
    const result = await session.run({ input, state, sr });
    out[f] = (result['output']!.data as Float32Array)[0]!;
    state = result['stateN'] as typeof state;
  }
  await session.release();
  return out;
}
