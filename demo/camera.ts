// Reading text from the camera, where the browser allows it (a secure context, and the user's permission).
import { byId } from './dom.ts';
import type { OnImage } from './image-sources.ts';

/** Wires the camera buttons; disables them, saying why, where there is no camera API. */
export function wireCamera(onImage: OnImage, onError: (error: unknown) => void): void {
  const start = byId<HTMLButtonElement>('camera-start');
  const capture = byId<HTMLButtonElement>('camera-capture');
  const panel = byId('camera');
  const video = byId<HTMLVideoElement>('camera-video');
  let stream: MediaStream | undefined;

  if (navigator.mediaDevices?.getUserMedia === undefined) {
    start.disabled = true;
    start.title = 'No camera API here: it needs a secure context (https or localhost)';
    return;
  }

  const stop = () => {
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
    try {
      stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false });
      video.srcObject = stream;
      panel.hidden = false;
      await video.play();
      if (video.readyState < HTMLMediaElement.HAVE_CURRENT_DATA) {
        await new Promise((resolve) => video.addEventListener('loadeddata', resolve, { once: true }));
      }
      capture.disabled = false;
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
  byId('camera-stop').addEventListener('click', stop);
}
