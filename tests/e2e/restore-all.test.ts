/**
 * The popup's Restore all after mixed jobs (issue 17): two images stylized by right-click (one shown
 * in place, one the page may not read, in a view frame; the first stylized twice), then the rest of
 * the page by a batch (an <img> in a <picture>, an <img> with odd inline style text, a CSS
 * background in place and one in a view frame). Restore all, clicked in the popup, must put every
 * attribute back exactly as the page wrote it, leave no frame, report each flow's own count, and let
 * go of every result: each blob: URL revoked, each result handed to src/content/release.ts.
 * Real Chromium, the built extension and the real models.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Page } from 'puppeteer-core';
import { launchWithExtension, type ExtensionBrowser } from '../support/browser';
import { onlyIn } from '../support/only-in';
import { startServer, type TestServer } from '../support/server';
import { contentResults } from '../support/content-script';
import { contentReplies, recordContentReplies } from '../support/content-replies';

let ext: ExtensionBrowser;
let site: TestServer;
let other: TestServer;
/** The other server as a second site (localhost, not 127.0.0.1): what the page may not read. */
let otherOrigin: string;
let page: Page;
let tabId: number;

const html = (o: string) => `<!doctype html><meta charset="utf-8"><title>mixed</title>
<style>
  body { margin: 0; font: 14px sans-serif }
  #gallery { display: flex; flex-wrap: wrap; gap: 8px; padding: 8px; align-items: flex-start }
  img { display: block }
  .bg { background-size: cover; background-position: center; background-repeat: no-repeat }
</style>
<div id="gallery">
  <img id="r1" src="/fixtures/pexels-jansel-ferma-3949761.jpg?r1-fallback" srcset="/fixtures/pexels-jansel-ferma-3949761.jpg?r1 1x" style="width:220px;border:1px solid rgb(200, 0, 0)" alt="">
  <img id="r2" src="${o}/fixtures/pytorchhub_dog.jpg?r2" style="width: 200px" alt="">
  <picture id="p1">
    <source srcset="/fixtures/pexels-elly-fairytale-3822220.jpg?pic" media="(min-width: 1px)">
    <img id="b1" src="/fixtures/pytorchhub_dog.jpg?b1-fallback" style="width: 200px" alt="">
  </picture>
  <img id="b2" src="/fixtures/tfexamples_segmentation_input_image.jpg?b2" style="width:180px;" alt="">
  <div id="b3" class="bg" style="width: 240px;height:160px; background-image:url(/fixtures/tfexamples_style_transfer_input_image.jpg?b3)"></div>
  <div id="b4" class="bg" style="width:200px; height: 150px; background-image: url('${o}/fixtures/pexels-elly-fairytale-3822220.jpg?b4')"></div>
</div>`;

const BATCH_IDS = ['b1', 'b2', 'b3', 'b4'];

/** Every attribute of every element of the gallery, by element (id or tag and position). */
const attributes = () => page.$$eval('#gallery, #gallery *', (els) => els.map((el, i) => ({
  el: el.id || `${el.localName}#${i}`,
  attrs: Object.fromEntries(el.getAttributeNames().map((n) => [n, el.getAttribute(n)])),
})));
const galleryHtml = () => page.$eval('#gallery', (el) => el.outerHTML);

/** Whether each URL still fetches in the page (a revoked blob: URL does not). */
const fetchable = (urls: string[]) => page.evaluate((urls) => Promise.all(urls.map((u) => fetch(u).then(() => true, () => false))), urls);

/** The blob: URLs the gallery shows now: <img> sources and inline backgrounds. */
const shownBlobUrls = () => page.$$eval('#gallery *', (els) => els.flatMap((el) => {
  const src = el.getAttribute('src');
  if (el instanceof HTMLImageElement && src?.startsWith('blob:')) return [src];
  const bg = /url\("?(blob:[^")]+)"?\)/.exec((el as HTMLElement).style?.backgroundImage ?? '');
  return bg ? [bg[1]] : [];
}));

const viewFrames = () => page.$$eval('iframe[data-backdrop-view-frame]', (f) => f.length);

async function rightClick(id: string) {
  const src = await page.$eval(`#${id}`, (el) => (el as HTMLImageElement).currentSrc);
  expect(await ext.click('stylize-background', page, src), id).toEqual({ ok: true });
}

let originalAttributes: Awaited<ReturnType<typeof attributes>>;
let originalHtml: string;

beforeAll(async () => {
  other = await startServer();
  otherOrigin = other.origin.replace('127.0.0.1', 'localhost');
  site = await startServer(undefined, async (p) => (p === '/mixed.html' ? { type: 'text/html; charset=utf-8', body: html(otherOrigin) } : undefined));
  ext = await launchWithExtension();
  page = await ext.browser.newPage();
  await page.setViewport({ width: 1280, height: 900 });
  await page.goto(`${site.origin}/mixed.html`, { waitUntil: 'load' });
  tabId = await ext.tabId(page);
  originalAttributes = await attributes();
  originalHtml = await galleryHtml();
});

afterAll(async () => {
  await ext?.close();
  await site?.close();
  await other?.close();
});

describe('Restore all after right-click and batch jobs', () => {
  onlyIn('chromium', 'reads the content script\'s counters through CDP\'s isolated worlds; Firefox\'s Restore all is tested in batch and styles')('right-click two images (one twice), batch the rest, then the popup’s Restore all frees every result', async () => {
    // Right-click: #r1 in place, stylized twice (the second result replaces the first), #r2 in a view.
    await rightClick('r1');
    const firstR1 = await page.$eval('#r1', (el) => el.getAttribute('src')!);
    expect(firstR1).toMatch(/^blob:/);
    expect(await fetchable([firstR1])).toEqual([true]);
    await rightClick('r1');
    const secondR1 = await page.$eval('#r1', (el) => el.getAttribute('src')!);
    expect(secondR1).toMatch(/^blob:/);
    expect(secondR1).not.toBe(firstR1);
    // The replaced result's URL is revoked at once.
    expect(await fetchable([firstR1, secondR1])).toEqual([false, true]);
    await rightClick('r2');
    expect(await viewFrames()).toBe(1);

    // The batch: the four others (the stylized two are not eligible).
    const started = await ext.click('stylize-page', page) as { total: number; active: boolean };
    expect(started).toMatchObject({ active: true, total: BATCH_IDS.length });
    await page.waitForFunction((ids: string[]) => ids.every((id) => document.getElementById(id)?.getAttribute('data-backdrop-batch') === 'done'),
      // (Polled on a timer: animation frames stop while another page has the focus.)
      { timeout: 120_000, polling: 250 }, BATCH_IDS);
    expect(await viewFrames()).toBe(2); // #r2 and #b4

    const shown = await shownBlobUrls();
    expect(shown).toHaveLength(4); // #r1, #b1, #b2, #b3
    expect(await fetchable(shown)).toEqual(shown.map(() => true));
    const before = await contentResults(page, ext.extensionId);
    expect(before, 'the test build’s content debug surface').toBeDefined();
    expect(before!.elements).toEqual({ 'right-click': 2, batch: 4 });
    expect(before!.live).toBe(6);

    // The popup's Restore all, clicked for real.
    const worker = await ext.worker();
    await recordContentReplies(worker);
    const popup = await ext.openPage(`/popup.html?tab=${tabId}`);
    await popup.locator('button::-p-text(Restore all on this page)').click();
    const said = await popup.waitForSelector('[data-message="ok"]').then((el) => el!.evaluate((e) => e.textContent ?? ''));
    await popup.close();
    await page.bringToFront();

    // Each flow counts its own images: the right-clicked two, then the batch's four.
    expect(said).toMatch(new RegExp(`\\b2 right-clicked and ${BATCH_IDS.length} batch image`));
    const replies = (await contentReplies(worker)).filter((r) => r.type === 'restore-all' || r.type === 'batch-restore-all');
    expect(replies.map((r) => [r.type, r.reply])).toEqual([['restore-all', 2], ['batch-restore-all', BATCH_IDS.length]]);

    // Every attribute back exactly as the page wrote it, no frame, no marker, no overlay.
    expect(await attributes()).toEqual(originalAttributes);
    expect(await galleryHtml()).toBe(originalHtml);
    expect(await viewFrames()).toBe(0);
    expect(await page.$$eval('[data-backdrop-overlay]', (o) => o.length)).toBe(0);
    // The browser shows the original candidates again.
    await page.waitForFunction(() => (document.getElementById('r1') as HTMLImageElement).currentSrc.endsWith('?r1')
      && (document.getElementById('b1') as HTMLImageElement).currentSrc.endsWith('?pic'));

    // Every result let go: the page can no longer fetch any URL a result was shown under, and the
    // content script holds none (each readable one went to the paced release).
    expect(await fetchable([firstR1, ...shown])).toEqual([firstR1, ...shown].map(() => false));
    const after = await contentResults(page, ext.extensionId);
    console.log(`results before restore all: ${JSON.stringify(before)}; after: ${JSON.stringify(after)}`);
    expect(after).toMatchObject({ elements: { 'right-click': 0, batch: 0 }, live: 0 });
    // Seven results: #r1 twice, #r2, and the batch's four; five of them readable (blob: URLs, holders).
    expect(after!.made).toBe(7);
    expect(after!.letGo).toBe(7);
    expect(after!.revoked).toBe(5);
    expect(after!.released).toBe(5);
  });
});
