// Draws the demo's sample images into demo/public/samples/*.jpg, in Chromium, from the drawing code below (seeded
// noise, the system's DejaVu and Liberation fonts). The JPEGs are committed: the demo and its tests read those files,
// so a machine with other fonts does not change them. Re-run after editing a sample:
//   pnpm exec tsx demo/samples/make-samples.ts
import { writeFileSync } from 'node:fs';
import { chromium } from '@playwright/test';
import { chromiumPath } from '../../e2e/browser.ts';

/** What one sample draws, run in the page: `draw` on a 2D context `ctx` of a canvas of `width` x `height`. */
interface SampleDrawing {
  readonly file: string;
  readonly width: number;
  readonly height: number;
  readonly draw: string;
}

// Each `draw` is the body of a function (ctx) run in the page. Kept as source text: it runs in Chromium.
const SAMPLES: readonly SampleDrawing[] = [
  {
    // A till receipt on a wooden table, turned a little: lines of text in a monospace font, some in two columns.
    file: 'receipt.jpg',
    width: 480,
    height: 560,
    draw: `
      const wood = ctx.createLinearGradient(0, 0, 480, 560);
      wood.addColorStop(0, '#8a6a4a'); wood.addColorStop(1, '#6d5238');
      ctx.fillStyle = wood; ctx.fillRect(0, 0, 480, 560);
      ctx.save();
      ctx.translate(240, 280); ctx.rotate(-0.04); ctx.translate(-170, -240);
      ctx.shadowColor = 'rgba(0,0,0,0.35)'; ctx.shadowBlur = 12;
      ctx.fillStyle = '#f7f4ec'; ctx.fillRect(0, 0, 340, 480);
      ctx.shadowBlur = 0;
      ctx.fillStyle = '#222';
      ctx.textBaseline = 'alphabetic';
      ctx.font = 'bold 30px "DejaVu Sans Mono"';
      ctx.textAlign = 'center';
      ctx.fillText('CORNER CAFE', 170, 60);
      ctx.font = '18px "DejaVu Sans Mono"';
      ctx.fillText('12 Market Street', 170, 92);
      ctx.textAlign = 'left';
      const rows = [['Flat white', '3.40'], ['Croissant', '2.10'], ['Orange juice', '2.80']];
      ctx.font = '22px "DejaVu Sans Mono"';
      rows.forEach(([item, price], i) => {
        ctx.fillText(item, 28, 170 + i * 44);
        ctx.textAlign = 'right'; ctx.fillText(price, 312, 170 + i * 44); ctx.textAlign = 'left';
      });
      ctx.fillRect(28, 300, 284, 2);
      ctx.font = 'bold 26px "DejaVu Sans Mono"';
      ctx.fillText('TOTAL', 28, 350);
      ctx.textAlign = 'right'; ctx.fillText('8.30', 312, 350); ctx.textAlign = 'left';
      ctx.font = '20px "DejaVu Sans Mono"';
      ctx.textAlign = 'center';
      ctx.fillText('Thank you!', 170, 430);
      ctx.restore();
    `,
  },
  {
    // A street sign and a shop sign: light text on dark and coloured backgrounds.
    file: 'signs.jpg',
    width: 640,
    height: 400,
    draw: `
      const sky = ctx.createLinearGradient(0, 0, 0, 400);
      sky.addColorStop(0, '#9cc3e6'); sky.addColorStop(1, '#dfe9f2');
      ctx.fillStyle = sky; ctx.fillRect(0, 0, 640, 400);
      ctx.fillStyle = '#6b6b6b'; ctx.fillRect(150, 130, 14, 270);
      ctx.fillStyle = '#1f6b3a'; ctx.fillRect(40, 40, 360, 96);
      ctx.strokeStyle = '#ffffff'; ctx.lineWidth = 4; ctx.strokeRect(48, 48, 344, 80);
      ctx.fillStyle = '#ffffff'; ctx.font = 'bold 48px "DejaVu Sans"'; ctx.textAlign = 'center';
      ctx.fillText('Main Street', 220, 106);
      ctx.fillStyle = '#b3261e'; ctx.fillRect(330, 220, 270, 140);
      ctx.fillStyle = '#fff6d5'; ctx.font = 'bold 54px "Liberation Sans"';
      ctx.fillText('OPEN', 465, 280);
      ctx.font = '30px "Liberation Sans"';
      ctx.fillText('7 days a week', 465, 334);
    `,
  },
  {
    // A parcel label photographed upside down: recognised correctly only after the direction model turns each line.
    file: 'parcel.jpg',
    width: 520,
    height: 300,
    draw: `
      ctx.fillStyle = '#c9a06a'; ctx.fillRect(0, 0, 520, 300);
      ctx.translate(520, 300); ctx.rotate(Math.PI);
      ctx.fillStyle = '#fbfbf8'; ctx.fillRect(40, 30, 440, 240);
      ctx.fillStyle = '#c62828'; ctx.font = 'bold 56px "DejaVu Sans"'; ctx.textAlign = 'center';
      ctx.fillText('FRAGILE', 260, 110);
      ctx.fillStyle = '#202020'; ctx.font = '30px "DejaVu Sans"';
      ctx.fillText('Handle with care', 260, 170);
      ctx.font = '24px "Liberation Serif"';
      ctx.fillText('This side up', 260, 225);
    `,
  },
  {
    // Small on purpose: the WebGPU test runs OCR on it (a software adapter takes seconds per detection run).
    file: 'hello.jpg',
    width: 256,
    height: 96,
    draw: `
      ctx.fillStyle = '#ffffff'; ctx.fillRect(0, 0, 256, 96);
      ctx.fillStyle = '#111111'; ctx.font = '34px "Liberation Serif"'; ctx.textAlign = 'center';
      ctx.fillText('Hello world', 128, 60);
    `,
  },
];

/** Adds seeded grain (as a camera sensor would) so that the images are not flat synthetic colour. */
const GRAIN = `
  let seed = 20261125;
  const random = () => ((seed = (seed * 1664525 + 1013904223) >>> 0) / 4294967296);
  const image = ctx.getImageData(0, 0, ctx.canvas.width, ctx.canvas.height);
  for (let i = 0; i < image.data.length; i += 4) {
    const n = (random() - 0.5) * 18;
    for (let c = 0; c < 3; c++) image.data[i + c] = Math.max(0, Math.min(255, image.data[i + c] + n));
  }
  ctx.putImageData(image, 0, 0);
`;

const browser = await chromium.launch({ executablePath: chromiumPath() });
try {
  const page = await browser.newPage();
  for (const sample of SAMPLES) {
    const dataUrl = await page.evaluate(
      async ({ width, height, draw, grain }) => {
        await document.fonts.ready;
        const canvas = document.createElement('canvas');
        canvas.width = width;
        canvas.height = height;
        const ctx = canvas.getContext('2d')!;
        new Function('ctx', draw)(ctx);
        ctx.setTransform(1, 0, 0, 1, 0, 0);
        new Function('ctx', grain)(ctx);
        return canvas.toDataURL('image/jpeg', 0.9);
      },
      { width: sample.width, height: sample.height, draw: sample.draw, grain: GRAIN },
    );
    const path = new URL(`../public/samples/${sample.file}`, import.meta.url);
    writeFileSync(path, Buffer.from(dataUrl.split(',')[1]!, 'base64'));
    console.log(`${sample.file}: ${sample.width}x${sample.height}`);
  }
} finally {
  await browser.close();
}
