// A fake camera for tests of camera apps: the Chromium flags that give getUserMedia({ video }) Chromium's fake capture
// device with no permission prompt, playing a video file of your own, and a writer of such files (Y4M) from frames.
import { resolve } from 'node:path';

/**
 * Options of {@link fakeCamera}.
 * @example
 * ```ts
 * import { fakeCamera, type FakeCameraOptions } from '@tensorlane/playwright';
 *
 * const options: FakeCameraOptions = { video: 'test/fixtures/street.y4m' };
 * const args = fakeCamera(options);
 * ```
 */
export interface FakeCameraOptions {
  /**
   * A video the camera plays, in a loop: a `.y4m` (raw YUV 4:2:0, see {@link toY4m}) or `.mjpeg` file, relative to the
   * working directory. Its size is the camera's; `getUserMedia` constraints do not scale it.
   * @defaultValue none: Chromium's own animation (a moving pacman, a frame counter and a timestamp) at the size asked
   */
  readonly video?: string;
}

/**
 * The Chromium flags of a fake camera, to add to a launch's `args` (after {@link webgpu}'s, say): Chromium's fake
 * capture device instead of a real one (`--use-fake-device-for-media-stream`), permission granted without a prompt
 * (`--use-fake-ui-for-media-stream`), and with `video`, that file played by it
 * (`--use-file-for-fake-video-capture=<absolute path>`). Its frames reach `getUserMedia`, `MediaStreamTrackProcessor`
 * and tensorlane's `session.stream()` as a real camera's would (`I420` `VideoFrame`s).
 * @param options - the video to play.
 * @returns the flags, the file's path made absolute.
 * @example
 * ```ts
 * // playwright.config.ts
 * import { defineConfig } from '@playwright/test';
 * import { fakeCamera, webgpu } from '@tensorlane/playwright';
 *
 * export default defineConfig({
 *   projects: [{ name: 'camera', use: webgpu({ adapter: 'software', args: fakeCamera({ video: 'test/street.y4m' }) }) }],
 * });
 * ```
 */
export function fakeCamera(options: FakeCameraOptions = {}): string[] {
  const flags = ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream'];
  if (options.video !== undefined) flags.push(`--use-file-for-fake-video-capture=${resolve(options.video)}`);
  return flags;
}

/**
 * One frame of a video: RGBA pixels, row after row (as `ImageData` or a PNG decoder give them).
 * @example
 * ```ts
 * import type { RgbaFrame } from '@tensorlane/playwright';
 *
 * const red: RgbaFrame = { width: 2, height: 2, data: new Uint8Array([255, 0, 0, 255, 255, 0, 0, 255, 255, 0, 0, 255, 255, 0, 0, 255]) };
 * ```
 */
export interface RgbaFrame {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array | Uint8ClampedArray;
}

/**
 * Encodes frames as a Y4M video (YUV4MPEG2, 4:2:0, BT.601 studio range), the raw format Chromium's fake camera plays
 * ({@link fakeCamera}). Every frame must have the first one's size; the chroma planes are averaged over 2x2 pixels.
 * @param frames - the frames, in order.
 * @param options - `fps`, the frame rate the camera plays them at.
 * @defaultValue `fps: 30`
 * @returns the file's bytes: write them with `fs.writeFileSync(path, bytes)`.
 * @throws Error when there is no frame, or frames differ in size or have the wrong number of bytes.
 * @example
 * ```ts
 * import { writeFileSync } from 'node:fs';
 * import { toY4m } from '@tensorlane/playwright';
 *
 * const frame = (r: number) => ({ width: 64, height: 48, data: new Uint8Array(64 * 48 * 4).map((_, i) => (i % 4 === 0 ? r : 255)) });
 * writeFileSync('test-results/camera.y4m', toY4m([frame(0), frame(128), frame(255)], { fps: 10 }));
 * ```
 */
export function toY4m(frames: readonly RgbaFrame[], options: { readonly fps?: number } = {}): Uint8Array {
  const first = frames[0];
  if (first === undefined) throw new Error('toY4m needs at least one frame');
  const { width, height } = first;
  const fps = options.fps ?? 30;
  const cw = Math.ceil(width / 2);
  const ch = Math.ceil(height / 2);
  const header = new TextEncoder().encode(`YUV4MPEG2 W${width} H${height} F${fps}:1 Ip A1:1 C420jpeg\n`);
  const marker = new TextEncoder().encode('FRAME\n');
  const frameBytes = marker.length + width * height + 2 * cw * ch;
  const out = new Uint8Array(header.length + frames.length * frameBytes);
  out.set(header);
  const clamp = (v: number) => Math.min(255, Math.max(0, Math.round(v)));
  frames.forEach((frame, n) => {
    if (frame.width !== width || frame.height !== height || frame.data.length !== width * height * 4) {
      throw new Error(`toY4m: frame ${n} is ${frame.width}x${frame.height} with ${frame.data.length} bytes; every frame must be ${width}x${height} RGBA (${width * height * 4} bytes)`);
    }
    const at = header.length + n * frameBytes;
    out.set(marker, at);
    const y = at + marker.length;
    const u = y + width * height;
    const v = u + cw * ch;
    const { data } = frame;
    for (let i = 0; i < width * height; i++) {
      out[y + i] = clamp(16 + 0.257 * data[i * 4]! + 0.504 * data[i * 4 + 1]! + 0.098 * data[i * 4 + 2]!);
    }
    for (let cy = 0; cy < ch; cy++) {
      for (let cx = 0; cx < cw; cx++) {
        let r = 0, g = 0, b = 0, count = 0;
        for (let dy = 0; dy < 2; dy++) {
          for (let dx = 0; dx < 2; dx++) {
            const px = Math.min(width - 1, cx * 2 + dx);
            const py = Math.min(height - 1, cy * 2 + dy);
            const k = (py * width + px) * 4;
            r += data[k]!;
            g += data[k + 1]!;
            b += data[k + 2]!;
            count++;
          }
        }
        r /= count;
        g /= count;
        b /= count;
        out[u + cy * cw + cx] = clamp(128 - 0.148 * r - 0.291 * g + 0.439 * b);
        out[v + cy * cw + cx] = clamp(128 + 0.439 * r - 0.368 * g - 0.071 * b);
      }
    }
  });
  return out;
}
