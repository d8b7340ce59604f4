// Live text detection on the camera: the detector runs on the newest frame whenever it is free (session.stream: the
// track's frames are read in the worker, a frame that arrives while the model is busy replaces the one waiting), its
// boxes drawn over the video, with the results a second, the frames dropped and the latency from a frame's arrival to its boxes.
import type { Session, VideoStream, VideoStreamResult } from 'tensorlane';
import { byId } from './dom.ts';
import { boxesIn } from './ocr/detect.ts';
import { firstOutput } from './ocr/stage.ts';

/** The detector's input for live frames: small, so that it keeps up; multiples of 32 (the DB net's stride), 4:3 within. */
const LIVE_SIZE = { width: 320, height: 256 } as const;

/**
 * Starts detecting text on `track` with the detection `session`, drawing into the camera panel's overlay; the page's
 * only work per frame is the boxes (from the model's map) and the drawing. State for tests: `data-live` on <body>
 * (`running`, `stopped`), and the facts element's `data-results`, `data-boxes`, `data-dropped`, `data-fps`.
 */
export function startLiveDetection(session: Session, track: MediaStreamTrack, onError: (error: unknown) => void): VideoStream {
  const overlay = byId<HTMLCanvasElement>('camera-overlay');
  const facts = byId('camera-live-facts');
  const context = overlay.getContext('2d')!;
  // The camera's own frames, counted from its timestamps at its frame rate: a frame the browser let go while the
  // worker was busy running the model never reached the stream, so the stream's counts do not see it.
  const frameRate = track.getSettings().frameRate ?? 30;
  let first: number | undefined;
  let results = 0;

  const draw = ({ outputs, transform, timestamp }: VideoStreamResult) => {
    const boxes = boxesIn(firstOutput(session, outputs), transform);
    overlay.width = transform.source.width;
    overlay.height = transform.source.height;
    context.lineWidth = Math.max(2, overlay.width / 200);
    context.strokeStyle = '#22d3ee';
    for (const { corners } of boxes) {
      context.beginPath();
      corners.forEach(({ x, y }, i) => (i === 0 ? context.moveTo(x, y) : context.lineTo(x, y)));
      context.closePath();
      context.stroke();
    }
    const { fps, latencyMs } = stream.stats();
    results++;
    first ??= timestamp;
    const made = Math.round(((timestamp - first) / 1e6) * frameRate) + 1;
    const dropped = Math.max(0, made - results);
    facts.textContent =
      `${fps.toFixed(1)} results/s · ${dropped} of ${made} camera frames dropped (the latest frame wins) · ` +
      `latency ${latencyMs.p50.toFixed(0)} ms median, ${latencyMs.max.toFixed(0)} ms worst · ${boxes.length} text box${boxes.length === 1 ? '' : 'es'}`;
    Object.assign(facts.dataset, { results: String(results), boxes: String(boxes.length), dropped: String(dropped), fps: fps.toFixed(1) });
  };

  const stream = session.stream(track, { input: session.inputs[0]!.name, ...LIVE_SIZE, fit: 'contain', onResult: draw });
  document.body.dataset['live'] = 'running';
  overlay.hidden = false;
  facts.textContent = `Waiting for the first result (frames reach the worker ${stream.path === 'track' ? 'straight from the track' : 'one by one'})…`;
  stream.done.then(
    () => (document.body.dataset['live'] = 'stopped'),
    (error: unknown) => {
      document.body.dataset['live'] = 'stopped';
      onError(error);
    },
  );
  return stream;
}

/** Clears what live detection drew. */
export function clearLiveDetection(): void {
  byId<HTMLCanvasElement>('camera-overlay').hidden = true;
  byId('camera-live-facts').textContent = '';
}
