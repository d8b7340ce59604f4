// Reading text from the camera, where the browser allows it (a secure context, and the user's permission): a captured
// frame through the whole pipeline, or text detected live on every frame the detector can take.
import type { Session, VideoStream } from 'tensorlane';
import { byId } from './dom.ts';
import type { OnImage } from './image-sources.ts';
import { clearLiveDetection, startLiveDetection } from './live-detection.ts';

/**
 * Wires the camera buttons; disables them, saying why, where there is no camera API.
 * @param detector - the detection session, once loaded.
 */
export function wireCamera(onImage: OnImage, onError: (error: unknown) => void, detector: () => Session | undefined): void {
  const start = byId<HTMLButtonElement>('camera-start');
  const capture = byId<HTMLButtonElement>('camera-capture');
  const liveButton = byId<HTMLButtonElement>('camera-live');
  const panel = byId('camera');
  const video = byId<HTMLVideoElement>('camera-video');
  let stream: MediaStream | undefined;
  let live: { stream: VideoStream; track: MediaStreamTrack } | undefined;

  const stopLive = () => {
    if (live === undefined) return;
    void live.stream.stop().finally(() => live?.track.stop());
    live = undefined;
    liveButton.textContent = 'Detect text live';
    liveButton.setAttribute('aria-pressed', 'false');
    clearLiveDetection();
  };

  if (navigator.mediaDevices?.getUserMedia === undefined) {
    start.disabled = true;
    start.title = 'No camera API here: it needs a secure context (https or localhost)';
    return;
  }

  const stop = () => {
    stopLive();
    for (const track of stream?.getTracks() ?? []) track.stop();
    stream = undefined;
    video.srcObject = null;
    panel.hidden = true;
    start.disabled = false;
  };

  start.addEventListener('click', async () => {
    start.disabled = true;
    // Capturing is possible once a frame has arrived: before that the video has nothing to copy.
    capture.disabled = true;
    liveButton.disabled = true;
    try {
      stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false });
      video.srcObject = stream;
      panel.hidden = false;
      await video.play();
      if (video.readyState < HTMLMediaElement.HAVE_CURRENT_DATA) {
        await new Promise((resolve) => video.addEventListener('loadeddata', resolve, { once: true }));
      }
      capture.disabled = false;
      liveButton.disabled = false;
      capture.focus();
    } catch (error) {
      stop();
      onError(error);
    }
  });
  capture.addEventListener('click', () => {
    if (stream === undefined) return;
    onImage(createImageBitmap(video), 'camera frame');
  });
  liveButton.addEventListener('click', () => {
    if (live !== undefined) return stopLive();
    const session = detector();
    const track = stream?.getVideoTracks()[0];
    if (session === undefined || track === undefined) return onError(new Error('the detection model is not loaded yet'));
    // A track of its own: stopping detection stops it, and the preview goes on.
    const own = track.clone();
    live = { stream: startLiveDetection(session, own, onError), track: own };
    liveButton.textContent = 'Stop detecting';
    liveButton.setAttribute('aria-pressed', 'true');
  });
  byId('camera-stop').addEventListener('click', stop);
}
