import { test as base, expect, type Page } from '@playwright/test';

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

/** Largest absolute difference between two arrays of numbers. */
export function maxAbsDiff(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  expect(actual.length).toBe(expected.length);
  let worst = 0;
  for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(actual[i]! - expected[i]!));
  return worst;
}
