// Section 6: a voice activity meter. Silero VAD v5 (from @ricky0123/vad-web) as a tensorlane stream listens to the
// microphone: an audio worklet moves the samples to the worker, which resamples, frames and steps the model with its
// state kept there; this page only hears each frame's probability. It draws the meter and the speech segments of the
// last seconds, and counts the main thread's long tasks while listening.
import { createSession, type Listening, type Session } from 'tensorlane';
import { byId, h } from './dom.ts';

const MODEL = 'models/silero_vad_v5.onnx';
/** Speech starts at START and ends after MIN_SILENCE frames below END (Silero's own hysteresis), 32 ms a frame. */
const START = 0.5;
const END = 0.35;
const MIN_SILENCE = 4;
/** Seconds of history the timeline shows. */
const WINDOW_S = 10;

interface Segment {
  start: number;
  end: number | undefined;
}

export interface VadSource {
  readonly onError: (error: unknown) => void;
}

/** Wires the section's controls. */
export function wireVad({ onError }: VadSource): void {
  const startButton = byId<HTMLButtonElement>('vad-start');
  const stopButton = byId<HTMLButtonElement>('vad-stop');
  const gauge = byId('vad-gauge');
  const meter = byId('vad-meter');
  const level = byId('vad-level');
  const canvas = byId<HTMLCanvasElement>('vad-timeline');
  const list = byId('vad-segments');
  const facts = byId('vad-facts');
  let session: Session | undefined;
  let listening: Listening | undefined;
  let media: MediaStream | undefined;
  let observer: PerformanceObserver | undefined;
  let longTasks = 0;
  let segments: Segment[] = [];
  let quiet = 0;
  let now = 0;

  function draw(): void {
    const context = canvas.getContext('2d')!;
    const { width, height } = canvas;
    context.clearRect(0, 0, width, height);
    context.fillStyle = '#e3e6ec';
    context.fillRect(0, height / 2 - 1, width, 2);
    context.fillStyle = '#1f7a45';
    const from = Math.max(0, now - WINDOW_S);
    for (const { start, end } of segments) {
      const x0 = ((start - from) / WINDOW_S) * width;
      const x1 = (((end ?? now) - from) / WINDOW_S) * width;
      if (x1 > 0) context.fillRect(Math.max(0, x0), 8, Math.max(2, x1 - Math.max(0, x0)), height - 16);
    }
  }

  function showSegment(segment: Segment): void {
    const text = `${segment.start.toFixed(2)}–${segment.end!.toFixed(2)} s`;
    list.append(h('li', { 'data-testid': 'vad-segment' }, text));
  }

  function showFacts(): void {
    const stats = listening?.stats;
    if (!stats || !listening) return;
    facts.textContent =
      `${stats.frames} frames stepped in the worker (${session!.backend === 'webgpu' ? 'WebGPU' : 'WASM'}), ${stats.dropped} dropped; ` +
      `audio at ${listening.sourceRate} Hz through ${listening.transport === 'shared-memory' ? 'shared memory' : 'messages'}; ` +
      `main thread: ${longTasks} long task${longTasks === 1 ? '' : 's'} while listening.`;
    facts.dataset['longTasks'] = String(longTasks);
    facts.dataset['frames'] = String(stats.frames);
  }

  function hear(time: number, p: number): void {
    now = time + 0.032;
    meter.style.width = `${Math.round(p * 100)}%`;
    meter.dataset['speech'] = String(p >= START);
    level.textContent = p.toFixed(2);
    gauge.setAttribute('aria-valuenow', p.toFixed(2));
    const open = segments.at(-1);
    if (open?.end === undefined && open !== undefined) {
      if (p >= END) quiet = 0;
      else if (++quiet >= MIN_SILENCE) {
        open.end = time - (MIN_SILENCE - 1) * 0.032;
        showSegment(open);
      }
    } else if (p >= START) {
      segments.push({ start: time, end: undefined });
      quiet = 0;
    }
  }

  async function stop(): Promise<void> {
    stopButton.disabled = true;
    observer?.disconnect();
    await listening?.stop();
    for (const track of media?.getTracks() ?? []) track.stop();
    listening = undefined;
    media = undefined;
    startButton.disabled = false;
    document.body.dataset['vad'] = 'stopped';
  }

  startButton.addEventListener('click', async () => {
    startButton.disabled = true;
    try {
      session ??= await createSession({ model: MODEL, backend: 'wasm' });
      media = await navigator.mediaDevices.getUserMedia({ audio: { echoCancellation: false, noiseSuppression: false, autoGainControl: false } });
      segments = [];
      list.replaceChildren();
      longTasks = 0;
      observer = new PerformanceObserver((entries) => {
        longTasks += entries.getEntries().length;
      });
      observer.observe({ type: 'longtask' });
      const stream = session.openStream({ carry: { stateN: 'state' } });
      let frame = 0;
      listening = await stream.listen(media.getAudioTracks()[0]!, {
        sampleRate: 16000,
        frame: 512,
        feeds: { sr: { type: 'int64', data: BigInt64Array.of(16000n), dims: [] } },
        onResult: ({ time, outputs }) => {
          hear(time, (outputs['output']!.data as Float32Array)[0]!);
          if (++frame % 4 === 0) {
            draw();
            showFacts();
          }
        },
        onError: (error) => {
          onError(error);
          void stop();
        },
      });
      stopButton.disabled = false;
      document.body.dataset['vad'] = 'listening';
    } catch (error) {
      onError(error);
      await stop();
    }
  });
  stopButton.addEventListener('click', () => void stop());
}
