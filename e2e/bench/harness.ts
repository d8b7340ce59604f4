// What every bench section shares: the harness page built and served on a free port, a Chromium with WebGPU on, and
// the sizes each mode runs at.
import { chromium, type Browser, type Page } from '@playwright/test';
import { build, preview } from 'vite';
import { webgpu } from '@tensorlane/playwright';
import { WEBGPU_ADAPTER, chromiumPath } from '../browser.ts';
import type { SectionResult } from './report.ts';
import { withBaseline } from './baseline.ts';

const CONFIG = new URL('../vite.config.ts', import.meta.url).pathname;

/** `full` for the README; `quick` for a look in under a minute; `smoke` for the test that keeps the bench running. */
export type Mode = 'full' | 'quick' | 'smoke';

export interface Bench {
  readonly browser: Browser;
  /** Where the harness is served, e.g. `http://127.0.0.1:41234/`. */
  readonly url: string;
  readonly mode: Mode;
  /** A new page with the harness loaded; `isolated` serves it cross-origin isolated (COOP/COEP). */
  openPage(options?: { isolated?: boolean }): Promise<Page>;
}

export interface Section {
  readonly id: string;
  run(bench: Bench): Promise<SectionResult>;
}

/** Picks the value for the bench's mode. */
export const pick = <T>(mode: Mode, values: Record<Mode, T>): T => values[mode];

/**
 * Launches Chromium as the tests do, with WebGPU on (@tensorlane/playwright's preset), a fake camera, and `gc()`
 * exposed so that a section can collect the garbage of its own set-up before it measures.
 */
export function launch(): Promise<Browser> {
  const { launchOptions } = webgpu({ adapter: WEBGPU_ADAPTER, executablePath: chromiumPath() });
  // A fake camera (Chromium's own animation, 30 fps) for the pictures section's camera stream.
  const camera = ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream'];
  return chromium.launch({ ...launchOptions, args: [...(launchOptions?.args ?? []), '--js-flags=--expose-gc', ...camera] });
}

/** Opens the harness at `url` in a new page of `browser`. */
export async function openHarness(browser: Browser, url: string, isolated = false): Promise<Page> {
  const page = await browser.newPage();
  await page.goto(isolated ? `${url}?isolated` : url);
  await page.waitForSelector('body[data-ready="true"]', { state: 'attached' });
  return page;
}

/** Runs `work` with one page open, closing it after. */
export async function withPage<T>(bench: Bench, isolated: boolean, work: (page: Page) => Promise<T>): Promise<T> {
  const page = await bench.openPage({ isolated });
  try {
    return await work(page);
  } finally {
    await page.close();
  }
}

/** The bench on the harness served at `url`, in `browser`. */
export function benchAt(browser: Browser, url: string, mode: Mode): Bench {
  return { browser, url, mode, openPage: ({ isolated = false } = {}) => openHarness(browser, url, isolated) };
}

/**
 * Builds and serves the harness (port 0: beside the tests and other checkouts), runs `work`, and cleans up. Unminified
 * on request, so that a profile names the functions.
 */
export async function runBench<T>(mode: Mode, work: (bench: Bench) => Promise<T>, { minify = true } = {}): Promise<T> {
  await withBaseline(() => build({ configFile: CONFIG, logLevel: 'warn', build: { minify } }));
  const server = await preview({ configFile: CONFIG, preview: { port: 0, strictPort: false } });
  const address = server.httpServer.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/`;
  const browser = await launch();
  try {
    return await work(benchAt(browser, url, mode));
  } finally {
    await browser.close();
    await new Promise((resolve) => server.httpServer.close(resolve));
  }
}
