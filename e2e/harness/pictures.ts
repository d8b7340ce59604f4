// Pictures of every kind predict takes, made in the page from seeded pixels (test/image-reference.ts), for
// e2e/pictures.spec.ts: the spec passes sizes and seeds, the page makes the sources, runs them and compares with the
// reference itself, so that only short reports cross page.evaluate.
import type { ImageSource } from 'tensorlane';
import { referenceValues, offReference, seededPixels, turnedClockwise, type Conversion, type Pixels } from '../../test/image-reference.ts';

export type SourceKind = 'ImageData' | 'ImageBitmap' | 'VideoFrame' | 'OffscreenCanvas' | 'Blob' | 'img' | 'canvas';
export const SOURCE_KINDS: readonly SourceKind[] = ['ImageData', 'ImageBitmap', 'VideoFrame', 'OffscreenCanvas', 'Blob', 'img', 'canvas'];

function canvasOf({ width, height, data }: Pixels): HTMLCanvasElement {
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  canvas.getContext('2d')!.putImageData(new ImageData(data.slice(), width, height), 0, 0);
  return canvas;
}

async function imageOf(blob: Blob): Promise<HTMLImageElement> {
  const image = new Image();
  image.src = URL.createObjectURL(blob);
  await image.decode();
  return image;
}

/** `pixels` as a picture of `kind`. A PNG round trip is lossless, so a Blob or an <img> holds exactly these pixels. */
export async function sourceOf(kind: SourceKind, pixels: Pixels): Promise<ImageSource> {
  const data = new ImageData(pixels.data.slice(), pixels.width, pixels.height);
  switch (kind) {
    case 'ImageData':
      return data;
    case 'ImageBitmap':
      return createImageBitmap(data);
    case 'VideoFrame':
      return new VideoFrame(canvasOf(pixels), { timestamp: 0 });
    case 'OffscreenCanvas': {
      const canvas = new OffscreenCanvas(pixels.width, pixels.height);
      canvas.getContext('2d')!.putImageData(data, 0, 0);
      return canvas;
    }
    case 'Blob':
      return new Promise<Blob>((resolve) => canvasOf(pixels).toBlob((blob) => resolve(blob!), 'image/png'));
    case 'img':
      return imageOf(await new Promise<Blob>((resolve) => canvasOf(pixels).toBlob((blob) => resolve(blob!), 'image/png')));
    case 'canvas':
      return canvasOf(pixels);
  }
}

/** The RGBA pixels the browser decodes from `blob`, as it is stored (EXIF orientation not applied). */
async function storedPixels(blob: Blob): Promise<Pixels> {
  const bitmap = await createImageBitmap(blob, { imageOrientation: 'none' });
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const context = canvas.getContext('2d')!;
  context.drawImage(bitmap, 0, 0);
  return { width: bitmap.width, height: bitmap.height, data: context.getImageData(0, 0, bitmap.width, bitmap.height).data };
}

/**
 * A JPEG of seeded pixels whose EXIF orientation is 6 (shown turned a quarter turn clockwise), and the pixels it shows:
 * JPEG is lossy, so those are its decoded pixels, turned.
 */
export async function exifJpeg(width: number, height: number, seed: number): Promise<{ blob: Blob; shown: Pixels }> {
  const plain = await new Promise<Blob>((resolve) => canvasOf(seededPixels(width, height, seed)).toBlob((blob) => resolve(blob!), 'image/jpeg', 0.9));
  const jpeg = new Uint8Array(await plain.arrayBuffer());
  // An APP1 segment: "Exif\0\0", a big-endian TIFF header, one IFD entry: Orientation (0x0112), SHORT, 1 value, 6.
  const tiff = [0x4d, 0x4d, 0, 0x2a, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0, 0, 0, 0, 0];
  const payload = [0x45, 0x78, 0x69, 0x66, 0, 0, ...tiff];
  const app1 = [0xff, 0xe1, (payload.length + 2) >> 8, (payload.length + 2) & 0xff, ...payload];
  const blob = new Blob([jpeg.subarray(0, 2), new Uint8Array(app1), jpeg.subarray(2)], { type: 'image/jpeg' });
  return { blob, shown: turnedClockwise(await storedPixels(plain)) };
}

/** How far `actual` is from the reference conversion of `pixels`: the first values off, none when it matches. */
export function compare(pixels: Pixels, conversion: Conversion, actual: ArrayLike<number>): string[] {
  return offReference(conversion.type, actual, referenceValues(pixels, conversion));
}

export { referenceValues, seededPixels };
