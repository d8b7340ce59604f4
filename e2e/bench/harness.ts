// What every bench script shares: the harness page built and served on a free port, a Chromium with WebGPU on,
// and the Markdown table the figures are printed as.
import { chromium, type Browser, type Page } from '@playwright/test';
import { build, preview } from 'vite';
import { webgpu } from '@tensorlane/playwright';
import { WEBGPU_ADAPTER, chromiumPath } from '../browser.ts';

const CONFIG = new URL('../vite.config.ts', import.meta.url).pathname;

export interface Bench {
  readonly browser: Browser;
  /** A new page with the harness loaded. */
  openPage(): Promise<Page>;
}

/** Builds and serves the harness (port 0: beside the tests and other checkouts), runs `work`, and cleans up. */
export async function runBench(work: (bench: Bench) => Promise<void>): Promise<void> {
  await build({ configFile: CONFIG, logLevel: 'warn' });
  const server = await preview({ configFile: CONFIG, preview: { port: 0, strictPort: false } });
  const address = server.httpServer.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/`;
  const browser = await chromium.launch(webgpu({ adapter: WEBGPU_ADAPTER, executablePath: chromiumPath() }).launchOptions);
  try {
    await work({
      browser,
      async openPage() {
        const page = await browser.newPage();
        await page.goto(url);
        await page.waitForSelector('body[data-ready="true"]', { state: 'attached' });
        return page;
      },
    });
  } finally {
    await browser.close();
    await new Promise((resolve) => server.httpServer.close(resolve));
  }
}

/** Prints `rows` under `header` as a Markdown table with aligned columns. */
export function printTable(header: readonly string[], rows: readonly (readonly string[])[]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: readonly string[]) => `| ${r.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  console.log([line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n'));
}
