/**
 * Results Backdrop stops showing die one garbage collection at a time (src/content/release.ts):
 * real Chromium, the built extension and models, the page's heap read through DevTools snapshots
 * (each snapshot collects garbage first).
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Page } from 'puppeteer-core';
import { launchWithExtension, type ExtensionBrowser } from '../support/browser';
import { onlyIn } from '../support/only-in';
import { startServer, type TestServer } from '../support/server';
import { makeJpeg } from '../support/images';
import { liveImageElements } from '../support/heap';
import { DIE_BUDGET_BYTES } from '../../src/content/release';

let ext: ExtensionBrowser;
let site: TestServer;
let page: Page;
/** A 3000×2000 photo: two of its results (processed at 1600² pixels, 7.7 MB each) are over the per-collection budget, so they go one by one. */
let big: Buffer | undefined;

beforeAll(async () => {
  site = await startServer(undefined, async (path) => {
    if (path === '/one.html') return { type: 'text/html; charset=utf-8', body: '<!doctype html><img id="a" style="width: 320px">' };
    if (path === '/big.jpg' && big) return { type: 'image/jpeg', body: big };
    return undefined;
  });
  ext = await launchWithExtension();
  page = await ext.browser.newPage();
  await page.goto(`${site.origin}/one.html`, { waitUntil: 'load' });
  big = await makeJpeg(page, { fixture: 'pexels-jansel-ferma-3949761.jpg', width: 3000, height: 2000 });
  await page.$eval('#a', (img) => {
    (img as HTMLImageElement).src = '/big.jpg';
    return (img as HTMLImageElement).decode();
  });
});

afterAll(async () => {
  await ext?.close();
  await site?.close();
});

onlyIn('chromium', 'counts live elements with Chrome\'s heap profiler (CDP)')('results let go (restyled, restored) die one per garbage collection, not all in one pause', async () => {
  const src = () => page.$eval('#a', (el) => (el as HTMLImageElement).currentSrc);
  for (let i = 0; i < 5; i++) expect(await ext.click('stylize-background', page, await src())).toEqual({ ok: true });
  const bytes = await page.$eval('#a', (el) => (el as HTMLImageElement).naturalWidth * (el as HTMLImageElement).naturalHeight * 3);
  expect(2 * bytes).toBeGreaterThan(DIE_BUDGET_BYTES);
  expect(await ext.click('restore-original', page, await src())).toBe(true);
  // Five results let go: the first may be dead already, the others wait their turn.
  const held: number[] = [];
  for (let i = 0; i < 6; i++) {
    held.push((await liveImageElements(page)) - 1); // the page's own <img>
    await new Promise((r) => setTimeout(r, 300)); // the finalization callback lets the next one go
  }
  console.log(`results still held after each collection: ${held.join(', ')}`);
  expect(held[0]).toBeGreaterThanOrEqual(2);
  const end = held.indexOf(0);
  expect(end).toBeGreaterThan(0);
  expect(held.slice(0, end + 1)).toEqual(Array.from({ length: end + 1 }, (_, i) => held[0] - i));
  expect(held.slice(end).every((n) => n === 0)).toBe(true);
});
