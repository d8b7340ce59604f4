// The fake camera in this run's Chromium: a video made here (three colours, one a second) played by Chromium's fake
// capture device, read back by the page as getUserMedia's frames.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, fakeCamera, test, toY4m, webgpu } from '../src/index.ts';
import { WEBGPU_ADAPTER, chromiumPath } from '../../../e2e/browser.ts';

const COLORS = [[220, 40, 40], [40, 200, 60], [30, 60, 230]] as const;
const video = join(import.meta.dirname, '..', 'test-results', 'camera-colors.y4m');
mkdirSync(join(video, '..'), { recursive: true });
const frame = ([r, g, b]: readonly number[]) => ({ width: 96, height: 64, data: new Uint8Array(96 * 64 * 4).map((_, i) => [r, g, b, 255][i % 4]!) });
writeFileSync(video, toY4m(COLORS.map(frame), { fps: 1 }));

test.use({ launchOptions: webgpu({ adapter: WEBGPU_ADAPTER, executablePath: chromiumPath(), args: fakeCamera({ video }) }).launchOptions });

test('should play the video of fakeCamera({ video }) as the camera, with no permission prompt', async ({ modelPage }) => {
  const seen = await modelPage.evaluate(async () => {
    const camera = await navigator.mediaDevices.getUserMedia({ video: true });
    const [track] = camera.getVideoTracks();
    const processor = new (globalThis as unknown as { MediaStreamTrackProcessor: new (init: { track: MediaStreamTrack }) => { readable: ReadableStream<VideoFrame> } }).MediaStreamTrackProcessor({ track: track! });
    const reader = processor.readable.getReader();
    const colors: string[] = [];
    const canvas = new OffscreenCanvas(96, 64);
    const context = canvas.getContext('2d', { willReadFrequently: true })!;
    let size = '';
    while (colors.length < 3) {
      const { value } = await reader.read();
      size = `${value!.displayWidth}x${value!.displayHeight} ${value!.format}`;
      context.drawImage(value!, 0, 0);
      value!.close();
      const [r, g, b] = context.getImageData(48, 32, 1, 1).data;
      const color = [r, g, b].join(',');
      if (colors.at(-1) !== color) colors.push(color);
    }
    track!.stop();
    return { label: track!.label, size, colors };
  });
  expect(seen.size).toBe('96x64 I420');
  // Each colour as the camera shows it: through YUV 4:2:0 and back, within a few levels.
  const near = (color: string, [r, g, b]: readonly number[]) => {
    const [cr, cg, cb] = color.split(',').map(Number);
    return Math.abs(cr! - r!) <= 6 && Math.abs(cg! - g!) <= 6 && Math.abs(cb! - b!) <= 6;
  };
  for (const color of seen.colors) expect(COLORS.some((expected) => near(color, expected)), `${color} is one of the video's colours`).toBe(true);
  expect(new Set(seen.colors).size).toBe(3);
});
