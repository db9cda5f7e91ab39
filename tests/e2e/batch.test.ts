/**
 * Batch mode end to end (issue 4): one action stylizes every eligible image of a ~30-image gallery
 * (viewport first), with the real models, while the test stops the background mid-run (Chrome's
 * service worker, Firefox's event page); then restore-all, and a second run cancelled midway.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Page } from 'puppeteer-core';
import { launchWithExtension, type ExtensionBrowser } from '../support/browser';
import { meanAbsDiff, readImagePixels } from '../support/pixels';
import { startServer, type TestServer } from '../support/server';
import { liveImageElements } from '../support/heap';
import type { BatchCommandType } from '../../src/messaging/batch';

let ext: ExtensionBrowser;
let site: TestServer;
let page: Page;
let tabId: number;

interface Snap { id: string; src: string | null; srcset: string | null; style: string | null; loading: string | null; sources: (string | null)[] }

/** Every attribute a batch may touch, for each element the page marks (long data: URLs shortened). */
const snapshot = () => page.$$eval('[data-eligible], [data-skip]', (els) => {
  const attr = (el: Element, name: string) => {
    const v = el.getAttribute(name);
    return v && v.length > 300 ? `${v.slice(0, 100)}…(${v.length})` : v;
  };
  return els.map((el) => ({
    id: el.id, src: attr(el, 'src'), srcset: attr(el, 'srcset'), style: attr(el, 'style'), loading: attr(el, 'loading'),
    sources: el.parentElement instanceof HTMLPictureElement ? [...el.parentElement.querySelectorAll('source')].map((s) => attr(s, 'srcset')) : [],
  }));
}) as Promise<Snap[]>;

const states = () => page.$$eval('[data-eligible], [data-skip]', (els) => Object.fromEntries(els.map((el) => [el.id, el.getAttribute('data-backdrop-batch')])));
/** The start of what an element shows now: its src, or its inline background-image. */
const shownUrl = (id: string) => page.$eval(`#${id}`, (el) => (el instanceof HTMLImageElement ? el.getAttribute('src') ?? '' : (el as HTMLElement).style.backgroundImage).slice(0, 60));
const overlays = () => page.$$eval('[data-backdrop-overlay]', (hosts) => hosts.map((h) => ({
  state: (h as HTMLElement).dataset.state, text: h.shadowRoot?.textContent ?? '', left: parseFloat((h as HTMLElement).style.left), top: parseFloat((h as HTMLElement).style.top),
})));
const rectOf = (id: string) => page.$eval(`#${id}`, (el) => {
  const r = el.getBoundingClientRect();
  return { left: r.left + scrollX, top: r.top + scrollY };
});
const badge = async () => (await ext.worker()).evaluate((tabId) => globalThis.chrome.action.getBadgeText({ tabId }), tabId) as Promise<string>;
const command = async (type: BatchCommandType) => (await ext.worker()).evaluate(
  (type, tabId) => globalThis.backdrop.handleBatchCommand({ to: 'background', type, tabId }), type, tabId,
) as Promise<{ active: boolean; total: number; done: number; failed: number; queued: number; working: number }>;
const countState = (state: string) => page.$$eval(`[data-backdrop-batch="${state}"]`, (els) => els.length);
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s[(s.length - 1) >> 1] + s[s.length >> 1]) / 2 : NaN;
};

let originals: Snap[];
const eligibleIds: string[] = [];
const skipIds: string[] = [];
const brokenIds: string[] = [];

beforeAll(async () => {
  site = await startServer();
  ext = await launchWithExtension();
  page = await ext.browser.newPage();
  await page.setViewport({ width: 1280, height: 900 });
  await page.goto(`${site.origin}/batch-gallery.html`, { waitUntil: 'load' });
  tabId = await ext.tabId(page);
  originals = await snapshot();
  eligibleIds.push(...await page.$$eval('[data-eligible]', (els) => els.map((el) => el.id)));
  skipIds.push(...await page.$$eval('[data-skip]', (els) => els.map((el) => el.id)));
  brokenIds.push(...await page.$$eval('[data-broken]', (els) => els.map((el) => el.id)));
});

afterAll(async () => {
  await ext?.close();
  await site?.close();
});

describe('Batch: stylize every image on the page', () => {
  test('every eligible image, viewport first, the appended one too, across a service-worker stop', async () => {
    expect(originals.length).toBe(29);
    const visible = await page.$$eval('[data-eligible]', (els) => els.filter((el) => {
      const r = el.getBoundingClientRect();
      return r.bottom > 0 && r.top < innerHeight && r.right > 0 && r.left < innerWidth;
    }).map((el) => el.id));
    expect(visible.length).toBeGreaterThanOrEqual(8);
    expect(visible.length).toBeLessThan(eligibleIds.length - 8);

    const t0 = performance.now();
    const pageT0 = await page.evaluate(() => performance.now());
    const started = await ext.click('stylize-page', page) as { total: number; active: boolean };
    // 24 eligible elements, two of them (#a1 and #b2) share a URL: 23 queue items.
    expect(started).toMatchObject({ active: true, total: 23 });

    // An image the page adds after the batch started joins it.
    await page.evaluate(() => {
      const img = Object.assign(document.createElement('img'), { id: 'late', src: '/fixtures/pexels-elly-fairytale-3822220.jpg?late', alt: '' });
      img.style.width = '200px';
      document.querySelector('[data-fold="below"]')!.append(img);
    });

    // Waiting images carry a small "Queued" label in place.
    await page.waitForFunction(() => document.querySelectorAll('[data-backdrop-batch="queued"]').length > 0
      && [...document.querySelectorAll('[data-backdrop-overlay]')].some((o) => (o as HTMLElement).dataset.state === 'queued'
        && o.shadowRoot?.textContent?.includes('Queued')), { timeout: 30_000 });

    // Stop the service worker mid-run, as Chrome does to an idle MV3 worker.
    await page.waitForFunction(() => document.querySelectorAll('[data-backdrop-batch="done"]').length >= 4, { timeout: 60_000 });
    const doneAtStop = await countState('done');
    await ext.stopBackground();

    const all = [...eligibleIds, 'late'];
    await page.waitForFunction((ids: string[]) => ids.every((id) => /^(done|error)$/.test(document.getElementById(id)?.getAttribute('data-backdrop-batch') ?? '')),
      { timeout: 120_000, polling: 100 }, all);
    const wallMs = performance.now() - t0;
    const pageT1 = await page.evaluate(() => performance.now());

    // A fresh worker finished the work.
    expect(doneAtStop).toBeLessThan(20);
    expect(await ext.backgroundWasRestarted()).toBe(true);

    const st = await states();
    for (const id of eligibleIds.filter((id) => !brokenIds.includes(id))) {
      expect(st[id], id).toBe('done');
      const url = await shownUrl(id);
      expect(url, id).toMatch(/^(url\(")?blob:/);
    }
    expect(await shownUrl('late')).toMatch(/^blob:/);
    // One URL, one result: the <img> and the background that share it show the same picture.
    expect(await page.evaluate(() => (document.getElementById('b2') as HTMLElement).style.backgroundImage
      === `url("${document.getElementById('a1')!.getAttribute('src')}")`)).toBe(true);

    // The result is the real thing: the original's size, its background painted.
    const shown = await readImagePixels(page, { selector: '#a1' });
    const original = await readImagePixels(page, { url: '/fixtures/pexels-jansel-ferma-3949761.jpg' });
    expect([shown.width, shown.height]).toEqual([1280, 1280]);
    expect(meanAbsDiff(shown, original).mad).toBeGreaterThan(10);

    // Broken images: an error in place, the original kept.
    const ov = await overlays();
    const expectWords: Record<string, RegExp> = { x1: /not found/i, x2: /not an image/i, x3: /damaged|incomplete/i };
    for (const id of brokenIds) {
      expect(st[id], id).toBe('error');
      expect((await snapshot()).find((s) => s.id === id)).toEqual(originals.find((s) => s.id === id));
      const at = await rectOf(id);
      const o = ov.find((o) => Math.abs(o.left - at.left) < 1 && Math.abs(o.top - at.top) < 1);
      expect(o?.state, id).toBe('error');
      expect(o?.text, id).toMatch(expectWords[id]);
    }
    expect(ov.filter((o) => o.state !== 'error')).toEqual([]);

    // Icons, the tracking pixel, the SVG and the sprite: untouched.
    const now = await snapshot();
    for (const id of skipIds) {
      expect(st[id], id).toBeNull();
      expect(now.find((s) => s.id === id), id).toEqual(originals.find((s) => s.id === id));
    }

    // Viewport first: every visible image started before any image below the fold.
    const log = await page.evaluate(() => (window as any).__batchLog as { id: string; state: string; t: number }[]);
    const firstWorking = new Map<string, number>();
    for (const e of log) if (e.state === 'working' && !firstWorking.has(e.id)) firstWorking.set(e.id, e.t);
    const below = eligibleIds.filter((id) => !visible.includes(id));
    const lastVisible = Math.max(...visible.map((id) => firstWorking.get(id) ?? Infinity));
    const firstBelow = Math.min(...below.map((id) => firstWorking.get(id) ?? -Infinity));
    expect(lastVisible).toBeLessThan(firstBelow);

    // The badge reached the total: 24 items (23 + the appended one), 3 of them failed.
    expect(await badge()).toBe('24/24');
    // The popup's message, sent for real from the popup page (the only page the worker takes it from).
    const popup = await ext.openPage(`/popup.html?tab=${tabId}`);
    const status = await popup.evaluate((tabId) => globalThis.chrome.runtime.sendMessage({ to: 'background', type: 'batch-status', tabId }), tabId);
    await popup.close();
    await page.bringToFront();
    const off = await ext.offscreen();
    expect(status).toEqual({ tabId, active: true, total: 24, done: 21, failed: 3, queued: 0, working: 0 });
    // Each URL painted once (at most two jobs were in flight when the background stopped, and run
    // again). Chrome's offscreen document outlives its worker and counted them all; Firefox's engine
    // frame went with the event page, and the new one counts those done after the stop.
    const runs = await off.evaluate(() => globalThis.backdropDebug.modelRuns());
    // (In Firefox, one or two may finish between the count and the stop.)
    const before = ext.kind === 'chromium' ? 0 : doneAtStop;
    expect(runs.transfer).toBeGreaterThanOrEqual(21 - before - (ext.kind === 'chromium' ? 0 : 2));
    expect(runs.transfer).toBeLessThanOrEqual(21 - before + 2);

    const finished = log.filter((e) => e.state === 'done' || e.state === 'error').map((e) => e.t).sort((a, b) => a - b);
    const gaps = finished.slice(1).map((t, i) => t - finished[i]);
    const longTasks = await page.evaluate(() => (window as any).__longTasks as { start: number; duration: number }[]);
    console.log(`batch gallery: ${all.length} eligible elements, 24 unique images, wall ${(wallMs / 1000).toFixed(1)} s `
      + `(${(wallMs / 24).toFixed(0)} ms per image on average), median gap between finished images ${median(gaps).toFixed(0)} ms; `
      + `model runs ${JSON.stringify(runs)}; long tasks on the page (start after batch start, ms): ${JSON.stringify(longTasks.map((t) => [Math.round(t.start - pageT0), Math.round(t.duration)]))}`);
    const loafs = await page.evaluate((t0, t1) => (window as any).__loafs.filter((l: any) => l.start >= t0 && l.start <= t1), pageT0, pageT1);
    if (loafs.length) console.log(`long animation frames during the batch: ${JSON.stringify(loafs.map((l: any) => ({ ...l, start: Math.round(l.start - pageT0) })))}`);
    // How responsive the page stays is a timing, so it is reported here and measured by the
    // benchmark (tests/bench/page-tasks.ts), never asserted: on a busy machine any bound flakes.
    const duringBatch = longTasks.filter((t) => t.start >= pageT0 && t.start <= pageT1);
    console.log(`page tasks over 50 ms during the batch: ${duringBatch.length}, longest ${Math.round(Math.max(0, ...duringBatch.map((t) => t.duration)))} ms`);
  });

  test('restore all gives back every original src, srcset and background', async () => {
    const results = await page.$$eval('[data-backdrop-batch="done"]', (els) => new Set(els.map((el) =>
      el instanceof HTMLImageElement ? el.src : (el as HTMLElement).style.backgroundImage)).size);
    // Counting the page's live image elements needs Chrome's heap profiler (CDP): in Firefox the test
    // checks what restore all puts back, not how the results are let go.
    const heap = ext.kind === 'chromium';
    const detachedImages = async () => (await liveImageElements(page)) - (await page.$$eval('img', (imgs) => imgs.length));
    const detachedBefore = heap ? await detachedImages() : 0; // each shown result's holder, and a few of the page's own
    const status = await command('batch-restore-all');
    expect(status).toMatchObject({ active: false, total: 0 });
    await page.evaluate(() => document.getElementById('late')?.remove());
    expect(await snapshot()).toEqual(originals);
    expect(await page.$$eval('[data-backdrop-batch], [data-backdrop-stylized], [data-backdrop-bg-stylized]', (els) => els.length)).toBe(0);
    expect(await overlays()).toEqual([]);
    expect(await badge()).toBe('');
    // The browser shows the original candidates again.
    await page.waitForFunction(() => (document.getElementById('a5') as HTMLImageElement).currentSrc.endsWith('?pic'));
    if (!heap) return;
    // The results go 4 MiB per garbage collection (src/content/release.ts), not all in the next
    // one: each of these (1280², 4.9 MB) alone.
    // Each result also kept a detached image of the page's own picture (src/content/swap.ts, for a
    // compare): those go at once, and cost the pause nothing, since the page shows those very
    // resources again. So at most one per result, and one result, die in the first collection.
    const died = detachedBefore - (await detachedImages());
    console.log(`after restore all and one collection, ${died} detached images have died, for ${results} results`);
    expect(results).toBeGreaterThanOrEqual(10);
    expect(died).toBeLessThanOrEqual(results + 1);
    // And the results do go, in turns, over the next collections.
    let diedLater = died;
    for (let i = 0; i < 4; i++) {
      await new Promise((r) => setTimeout(r, 300)); // the finalization callback lets the next one go
      diedLater = detachedBefore - (await detachedImages());
    }
    console.log(`after four more collections, ${diedLater} have died`);
    expect(diedLater - died).toBeGreaterThanOrEqual(2);
  });

  test('a second run, from the keyboard shortcut, cancelled midway leaves the rest untouched, and restore all still works', async () => {
    // Alt+Shift+Y: puppeteer cannot press an extension's shortcut, so the test checks the manifest binds
    // it and calls the very function registered with commands.onCommand.
    const manifest = await (await ext.worker()).evaluate(() => globalThis.chrome.runtime.getManifest());
    expect(manifest.commands['stylize-page'].suggested_key.default).toBe('Alt+Shift+Y');
    await (await ext.worker()).evaluate((id) => globalThis.backdrop.handleCommand('stylize-page', { id }), tabId);
    await page.waitForFunction(() => document.querySelectorAll('[data-backdrop-batch="done"]').length >= 3, { timeout: 60_000 });
    const status = await command('batch-cancel');
    expect(status.active).toBe(false);
    expect(status.queued).toBe(0);
    const doneIds = await page.$$eval('[data-backdrop-batch="done"]', (els) => els.map((el) => el.id));
    expect(doneIds.length).toBeLessThan(15);

    // Results still in flight are dropped, and batch mode is off: an image added now stays as it is.
    await page.evaluate(() => {
      const img = Object.assign(document.createElement('img'), { id: 'after-cancel', src: '/fixtures/pytorchhub_dog.jpg?after', alt: '' });
      img.style.width = '200px';
      document.querySelector('[data-fold="above"]')!.prepend(img);
    });
    await new Promise((r) => setTimeout(r, 3000));
    expect(await page.$$eval('[data-backdrop-batch="done"]', (els) => els.map((el) => el.id))).toEqual(doneIds);
    expect(await page.$eval('#after-cancel', (el) => [el.getAttribute('src'), el.getAttribute('data-backdrop-batch')]))
      .toEqual(['/fixtures/pytorchhub_dog.jpg?after', null]);
    const now = await snapshot();
    for (const snap of originals.filter((s) => !doneIds.includes(s.id))) {
      expect(now.find((s) => s.id === snap.id), snap.id).toEqual(snap);
    }
    expect(await page.$$eval('[data-backdrop-batch]', (els) => els.filter((el) => el.getAttribute('data-backdrop-batch') !== 'done').length)).toBe(0);
    expect(await overlays()).toEqual([]);
    // The badge counts what finished before the cancel; nothing else is left in the batch.
    expect(new Set(doneIds.map((id) => (id === 'b2' ? 'a1' : id))).size).toBe(status.done);
    expect(await badge()).toBe(`${status.total}/${status.total}`);

    await command('batch-restore-all');
    await page.evaluate(() => document.getElementById('after-cancel')?.remove());
    expect(await snapshot()).toEqual(originals);
    expect(await badge()).toBe('');
  });
});
