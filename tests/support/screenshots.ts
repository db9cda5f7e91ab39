/**
 * The pictures docs/ shows (popup light and dark, the welcome page, an image held to compare) are
 * taken by the e2e tests that check those screens, so they always show what the tests saw.
 * `npm run screenshots` runs those tests with BACKDROP_SCREENSHOTS=1 in Chromium and writes them to
 * docs/screenshots/; in a normal test run nothing is written.
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Page } from 'puppeteer-core';
import { BROWSER, ROOT } from './paths';

export const SCREENSHOTS_DIR = resolve(ROOT, 'docs/screenshots');

export async function keepScreenshot(page: Page, name: string, options: { fullPage?: boolean } = {}) {
  if (!process.env.BACKDROP_SCREENSHOTS || BROWSER !== 'chromium') return;
  mkdirSync(SCREENSHOTS_DIR, { recursive: true });
  await page.screenshot({ path: resolve(SCREENSHOTS_DIR, `${name}.png`) as `${string}.png`, ...options });
}
