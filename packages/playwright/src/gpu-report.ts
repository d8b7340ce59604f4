// The WebGPU adapter a browser actually offers, probed in a page and in a worker of the kit's own secure origin.
import type { Browser } from '@playwright/test';
import { PROBE_PAGE, PROBE_WORKER } from './model-server.js';
import { probeWebGpu, type AdapterProbe } from './probe.js';

/**
 * What the `gpu` fixture reports: the browser, the flags it was launched with, and the adapter a page and a worker
 * got. Attached to each test that uses `gpu` as `webgpu-adapter` (JSON).
 * @example
 * ```ts
 * import { test, expect } from '@tensorlane/playwright';
 *
 * test('runs on the adapter it reports', async ({ gpu }) => {
 *   expect(gpu.worker.available).toBe(true);
 *   console.log(gpu.browserVersion, gpu.launchArgs);
 * });
 * ```
 */
export interface GpuReport {
  /** `browser.version()`, e.g. `'156.0.7803.0'`. */
  readonly browserVersion: string;
  /** Node's `process.platform` where the browser runs. */
  readonly platform: string;
  /** `launchOptions.args` of the project. */
  readonly launchArgs: readonly string[];
  /** The adapter in a page of a secure origin (`http://127.0.0.1`). */
  readonly page: AdapterProbe;
  /** The adapter in a dedicated worker of that page, where tensorlane runs models. */
  readonly worker: AdapterProbe;
}

/** Probes `browser` in a page of its own at `serverUrl` (a model server), and in a worker of that page. */
export async function probeBrowser(browser: Browser, serverUrl: string, launchArgs: readonly string[]): Promise<GpuReport> {
  const page = await browser.newPage();
  try {
    await page.goto(new URL(PROBE_PAGE, serverUrl).href);
    const inPage = await page.evaluate(probeWebGpu);
    const inWorker = await page.evaluate(
      (url) =>
        new Promise<AdapterProbe>((resolve) => {
          const worker = new Worker(url);
          worker.onmessage = (event: MessageEvent<AdapterProbe>) => {
            resolve(event.data);
            worker.terminate();
          };
          worker.onerror = (event) => resolve({ available: false, reason: `the probe worker failed: ${event.message}` });
        }),
      PROBE_WORKER,
    );
    return { browserVersion: browser.version(), platform: process.platform, launchArgs: [...launchArgs], page: inPage, worker: inWorker };
  } finally {
    await page.close();
  }
}

/** One line: the adapter of page and worker, e.g. `google swiftshader (software), in page and worker`. */
export function summarize(report: GpuReport): string {
  const describe = (probe: AdapterProbe) =>
    probe.available ? `${probe.adapter.vendor} ${probe.adapter.architecture} (${probe.adapter.isFallbackAdapter ? 'software' : 'hardware'})` : `none: ${probe.reason}`;
  const page = describe(report.page);
  const worker = describe(report.worker);
  return page === worker ? `${page}, in page and worker` : `page: ${page}; worker: ${worker}`;
}
