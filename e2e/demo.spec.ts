// The demo page (demo/, built and previewed on DEMO_PORT by the config's webServer): loads the real text-direction
// model, classifies upright and upside-down text on WASM and on WebGPU, and shows its errors.
import { fileURLToPath } from 'node:url';
import { test, expect, type Page } from '@playwright/test';
import { DEMO_PORT } from './browser.ts';

const DEMO = `http://127.0.0.1:${DEMO_PORT}/`;
/** Screenshots, in test-results/ at the repo root: the page in auto mode, on WebGPU, with an error. */
const SCREENSHOT = fileURLToPath(new URL('../test-results/demo.png', import.meta.url));
const SCREENSHOT_WEBGPU = fileURLToPath(new URL('../test-results/demo-webgpu.png', import.meta.url));
const SCREENSHOT_ERROR = fileURLToPath(new URL('../test-results/demo-error.png', import.meta.url));

async function open(page: Page, pageErrors: string[]): Promise<void> {
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.goto(DEMO);
}

/** Waits for the page to settle after a load or a classification; fails with the page's error if it shows one. */
async function waitReady(page: Page): Promise<void> {
  const body = page.locator('body');
  await expect(body).toHaveAttribute('data-status', /^(ready|error)$/);
  if ((await body.getAttribute('data-status')) === 'error') {
    throw new Error(`the demo shows an error: ${await page.getByTestId('error').innerText()}`);
  }
  await expect(page.getByTestId('error')).toBeHidden();
}

async function loadBackend(page: Page, backend: 'wasm' | 'webgpu'): Promise<void> {
  await page.getByTestId('backend-select').selectOption(backend);
  await waitReady(page);
  await expect(page.getByTestId('backend')).toHaveAttribute('data-backend', backend);
}

/** Classifies and returns each row's probabilities; asserts every image got its expected orientation. */
async function classify(page: Page): Promise<Record<string, { p0: number; p180: number }>> {
  await page.getByTestId('classify').click();
  await waitReady(page);
  const rows = page.locator('tr[data-testid^="result-"]');
  await expect(rows).toHaveCount(4);
  const results: Record<string, { p0: number; p180: number }> = {};
  for (const row of await rows.all()) {
    const id = (await row.getAttribute('data-testid'))!.replace('result-', '');
    results[id] = { p0: Number(await row.getAttribute('data-p0')), p180: Number(await row.getAttribute('data-p180')) };
  }
  expect(results['upright']!.p0).toBeGreaterThan(0.5);
  expect(results['rotated']!.p180).toBeGreaterThan(0.5);
  await expect(page.locator('tr[data-correct="false"]')).toHaveCount(0);
  // The inputs were transferred to the worker: their buffers are empty on the page afterwards.
  await expect(page.getByTestId('transfer')).toHaveAttribute('data-moved', 'true');
  await expect(page.getByTestId('time-first')).toContainText('ms');
  await expect(page.getByTestId('time-median')).toContainText('median of 5 runs');
  await expect(page.getByTestId('stats')).toContainText(/^\d+ calls, \d+ images in \d+ runs \(\d+\.\d per run\); queue wait p50/);
  return results;
}

test('demo: auto falls back with a reason, then classifies on wasm and on webgpu', async ({ page }) => {
  const pageErrors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') pageErrors.push(`console: ${message.text()}`);
  });
  await open(page, pageErrors);

  // auto: on a machine whose only WebGPU adapter is software (SwiftShader), it falls back to WASM and says why.
  await waitReady(page);
  const backend = await page.getByTestId('backend').getAttribute('data-backend');
  const attempts = page.getByTestId('fallback-attempt');
  if (backend === 'wasm') {
    // e.g. "webgpu not used: skipped the software adapter (google swiftshader): …"
    await expect(attempts).toHaveCount(1);
    await expect(attempts.first()).toHaveAttribute('data-backend', 'webgpu');
    await expect(attempts.first()).toHaveText(/^webgpu not used: \S.{10,}/);
    console.log('auto fallback:', await attempts.first().innerText());
  } else {
    // A machine with a real GPU: auto takes it first time, and never a software adapter.
    expect(backend).toBe('webgpu');
    await expect(attempts).toHaveCount(0);
    await expect(page.getByTestId('adapter')).not.toContainText('software adapter');
  }
  await expect(page.getByTestId('inputs')).toContainText('float32');
  await expect(page.getByTestId('batching')).toContainText('stacked');

  await loadBackend(page, 'wasm');
  await expect(page.getByTestId('adapter')).toContainText('not running on WebGPU');
  console.log('wasm:', JSON.stringify(await classify(page)));

  // Must run on WebGPU: the test fails, not skips, if WebGPU did not come up.
  await loadBackend(page, 'webgpu');
  await expect(page.getByTestId('adapter')).not.toContainText('not running on WebGPU');
  console.log('webgpu:', JSON.stringify(await classify(page)));
  console.log('timings:', await page.getByTestId('timings').innerText());

  await page.screenshot({ path: SCREENSHOT_WEBGPU, fullPage: true });

  // Back to the default, auto, as a newcomer first sees the page: the screenshot shows the fallback and its reason.
  await page.getByTestId('backend-select').selectOption('auto');
  await waitReady(page);
  await classify(page);
  await expect(page.getByTestId('fallback')).toContainText(backend === 'wasm' ? 'webgpu not used' : 'none');
  await page.screenshot({ path: SCREENSHOT, fullPage: true });
  expect(pageErrors).toEqual([]);
});

test('demo: errors show as code: message and the page recovers', async ({ page }) => {
  const pageErrors: string[] = [];
  await page.route('**/models/text-direction.onnx', (route) => route.fulfill({ status: 404, body: 'not here' }));
  await open(page, pageErrors);
  await expect(page.locator('body')).toHaveAttribute('data-status', 'error');
  await expect(page.getByTestId('error')).toBeVisible();
  await expect(page.getByTestId('error')).toHaveAttribute('data-code', 'MODEL_FETCH_FAILED');
  await expect(page.getByTestId('error')).toHaveText(/^MODEL_FETCH_FAILED: .*404/);
  await expect(page.getByTestId('classify')).toBeDisabled();
  await page.screenshot({ path: SCREENSHOT_ERROR, fullPage: true });

  await page.unroute('**/models/text-direction.onnx');
  await loadBackend(page, 'wasm');
  await classify(page);
  await classify(page); // and again
  expect(pageErrors).toEqual([]);
});
