import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fakeCamera, toY4m } from './camera.js';

const solid = (width: number, height: number, [r, g, b]: readonly number[]) => ({
  width, height, data: new Uint8Array(width * height * 4).map((_, i) => [r, g, b, 255][i % 4]!),
});

describe('fakeCamera', () => {
  it('should give the fake device and no prompt, and the video file made absolute', () => {
    expect(fakeCamera()).toEqual(['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream']);
    expect(fakeCamera({ video: 'test/street.y4m' })).toEqual([
      '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', `--use-file-for-fake-video-capture=${resolve('test/street.y4m')}`,
    ]);
  });
});

describe('toY4m', () => {
  it('should write the header, then each frame as FRAME and its Y, U and V planes', () => {
    const bytes = toY4m([solid(4, 2, [255, 255, 255]), solid(4, 2, [0, 0, 0])], { fps: 5 });
    const header = 'YUV4MPEG2 W4 H2 F5:1 Ip A1:1 C420jpeg\n';
    expect(new TextDecoder().decode(bytes.subarray(0, header.length))).toBe(header);
    const frame = (n: number) => bytes.subarray(header.length + n * (6 + 8 + 4), header.length + (n + 1) * (6 + 8 + 4));
    expect(new TextDecoder().decode(frame(0).subarray(0, 6))).toBe('FRAME\n');
    // BT.601 studio range: white is Y 235, black Y 16, both with neutral chroma.
    expect(Array.from(frame(0).subarray(6))).toEqual([235, 235, 235, 235, 235, 235, 235, 235, 128, 128, 128, 128]);
    expect(Array.from(frame(1).subarray(6))).toEqual([16, 16, 16, 16, 16, 16, 16, 16, 128, 128, 128, 128]);
    expect(bytes.length).toBe(header.length + 2 * 18);
  });

  it('should average chroma over 2x2 pixels, with odd sizes rounded up', () => {
    const bytes = toY4m([solid(3, 3, [255, 0, 0])]);
    const header = 'YUV4MPEG2 W3 H3 F30:1 Ip A1:1 C420jpeg\n';
    const planes = bytes.subarray(header.length + 6);
    expect(planes.length).toBe(9 + 2 * 4);
    expect(planes[0]).toBe(82); // red's Y
    expect(Array.from(planes.subarray(9))).toEqual([90, 90, 90, 90, 240, 240, 240, 240]);
  });

  it('should refuse no frames, and frames of another size', () => {
    expect(() => toY4m([])).toThrow('toY4m needs at least one frame');
    expect(() => toY4m([solid(4, 2, [0, 0, 0]), solid(2, 2, [0, 0, 0])])).toThrow(
      'toY4m: frame 1 is 2x2 with 16 bytes; every frame must be 4x2 RGBA (32 bytes)',
    );
  });
});
