// Streams in real Chromium through the real worker: the decoder's key/value cache carried on the GPU (only the outputs
// asked for are read back), streams batched on the GPU equal to streams run alone, and Silero VAD listening to a file
// and to a fake microphone playing test/audio/speech.wav, against references computed in Node.
import { readFileSync } from 'node:fs';
import { expect, test } from './fixtures.ts';
import { DECODER, decoderReference } from '../test/models/stateful.ts';
import { seededRandom } from '../test/models/zoo.ts';
import { SPEECH_WAV, VAD_FRAME, inSeconds, readWav, segmentsOf, vadReference, type Segment } from '../test/vad.ts';

function sequences(count: number, length: number, seed: number): number[][] {
  const next = seededRandom(seed);
  return Array.from({ length: count }, () => Array.from({ length }, () => Math.floor(next() * DECODER.vocab)));
}

const close = (actual: number[], expected: Float32Array, digits = 4) =>
  expect(actual).toEqual(Array.from(expected).map((v) => expect.closeTo(v, digits)));

const speech = readWav(readFileSync(SPEECH_WAV));
let reference: Float32Array | undefined;
const vad = async () => (reference ??= await vadReference(speech));

test('should step the decoder 32 times on WebGPU with its cache on the GPU, reading back only the logits', async ({ harness }) => {
  const [tokens] = sequences(1, 32, 21);
  const result = await harness.evaluate((tokens) => window.harness.streams.decoderSteps('webgpu', tokens), tokens!);
  expect(result.backend).toBe('webgpu');
  const ref = decoderReference();
  result.logits.forEach((logits, i) => close(logits, ref.step(tokens![i]!)));
  // 16 float32 logits, one 64-byte read a step: the cache (32 bytes more each step) never leaves the GPU.
  expect(result.readback).toEqual(tokens!.map(() => ({ bytes: 4 * DECODER.vocab, maps: 1 })));
  expect(result.cacheDims).toEqual([1, 32, DECODER.dim]);
});

for (const backend of ['webgpu', 'wasm'] as const) {
  test(`should run 32 decoder streams in shared runs on ${backend}, equal to the 32 run alone`, async ({ harness }) => {
    const tokens = sequences(32, 4, 22);
    const result = await harness.evaluate(([backend, tokens]) => window.harness.streams.decoderBatched(backend, tokens), [backend, tokens] as const);
    expect(result.backend).toBe(backend);
    expect(result.steps).toBe(32 * 4);
    expect(result.runs).toBeLessThanOrEqual(4 * 2);
    result.together.forEach((stream, i) => stream.forEach((logits, t) => close(logits, Float32Array.from(result.alone[i]![t]!), 5)));
    tokens.forEach((sequence, i) => {
      const ref = decoderReference();
      sequence.forEach((id, t) => close(result.together[i]![t]!, ref.step(id)));
    });
  });
}

for (const isolated of [false, true]) {
  test.describe(isolated ? 'on a cross-origin isolated page' : 'on a page that is not isolated', () => {
    test.use({ isolated });
    test(`should listen to a file through ${isolated ? 'shared memory' : 'messages'} and find the reference's speech segments`, async ({ harness }) => {
      const result = await harness.evaluate(() => window.harness.streams.vadFromFile('wasm'));
      expect(result.isolated).toBe(isolated);
      expect(result.transport).toBe(isolated ? 'shared-memory' : 'messages');
      expect(result.sourceRate).toBe(16000);
      const expected = await vad();
      expect(result.heard.map((h) => h.frame)).toEqual(result.heard.map((_, i) => i));
      expect(result.heard.map((h) => h.time)).toEqual(result.heard.map((_, i) => (i * VAD_FRAME) / 16000));
      const probabilities = result.heard.map((h) => h.p);
      close(probabilities, expected.subarray(0, probabilities.length), 3);
      const segments = segmentsOf(probabilities);
      console.log(`[vad] from the file in Chromium: ${inSeconds(segments)}`);
      expect(segments).toEqual(segmentsOf(expected));
      expect(result.stats).toMatchObject({ frames: probabilities.length, dropped: 0, resets: 0 });
    });
  });
}

/** Speech as phrases: segments closer than 20 frames (0.64 s, less than the file's pauses) joined; their starts. */
function phraseStarts(segments: readonly Segment[]): number[] {
  const joined: Segment[] = [];
  for (const s of segments) {
    const last = joined.at(-1);
    if (last && s.start - last.end < 20) joined[joined.length - 1] = { start: last.start, end: s.end };
    else joined.push(s);
  }
  return joined.map((s) => s.start);
}

/**
 * How far `heard` phrase starts are from the file's `starts` played in a loop of `period` frames, from where the loop
 * best fits: the largest distance, in frames, of a heard start from the nearest start of the file.
 */
function offRhythm(heard: readonly number[], starts: readonly number[], period: number): number {
  const distance = (frame: number, offset: number) =>
    Math.min(...starts.map((start) => {
      const d = (((frame - offset - start) % period) + period) % period;
      return Math.min(d, period - d);
    }));
  const offsets = heard.flatMap((frame) => starts.map((start) => frame - start));
  return Math.min(...offsets.map((offset) => Math.max(...heard.map((frame) => distance(frame, offset)))));
}

test('should listen to the fake microphone off the main thread and hear the file\'s phrases as it loops', async ({ harness }) => {
  const seconds = 15;
  const result = await harness.evaluate((seconds) => window.harness.streams.vadFromMicrophone('wasm', seconds), seconds);
  console.log(`[vad] microphone "${result.label}" at ${result.sourceRate} Hz, ${result.transport}: ${JSON.stringify(result.stats)}`);
  const times = result.heard.map((h) => h.time);
  expect(times).toEqual([...times].sort((a, b) => a - b));
  expect(result.stats.dropped).toBe(0);
  // Whole segments only: the recording starts and ends wherever the loop was.
  const heard = segmentsOf(result.heard.map((h) => h.p)).filter((s) => s.start > 0 && s.end < result.heard.length);
  console.log(`[vad] heard from the microphone: ${inSeconds(heard)}`);
  const starts = phraseStarts(segmentsOf(await vad()));
  const observed = phraseStarts(heard);
  // 15 s is over two loops of the file's 3 phrases: most of them are heard.
  expect(observed.length).toBeGreaterThanOrEqual(starts.length + 2);
  // The phrases come in the file's rhythm, from wherever the loop was when listening began. The microphone's audio is
  // not the file's bytes (Chromium resamples it to 44.1 kHz, the worker back to 16 kHz), and each loop meets the
  // 512-sample frames at another offset (the file is 207.6 frames long): stepped in Node at offsets 0 to 448, the
  // file's phrases start up to 8 frames apart, and its short third phrase is at times too short to count (8 frames).
  // Through the microphone one phrase was once 9 frames off (on CI, the first of the second loop: its resampled
  // onset crossed the threshold later). So each phrase heard starts within 15 frames (0.48 s, a quarter of the 60
  // frames or more between the file's phrases) of one of the file's, with the loop's period.
  const off = offRhythm(observed, starts, speech.length / VAD_FRAME);
  expect(off, `heard phrases at frames ${JSON.stringify(observed)}; the file's at ${JSON.stringify(starts)}`).toBeLessThanOrEqual(15);
});

test('should step 4 streams listening together in shared runs, and go on listening after a restart, reset', async ({ harness }) => {
  const result = await harness.evaluate(() => window.harness.streams.vadShareAndRestart(4, 40));
  for (const { times, stats } of result.results) {
    expect(stats.resets).toBe(1);
    expect(stats.dropped).toBe(0);
    // Times hold across the restart (the worklet counts the samples); none is heard twice.
    expect(times).toEqual([...new Set(times)].sort((a, b) => a - b));
    expect(times.at(-1)).toBeGreaterThan(6);
  }
  const gap = Math.max(...result.results.flatMap(({ times }) => times.slice(1).map((t, i) => t - times[i]!)));
  console.log(`[streams] listening went on after the restart: the longest silence heard was ${gap.toFixed(2)} s of audio`);
  // In the new worker, the 4 streams' steps shared runs.
  console.log(`[streams] 4 streams listening, after the restart: ${result.streams.steps} steps in ${result.streams.runs} runs`);
  expect(result.streams.open).toBe(4);
  expect(result.streams.runs).toBeLessThan(result.streams.steps);
});
