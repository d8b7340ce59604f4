import type { Page } from '@playwright/test';
import { test as base, expect } from '@tensorlane/playwright';

/** The harness fixture's options, set with `test.use()`. */
export interface HarnessOptions {
  /**
   * Load the harness cross-origin isolated: at `/?isolated`, which e2e/vite.config.ts serves with COOP and COEP.
   * @defaultValue false
   */
  isolated: boolean;
}

/** A page with the harness loaded; console errors and page errors are collected for the test to check. */
export const test = base.extend<HarnessOptions & { harness: Page; pageErrors: string[] }>({
  isolated: [false, { option: true }],
  pageErrors: async ({}, use) => {
    await use([]);
  },
  harness: async ({ page, pageErrors, isolated }, use) => {
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(isolated ? '/?isolated' : '/');
    await expect(page.locator('body[data-ready="true"]')).toBeAttached();
    await use(page);
  },
});

export { expect };
