/**
 * A right-click over an image starts the engine while the menu is open: by the time "Stylize
 * background" is chosen, the offscreen document, the compiled models and the style's bottleneck
 * are ready.
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Page } from 'puppeteer-core';
import { launchWithExtension, type ExtensionBrowser } from '../support/browser';
import { startServer, type TestServer } from '../support/server';

let ext: ExtensionBrowser;
let site: TestServer;
let page: Page;

beforeAll(async () => {
  site = await startServer(undefined, async (p) => (p === '/warm.html'
    ? { type: 'text/html', body: '<!doctype html><img id="photo" src="/fixtures/pexels-jansel-ferma-3949761.jpg" style="width: 400px">' }
    : undefined));
  ext = await launchWithExtension();
  page = await ext.browser.newPage();
  await page.goto(`${site.origin}/warm.html`, { waitUntil: 'load' });
});

afterAll(async () => {
  await ext?.close();
  await site?.close();
});

test('right-clicking an image warms the engine; the chosen stylization then runs no prediction and no compilation', async () => {
  const hasOffscreen = () => ext.browser.targets().some((t) => t.url().endsWith('/offscreen.html'));
  expect(hasOffscreen()).toBe(false);

  await page.click('#photo', { button: 'right' });
  const off = await ext.offscreen();
  // Warm when the default style's bottleneck is in the library (the last step of the warm-up).
  await off.waitForFunction(async () => (await (globalThis as any).backdropDebug.library()).styles.length > 0, { timeout: 30_000, polling: 100 });
  const warmed = await off.evaluate(() => (globalThis as any).backdropDebug.info());
  expect(warmed.plan).toBeDefined();
  expect(warmed.modelRuns).toEqual({ segmentation: 0, prediction: 1, transfer: 0 });

  const src = await page.$eval('#photo', (img) => (img as HTMLImageElement).currentSrc);
  const t0 = performance.now();
  expect(await ext.click('stylize-background', page, src)).toEqual({ ok: true });
  const ms = performance.now() - t0;
  const after = await off.evaluate(() => (globalThis as any).backdropDebug.info());
  const timings = await off.evaluate(() => (globalThis as any).backdropDebug.lastTimings());
  console.log(`first stylization after a right-click warm-up: ${ms.toFixed(0)} ms; stages ${JSON.stringify(timings, (_k, v) => (typeof v === 'number' ? Math.round(v) : v))}`);
  expect(after.modelRuns).toEqual({ segmentation: 1, prediction: 1, transfer: 1 });
});
