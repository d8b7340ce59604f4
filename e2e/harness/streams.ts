// The in-page halves of e2e/streams.spec.ts: streams on the decoder and on Silero VAD, and listening to audio from a
// file (through an OfflineAudioContext) and from the fake microphone.
import { createSession, type Backend, type Session, type Tensor } from 'tensorlane';

const token = (id: number): Tensor<'int64'> => ({ type: 'int64', data: BigInt64Array.of(BigInt(id)), dims: [1, 1] });
const CARRY = { present_key: 'past_key', present_value: 'past_value' };

/** A worker factory whose workers count their GPU read-backs, and a way to ask the last one. */
function readbackWorkers() {
  let last: Worker | undefined;
  return {
    worker: () => (last = new Worker(new URL('./readback-worker.ts', import.meta.url), { type: 'module' })),
    read: () =>
      new Promise<{ bytes: number; maps: number }>((resolve) => {
        const onMessage = (event: MessageEvent<{ readback?: { bytes: number; maps: number } }>) => {
          if (!event.data?.readback) return;
          last!.removeEventListener('message', onMessage);
          resolve(event.data.readback);
        };
        last!.addEventListener('message', onMessage);
        last!.postMessage({ probe: 'readback' });
      }),
  };
}

/** The decoder stepped through `tokens`: each step's logits, and the bytes read back from the GPU by each step. */
export async function decoderSteps(backend: Backend, tokens: readonly number[]) {
  const probe = readbackWorkers();
  const session = await createSession({ model: 'models/decoder.onnx', backend, worker: probe.worker });
  const stream = session.openStream({ carry: CARRY, dims: { past: 0 } });
  const logits: number[][] = [];
  const readback: Array<{ bytes: number; maps: number }> = [];
  let before = await probe.read();
  for (const id of tokens) {
    const { logits: out } = await stream.step({ input_ids: token(id) });
    logits.push(Array.from(out!.data as Float32Array));
    const now = await probe.read();
    readback.push({ bytes: now.bytes - before.bytes, maps: now.maps - before.maps });
    before = now;
  }
  const cache = await stream.read('past_key');
  await session.dispose();
  return { backend: session.backend, logits, readback, cacheDims: cache.dims };
}

/** `tokens.length` decoder streams stepped together (in shared runs), then each alone: both streams' logits. */
export async function decoderBatched(backend: Backend, tokens: readonly (readonly number[])[]) {
  const session: Session = await createSession({ model: 'models/decoder.onnx', backend });
  const length = tokens[0]!.length;
  const together: number[][][] = tokens.map(() => []);
  const streams = tokens.map(() => session.openStream({ carry: CARRY, dims: { past: 0 } }));
  const before = (await session.stats()).streams;
  for (let t = 0; t < length; t++) {
    const outs = await Promise.all(streams.map((stream, i) => stream.step({ input_ids: token(tokens[i]![t]!) })));
    outs.forEach((out, i) => together[i]!.push(Array.from(out['logits']!.data as Float32Array)));
  }
  const after = (await session.stats()).streams;
  const alone: number[][][] = [];
  for (const sequence of tokens) {
    const stream = session.openStream({ carry: CARRY, dims: { past: 0 } });
    const out: number[][] = [];
    for (const id of sequence) out.push(Array.from((await stream.step({ input_ids: token(id) }))['logits']!.data as Float32Array));
    alone.push(out);
    await stream.close();
  }
  await session.dispose();
  return { backend: session.backend, together, alone, runs: after.runs - before.runs, steps: after.steps - before.steps };
}

const rate = (): Tensor<'int64'> => ({ type: 'int64', data: BigInt64Array.of(16000n), dims: [] });

/** Listens to `source` with Silero VAD until `until` says it heard enough: each frame's probability and time. */
async function listenVad(session: Session, source: AudioNode | MediaStreamTrack, until: (frames: number, seconds: number) => boolean) {
  const stream = session.openStream({ carry: { stateN: 'state' } });
  const heard: Array<{ frame: number; time: number; p: number }> = [];
  let done!: () => void;
  let failed!: (error: Error) => void;
  // Listening that stops on its own (its onError) ends the wait too.
  const finished = new Promise<void>((resolve, reject) => ((done = resolve), (failed = reject)));
  const listening = await stream.listen(source, {
    sampleRate: 16000, frame: 512, feeds: { sr: rate() }, behind: 'catch-up',
    onResult: ({ frame, time, outputs }) => {
      heard.push({ frame, time, p: (outputs['output']!.data as Float32Array)[0]! });
      if (until(heard.length, time)) done();
    },
    onError: (error) => failed(error),
  });
  return { heard, listening, stream, finished };
}

/** Silero VAD listening to speech.wav played in an AudioContext at 16 kHz: the file's own samples, in real time. */
export async function vadFromFile(backend: Backend) {
  const session = await createSession({ model: 'models/silero_vad_v5.onnx', backend });
  // Held until listening is wired: the worklet's first sample is then the file's first.
  const context = new AudioContext({ sampleRate: 16000 });
  await context.suspend();
  const buffer = await context.decodeAudioData(await (await fetch('models/speech.wav')).arrayBuffer());
  const source = new AudioBufferSourceNode(context, { buffer });
  const expected = Math.floor(buffer.length / 512) - 1;
  const { heard, listening, finished } = await listenVad(session, source, (frames) => frames >= expected);
  source.start();
  await context.resume();
  await finished;
  const { transport, sourceRate, stats } = listening;
  await listening.stop();
  await context.close();
  await session.dispose();
  return { transport, sourceRate, stats, heard, isolated: crossOriginIsolated };
}

/** Silero VAD listening to the fake microphone (Chromium playing speech.wav, over and over) for `seconds`. */
export async function vadFromMicrophone(backend: Backend, seconds: number) {
  const session = await createSession({ model: 'models/silero_vad_v5.onnx', backend });
  const media = await navigator.mediaDevices.getUserMedia({ audio: { echoCancellation: false, noiseSuppression: false, autoGainControl: false } });
  const [track] = media.getAudioTracks();
  const { heard, listening, finished } = await listenVad(session, track!, (_, time) => time >= seconds);
  await finished;
  const { transport, sourceRate, stats } = listening;
  await listening.stop();
  track!.stop();
  await session.dispose();
  return { transport, sourceRate, stats, heard, label: track!.label };
}

/**
 * `pnpm bench`'s streams section: per-step cost of the recurrent cell with its state carried in the worker
 * (stream.step) against the same loop carrying it on the page (predict with the state in and out), taking turns;
 * and `count` streams stepped together against the same streams stepped one by one.
 */
export async function benchStreams(backend: Backend, size: 'small' | 'large', steps: number, rounds: number, count: number) {
  const session = await createSession({ model: `models/recurrent-${size}.onnx`, backend });
  const width = session.inputs.find((info) => info.name === 'state')!.dims[1] as number;
  const x = (): Tensor<'float32'> => ({ type: 'float32', data: Float32Array.of(1), dims: [1, 1] });
  const stream = session.openStream({ carry: { state_out: 'state' }, outputs: ['y'] });
  let state: Tensor = { type: 'float32', data: new Float32Array(width), dims: [1, width] };
  const perStep = async (step: () => Promise<unknown>) => {
    const started = performance.now();
    for (let i = 0; i < steps; i++) await step();
    return (performance.now() - started) / steps;
  };
  const variants = {
    worker: () => perStep(() => stream.step({ x: x() })),
    page: () =>
      perStep(async () => {
        const out = await session.predict({ x: x(), state });
        state = out['state_out']!;
      }),
  };
  const streams = Array.from({ length: count }, () => session.openStream({ carry: { state_out: 'state' }, outputs: ['y'] }));
  const batched = {
    together: () => perStep(() => Promise.all(streams.map((s) => s.step({ x: x() })))),
    alone: () =>
      perStep(async () => {
        for (const s of streams) await s.step({ x: x() });
      }),
  };
  const kept: Record<string, number[]> = { worker: [], page: [], together: [], alone: [] };
  for (let round = -1; round < rounds; round++) {
    const order = round % 2 === 0 ? (['worker', 'page', 'together', 'alone'] as const) : (['page', 'worker', 'alone', 'together'] as const);
    for (const name of order) {
      const ms = await (name in variants ? variants[name as keyof typeof variants] : batched[name as keyof typeof batched])();
      if (round >= 0) kept[name]!.push(ms);
    }
  }
  const { streams: counted } = await session.stats();
  await session.dispose();
  return { backend: session.backend, adapter: session.adapter?.description || session.adapter?.architecture || '', width, kept, runs: counted.runs, steps: counted.steps };
}

/**
 * `count` streams of one session listening to speech.wav together (their steps share runs), the session restarted
 * after `restartAfter` results: each stream's results, its stats, and the new worker's stream counts. The file loops,
 * so listening goes on however long the new worker takes to come up; each stream stops at 8 s of audio, past the
 * file's end (6.6 s).
 */
export async function vadShareAndRestart(count: number, restartAfter: number) {
  const session = await createSession({ model: 'models/silero_vad_v5.onnx', backend: 'wasm' });
  const context = new AudioContext({ sampleRate: 16000 });
  await context.suspend();
  const buffer = await context.decodeAudioData(await (await fetch('models/speech.wav')).arrayBuffer());
  const source = new AudioBufferSourceNode(context, { buffer, loop: true });
  let restarted = false;
  const listeners = await Promise.all(
    Array.from({ length: count }, () =>
      listenVad(session, source, (frames, time) => {
        if (frames >= restartAfter && !restarted) {
          restarted = true;
          void session.restart();
        }
        return time >= 8;
      }),
    ),
  );
  source.start();
  await context.resume();
  await Promise.all(listeners.map((l) => l.finished));
  const { streams } = await session.stats();
  const results = listeners.map(({ heard, listening }) => ({ heard: heard.length, times: heard.map((h) => h.time), stats: listening.stats }));
  await Promise.all(listeners.map((l) => l.listening.stop()));
  await context.close();
  await session.dispose();
  return { results, streams };
}
