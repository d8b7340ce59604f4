import type { Page } from '@playwright/test';
import { test as base, expect } from '@tensorlane/playwright';

/** A page with the harness loaded; console errors and page errors are collected for the test to check. */
export const test = base.extend<{ harness: Page; pageErrors: string[] }>({
  pageErrors: async ({}, use) => {
    await use([]);
  },
  harness: async ({ page, pageErrors }, use) => {
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto('/');
    await expect(page.locator('body[data-ready="true"]')).toBeAttached();
    await use(page);
  },
});

export { expect };
