// Where the image to read comes from: the samples shipped with the demo (public/samples/), a file the user picks,
// drops or pastes, or a frame from the camera.
import { byId, h, onDrop } from './dom.ts';

/** A sample image: its file under the site and what it shows. */
export interface Sample {
  readonly id: string;
  readonly url: string;
  readonly title: string;
}

/** The samples, in the order of their buttons; the first is read when the page opens. */
export const SAMPLES: readonly Sample[] = [
  { id: 'receipt', url: 'samples/receipt.jpg', title: 'Receipt' },
  { id: 'signs', url: 'samples/signs.jpg', title: 'Signs' },
  { id: 'parcel', url: 'samples/parcel.jpg', title: 'Parcel, upside down' },
  { id: 'hello', url: 'samples/hello.jpg', title: 'Small line' },
];

/** Larger images are scaled down on decoding: the detector sees at most 960 px anyway. */
const MAX_SIDE = 2048;

/** Decodes an image file or blob, scaled down to MAX_SIDE. */
export async function decode(blob: Blob): Promise<ImageBitmap> {
  const bitmap = await createImageBitmap(blob);
  const scale = MAX_SIDE / Math.max(bitmap.width, bitmap.height);
  if (scale >= 1) return bitmap;
  const resized = await createImageBitmap(bitmap, {
    resizeWidth: Math.round(bitmap.width * scale),
    resizeHeight: Math.round(bitmap.height * scale),
    resizeQuality: 'high',
  });
  bitmap.close();
  return resized;
}

/** Fetches and decodes a sample. */
export async function loadSample(sample: Sample): Promise<ImageBitmap> {
  const response = await fetch(sample.url);
  if (!response.ok) throw new Error(`could not fetch the sample "${sample.url}": HTTP ${response.status}`);
  return decode(await response.blob());
}

/** Called with each image the user chooses, and a name for it. */
export type OnImage = (image: Promise<ImageBitmap>, name: string, sampleId?: string) => void;

/** The first image among dropped or pasted files, if any. */
function imageFile(files: FileList | undefined | null): File | undefined {
  return [...(files ?? [])].find((file) => file.type.startsWith('image/'));
}

/** Wires the sample buttons, the file picker, dropping on the picture and pasting anywhere. */
export function wireImageSources(onImage: OnImage): void {
  const buttons = byId('sample-buttons');
  for (const sample of SAMPLES) {
    const button = h(
      'button',
      { type: 'button', class: 'sample', 'data-sample': sample.id, 'data-testid': `sample-${sample.id}`, 'aria-pressed': 'false' },
      h('img', { src: sample.url, alt: '', width: '72', height: '48' }),
      h('span', {}, sample.title),
    );
    button.addEventListener('click', () => onImage(loadSample(sample), sample.title, sample.id));
    buttons.append(button);
  }

  const input = byId<HTMLInputElement>('image-file');
  input.addEventListener('change', () => {
    const file = input.files?.[0];
    if (file !== undefined) onImage(decode(file), file.name);
    input.value = '';
  });

  onDrop(byId('ocr-drop'), (files) => {
    const file = imageFile(files);
    if (file !== undefined) onImage(decode(file), file.name);
  });

  document.addEventListener('paste', (event) => {
    const file = imageFile(event.clipboardData?.files);
    if (file === undefined) return;
    event.preventDefault();
    onImage(decode(file), 'pasted image');
  });
}

/** Marks the sample button of the image shown (none for the user's own images). */
export function markSample(sampleId: string | undefined): void {
  for (const button of byId('sample-buttons').querySelectorAll<HTMLButtonElement>('button.sample')) {
    button.setAttribute('aria-pressed', String(button.dataset['sample'] === sampleId));
  }
}
