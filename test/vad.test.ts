// Silero VAD v5 (from @ricky0123/vad-web) as a stream, over test/audio/speech.wav, in Node: the real client and worker
// host over MessageChannels on onnxruntime-web's WASM backend, against the model stepped frame by frame with
// onnxruntime-node. Also the worker's listening (worker/listen.ts) fed as the audio worklet feeds it: chunks on a
// port, or a shared ring, at the file's rate and resampled from 48 kHz.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSession, type Session, type Stream, type Tensor } from '../packages/tensorlane/src/index.ts';
import { AUDIO_RING, type ListenSpec } from '../packages/tensorlane/src/wire/protocol.ts';
import { listen } from '../packages/tensorlane/src/worker/listen.ts';
import { portWorker } from './node-worker.ts';
import { SPEECH_WAV, VAD_FRAME, VAD_RATE, inSeconds, readSilero, readWav, segmentsOf, vadReference } from './vad.ts';

/** Silero's sample rate input; a new one each step, since a step moves its inputs to the worker. */
const rate = (): Tensor<'int64'> => ({ type: 'int64', data: BigInt64Array.of(BigInt(VAD_RATE)), dims: [] });
const frameOf = (samples: Float32Array, f: number): Tensor<'float32'> => ({
  type: 'float32', data: samples.slice(f * VAD_FRAME, (f + 1) * VAD_FRAME), dims: [1, VAD_FRAME],
});
const probability = (outputs: Record<string, Tensor>) => (outputs['output']!.data as Float32Array)[0]!;

describe('Silero VAD v5 as a stream', () => {
  const speech = readWav(readFileSync(SPEECH_WAV));
  const frames = Math.floor(speech.length / VAD_FRAME);
  let reference: Float32Array;
  let session: Session;
  beforeAll(async () => {
    reference = await vadReference(speech);
    session = await createSession({ model: readSilero(), worker: portWorker() });
  });
  afterAll(() => session.dispose());

  const open = () => session.openStream({ carry: { stateN: 'state' } });

  it('should find the speech segments of the reference, stepping frame by frame with the state in the worker', async () => {
    await using stream = open();
    const probabilities = new Float32Array(frames);
    for (let f = 0; f < frames; f++) probabilities[f] = probability(await stream.step({ input: frameOf(speech, f), sr: rate() }));
    expect(Array.from(probabilities)).toEqual(Array.from(reference).map((p) => expect.closeTo(p, 4)));
    const segments = segmentsOf(probabilities);
    console.log(`[vad] ${frames} frames; speech: ${inSeconds(segments)}`);
    expect(segments).toEqual(segmentsOf(reference));
    expect(segments).toHaveLength(3);
    expect((await stream.read('state')).dims).toEqual([2, 1, 128]);
  });

  it('should run 32 streams stepped together in shared runs (state stacked along dim 1), equal to 32 streams run alone', async () => {
    const count = 32;
    const length = 20;
    // Each stream hears the file from its own offset: 32 different states.
    const audio = Array.from({ length: count }, (_, i) => speech.subarray(i * 1500));
    const alone: number[][] = [];
    for (const samples of audio) {
      await using stream = open();
      const out: number[] = [];
      for (let f = 0; f < length; f++) out.push(probability(await stream.step({ input: frameOf(samples, f), sr: rate() })));
      alone.push(out);
    }
    const streams: Stream[] = audio.map(() => open());
    const before = (await session.stats()).streams;
    const together: number[][] = audio.map(() => []);
    for (let f = 0; f < length; f++) {
      const outputs = await Promise.all(streams.map((stream, i) => stream.step({ input: frameOf(audio[i]!, f), sr: rate() })));
      outputs.forEach((out, i) => together[i]!.push(probability(out)));
    }
    const after = (await session.stats()).streams;
    expect(after.runs - before.runs).toBe(length);
    expect(after.rowsRun - before.rowsRun).toBe(count * length);
    together.forEach((out, i) => expect(out).toEqual(alone[i]!.map((p) => expect.closeTo(p, 5))));
    await Promise.all(streams.map((stream) => stream.close()));
  });

  describe('listening in the worker', () => {
    /** Listens as `spec` says with a new stream, `feed` playing the worklet's part; resolves with each frame's probability. */
    async function heard(spec: Pick<ListenSpec, 'sourceRate'> & Partial<ListenSpec>, feed: (port: MessagePort) => void) {
      await using stream = open();
      const { port1, port2 } = new MessageChannel();
      const results: Array<{ frame: number; time: number; p: number }> = [];
      // The resampler holds back a few samples at the end: the last frame may not come.
      const expected = frames - 1;
      const done = new Promise<void>((resolve, reject) => {
        const listener = listen(
          { sampleRate: VAD_RATE, frame: VAD_FRAME, hop: VAD_FRAME, input: 'input', feeds: { sr: rate() }, behind: 'catch-up', maxWaiting: 2, port: port2, replay: true, ...spec },
          {
            step: (feeds) => stream.step(feeds, { copy: true }).then((outputs) => ({ outputs }), (error: Error & { code: 'RUN_FAILED' }) => ({ error }) as never),
            heard: ({ results: batch, error }) => {
              if (error) reject(new Error(error.message));
              for (const { frame, time, outputs } of batch) results.push({ frame, time, p: (outputs['output']!.data as Float32Array)[0]! });
              if (results.length >= expected) {
                listener.stop();
                resolve();
              }
            },
          },
        );
      });
      feed(port1);
      await done;
      return results;
    }

    /** Posts `samples` in chunks of 1024, as the worklet does without shared memory. */
    const post = (samples: Float32Array) => (port: MessagePort) => {
      for (let at = 0; at < samples.length; at += 1024) {
        const chunk = samples.slice(at, at + 1024);
        port.postMessage({ at, samples: chunk }, [chunk.buffer]);
      }
    };

    it('should step each frame of audio posted on a port at the model\'s rate, equal to the reference, with its time', async () => {
      const results = await heard({ sourceRate: VAD_RATE }, post(speech));
      expect(results.map((r) => r.frame)).toEqual(results.map((_, i) => i));
      expect(results.map((r) => r.time)).toEqual(results.map((_, i) => (i * VAD_FRAME) / VAD_RATE));
      expect(results.map((r) => r.p)).toEqual(Array.from(reference.subarray(0, results.length)).map((p) => expect.closeTo(p, 4)));
    });

    it('should read audio from a shared ring, as the worklet writes it where the page is cross-origin isolated', async () => {
      const capacity = 1 << 15;
      const ring = new SharedArrayBuffer(AUDIO_RING.header + 4 * capacity);
      const header = new Int32Array(ring, 0, AUDIO_RING.header / 4);
      const data = new Float32Array(ring, AUDIO_RING.header);
      const results = await heard({ sourceRate: VAD_RATE, ring }, () => {
        // Written in render quanta of 128, a few at a time, as the audio thread would.
        let at = 0;
        const write = () => {
          for (let q = 0; q < 32 && at < speech.length; q++, at += 128) {
            const block = speech.subarray(at, at + 128);
            for (let i = 0; i < block.length; i++) data[(at + i) & (capacity - 1)] = block[i]!;
            Atomics.store(header, AUDIO_RING.written, at + block.length);
            Atomics.notify(header, AUDIO_RING.written);
          }
          if (at < speech.length) setTimeout(write, 1);
        };
        write();
      });
      expect(results.map((r) => r.p)).toEqual(Array.from(reference.subarray(0, results.length)).map((p) => expect.closeTo(p, 4)));
    });

    it('should drop the oldest frames waiting when the model falls behind, and count them', async () => {
      await using stream = open();
      const { port1, port2 } = new MessageChannel();
      const seen: number[] = [];
      let last = { frames: 0, dropped: 0, waiting: 0, samples: 0 };
      const listener = listen(
        { sourceRate: VAD_RATE, sampleRate: VAD_RATE, frame: VAD_FRAME, hop: VAD_FRAME, input: 'input', feeds: { sr: rate() }, behind: 'drop', maxWaiting: 1, port: port2, replay: true },
        {
          step: (feeds) => stream.step(feeds, { copy: true }).then((outputs) => ({ outputs })),
          heard: ({ results, stats }) => {
            seen.push(...results.map((r) => r.frame));
            last = stats;
          },
        },
      );
      // The whole file at once: far faster than the model steps.
      post(speech)(port1);
      await expect.poll(() => last.samples, { timeout: 20_000 }).toBe(speech.length);
      await expect.poll(() => last.waiting, { timeout: 20_000 }).toBe(0);
      listener.stop();
      expect(last.dropped).toBeGreaterThan(0);
      expect(last.frames + last.dropped).toBe(frames);
      expect(seen).toHaveLength(last.frames);
      expect(seen).toEqual([...seen].sort((a, b) => a - b));
    });

    it('should resample 48 kHz audio to the model\'s 16 kHz and find the same speech segments', async () => {
      // 48 kHz by linear interpolation: a different signal from the file, close enough for the same segments.
      const high = new Float32Array(speech.length * 3);
      for (let i = 0; i < high.length; i++) {
        const t = i / 3;
        const k = Math.floor(t);
        high[i] = speech[k]! + (t - k) * ((speech[k + 1] ?? 0) - speech[k]!);
      }
      const results = await heard({ sourceRate: 48000 }, post(high));
      const segments = segmentsOf(results.map((r) => r.p));
      const expected = segmentsOf(reference);
      expect(segments).toHaveLength(expected.length);
      segments.forEach((segment, i) => {
        expect(Math.abs(segment.start - expected[i]!.start)).toBeLessThanOrEqual(1);
        expect(Math.abs(segment.end - expected[i]!.end)).toBeLessThanOrEqual(1);
      });
    });
  });
});
