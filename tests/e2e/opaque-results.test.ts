/**
 * A page never gains what it could not read (issue 16): an adversarial page on one origin shows
 * images of another site that sends no CORS headers, and tries every read a page script has —
 * canvas, fetch of every URL it can find in the DOM, in computed styles and in performance entries
 * — before and after Backdrop stylizes them: right-click, live restyle, restore, batch (<img> and
 * CSS background) and restore all. Each read must fail after as it did before, while the person
 * sees the result in place.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Page } from 'puppeteer-core';
import { launchWithExtension, type ExtensionBrowser } from '../support/browser';
import { startServer, type TestServer } from '../support/server';
import { meanAbsDiff, readImagePixels, type Rgba } from '../support/pixels';
import { regions } from '../support/stylized';
import { viewFrameOf, viewPixels } from '../support/view';

let ext: ExtensionBrowser;
let site: TestServer;
let other: TestServer;
/** The other server as a second site: localhost, not 127.0.0.1. */
let otherOrigin: string;
let page: Page;
/** A page of the test's own, on the other site, to read originals through CORS. */
let helper: Page;
let tabId: number;

const PHOTO = '/fixtures/pexels-jansel-ferma-3949761.jpg';
const DOG = '/fixtures/pytorchhub_dog.jpg';
const SHEEP = '/fixtures/pytorchhub_deeplab1_person_sheep.png';

const html = (o: string) => `<!doctype html><meta charset="utf-8"><title>adversary</title>
<style>body { margin: 0 } .row { display: flex; gap: 8px; padding: 8px } #bg { width: 360px; height: 270px; background-size: cover; background-position: center }</style>
<div class="row">
  <img id="cross" src="${o}${PHOTO}" style="width: 360px" alt="">
  <div id="bg" style="background-image: url('${o}${DOG}')"></div>
  <img id="sheep" src="${o}${SHEEP}" style="width: 300px" alt="">
</div>`;

/**
 * Everything a page script can try to read the pixels shown for `selector`. Runs in the page's own
 * world. `canvas`: what drawing the element (or its background's URL) into a canvas gave.
 * `readable`: the URLs, found anywhere the page can look, whose fetch returned image bytes.
 */
async function attack(selector: string) {
  return page.evaluate(async (selector) => {
    const isImage = (b: Uint8Array) => (b[0] === 0xff && b[1] === 0xd8) || (b[0] === 0x89 && b[1] === 0x50)
      || (b[0] === 0x42 && b[1] === 0x4d) || (b[0] === 0x47 && b[1] === 0x49) || (b[0] === 0x52 && b[1] === 0x49);
    const el = document.querySelector(selector)!;
    const c = document.createElement('canvas');
    c.width = c.height = 16;
    const ctx = c.getContext('2d')!;
    let canvas = 'no image';
    const tryRead = () => {
      try {
        ctx.getImageData(0, 0, 1, 1);
        c.toDataURL();
        return 'READ';
      } catch (e) {
        return (e as Error).name;
      }
    };
    if (el instanceof HTMLImageElement) {
      await el.decode().catch(() => {});
      ctx.drawImage(el, 0, 0, 16, 16);
      canvas = tryRead();
    } else {
      const m = /url\("?([^")]+)"?\)/.exec(getComputedStyle(el).backgroundImage);
      if (m) {
        const img = new Image();
        img.src = m[1];
        await img.decode().catch(() => {});
        ctx.drawImage(img, 0, 0, 16, 16);
        canvas = tryRead();
      }
    }
    // Every URL the page can find: attributes of every element (frames included), inline and
    // computed styles, and the resource timing entries.
    const urls = new Set<string>();
    const addFrom = (text: string | null) => {
      if (!text) return;
      for (const m of text.matchAll(/(?:https?|blob|data|chrome-extension):[^\s"')]+/g)) urls.add(m[0]);
    };
    for (const e of document.querySelectorAll('*')) {
      for (const a of e.getAttributeNames()) addFrom(e.getAttribute(a));
      const cs = getComputedStyle(e);
      addFrom(cs.backgroundImage);
      addFrom(cs.content);
      addFrom(cs.listStyleImage);
      addFrom(cs.maskImage);
      addFrom(cs.borderImageSource);
      if (e instanceof HTMLImageElement) addFrom(e.currentSrc);
      if (e instanceof HTMLIFrameElement) addFrom(e.src);
    }
    for (const entry of performance.getEntries()) addFrom(entry.name);
    const readable: string[] = [];
    for (const url of urls) {
      if (url.startsWith(location.origin)) continue; // the page's own files
      for (const mode of ['cors', 'no-cors'] as RequestMode[]) {
        try {
          // (A time limit: refused reads can keep a connection of the test server busy for a while.)
          const res = await fetch(url, { mode, signal: AbortSignal.timeout(5000) });
          const body = new Uint8Array(await res.arrayBuffer());
          if (body.length && isImage(body)) readable.push(`${mode} ${url}`);
        } catch { /* refused: as it should be */ }
      }
      try {
        const xhr = await new Promise<Uint8Array>((resolve, reject) => {
          const x = new XMLHttpRequest();
          x.open('GET', url);
          x.responseType = 'arraybuffer';
          x.timeout = 5000;
          x.ontimeout = () => reject(new Error('timed out'));
          x.onload = () => resolve(new Uint8Array(x.response as ArrayBuffer));
          x.onerror = () => reject(new Error('refused'));
          x.send();
        });
        if (xhr.length && isImage(xhr)) readable.push(`xhr ${url}`);
      } catch { /* refused */ }
    }
    return { canvas, readable, urls: [...urls] };
  }, selector);
}

const boxes = (selector: string) => page.evaluate((sel) => {
  const el = document.querySelector(sel)!;
  const next = el instanceof HTMLImageElement ? el.nextElementSibling : el.firstElementChild;
  const r = el.getBoundingClientRect();
  const f = next instanceof HTMLIFrameElement ? next.getBoundingClientRect() : undefined;
  return { el: { x: r.x, y: r.y, w: r.width, h: r.height }, frame: f && { x: f.x, y: f.y, w: f.width, h: f.height } };
}, selector);

/** A screenshot of the element's box, as RGBA (what the person sees there). */
async function seen(selector: string): Promise<Rgba> {
  const { el } = await boxes(selector);
  const png = await page.screenshot({ clip: { x: el.x, y: el.y, width: el.w, height: el.h }, encoding: 'base64' });
  return readImagePixels(helper, { url: `data:image/png;base64,${png}` });
}

/** A message from an extension page (the popup's sender), as the popup sends it. */
async function fromPopup(msg: Record<string, unknown>) {
  const popup = await ext.openPage(`/popup.html?tab=${tabId}`);
  const reply = await popup.evaluate((m) => globalThis.chrome.runtime.sendMessage(m), msg);
  await popup.close();
  await page.bringToFront();
  return reply;
}

const stylizedState = (selector: string) => page.$eval(selector, (el) => ({
  view: el.hasAttribute('data-backdrop-view'),
  src: el.getAttribute('src'),
  style: el.getAttribute('style'),
  frames: document.querySelectorAll('iframe[data-backdrop-view-frame]').length,
}));

const expectOpaque = async (selector: string) => {
  const a = await attack(selector);
  // Both at once, so a failure shows every read that succeeded.
  expect({ canvas: a.canvas, readable: a.readable }, `the page's reads of ${selector}`).toEqual({ canvas: 'SecurityError', readable: [] });
  return a;
};

beforeAll(async () => {
  other = await startServer();
  otherOrigin = other.origin.replace('127.0.0.1', 'localhost');
  site = await startServer(undefined, async (p) => (p === '/adversary.html' ? { type: 'text/html; charset=utf-8', body: html(otherOrigin) } : undefined));
  ext = await launchWithExtension();
  page = await ext.browser.newPage();
  await page.setViewport({ width: 1280, height: 800 });
  await page.goto(`${site.origin}/adversary.html`, { waitUntil: 'load' });
  tabId = await ext.tabId(page);
  helper = await ext.browser.newPage();
  await helper.goto(`${other.origin}/blank.html`);
  await page.bringToFront();
});

afterAll(async () => {
  await ext?.close();
  await site?.close();
  await other?.close();
});

describe('results of images the page cannot read stay opaque to it', () => {
  test('before anything, the page cannot read the other site’s images', async () => {
    await expectOpaque('#cross');
    await expectOpaque('#bg');
  });

  test('right-click: the person sees the stylized image in place; the page reads nothing', async () => {
    const before = await seen('#cross');
    const src = await page.$eval('#cross', (el) => (el as HTMLImageElement).currentSrc);
    expect(await ext.click('stylize-background', page, src)).toMatchObject({ ok: true });
    await expectOpaque('#cross');

    const state = await stylizedState('#cross');
    expect(state).toMatchObject({ view: true, src: `${otherOrigin}${PHOTO}`, frames: 1 });
    // The frame covers the image exactly.
    const b = await boxes('#cross');
    expect(b.frame).toBeDefined();
    for (const k of ['x', 'y', 'w', 'h'] as const) expect(Math.abs(b.frame![k] - b.el[k])).toBeLessThan(1);

    // What the frame shows is the stylized image: the background painted, the subject kept.
    const frame = (await viewFrameOf(page, '#cross'))!;
    const result = await viewPixels(frame);
    // (Read in a page of its own: the adversary's page must not hold the test's own CORS copy.)
    const original = await readImagePixels(helper, { url: `${other.origin}${PHOTO}?cors=1` });
    const r = await regions(ext, `${other.origin}${PHOTO}?cors=1`);
    expect(result.width).toBe(original.width);
    expect(meanAbsDiff(result, original, r.background).mad).toBeGreaterThan(20);
    expect(meanAbsDiff(result, original, r.subject).mad).toBeLessThanOrEqual(3);
    // And it is what the person sees where the image is.
    const after = await seen('#cross');
    expect(meanAbsDiff(after, before).mad).toBeGreaterThan(10);
  });

  test('save still saves the result, and the page reads nothing more; a live restyle stays opaque', async () => {
    const src = `${otherOrigin}${PHOTO}`;
    const saved = await ext.click('save-stylized', page, src) as { ok: boolean; filename?: string };
    // Rendered again at the original's size from the original the page cannot read: to disk only,
    // so the page reads no more than before.
    expect(saved).toMatchObject({ ok: true, width: 1280, height: 1280 });
    await expectOpaque('#cross');

    const frame = (await viewFrameOf(page, '#cross'))!;
    const first = await viewPixels(frame);
    await (await ext.worker()).evaluate(async () => {
      const { settings } = await globalThis.chrome.storage.local.get('settings');
      await globalThis.chrome.storage.local.set({ settings: { ...settings, styleId: 'builtin:style12' } });
    });
    expect(await fromPopup({ to: 'background', type: 'restyle-tab', tabId })).toBe(1);
    const restyled = await viewPixels((await viewFrameOf(page, '#cross'))!);
    expect(meanAbsDiff(restyled, first).mad).toBeGreaterThan(5);
    expect((await stylizedState('#cross')).frames).toBe(1);
    await expectOpaque('#cross');
  });

  test('restore: the original is back, no frame left, and the page still reads nothing', async () => {
    const src = `${otherOrigin}${PHOTO}`;
    expect(await ext.click('restore-original', page, src)).toBe(true);
    expect(await stylizedState('#cross')).toMatchObject({ view: false, src, frames: 0 });
    await expectOpaque('#cross');
  });

  test('batch (<img> and CSS background), then restore all: opaque throughout', async () => {
    const bgStyle = await page.$eval('#bg', (el) => el.getAttribute('style'));
    const started = await (await ext.worker()).evaluate(
      (id) => globalThis.backdrop.handleBatchCommand({ to: 'background', type: 'batch-start', tabId: id }), tabId,
    ) as { total: number };
    expect(started.total).toBe(3);
    await page.waitForFunction(() => ['cross', 'bg', 'sheep'].every((id) => document.getElementById(id)?.getAttribute('data-backdrop-batch') === 'done'),
      // (Polled on a timer: animation frames stop while the popup's page has the focus.)
      { timeout: 90_000, polling: 250 });
    await expectOpaque('#cross');
    await expectOpaque('#bg');
    await expectOpaque('#sheep');
    expect((await stylizedState('#bg')).view).toBe(true);
    const bgFrame = await viewFrameOf(page, '#bg');
    expect(bgFrame).toBeDefined();
    const b = await boxes('#bg');
    for (const k of ['x', 'y', 'w', 'h'] as const) expect(Math.abs(b.frame![k] - b.el[k])).toBeLessThan(1);

    // As the popup's Restore all does it.
    await fromPopup({ to: 'background', type: 'restore-page', tabId });
    await fromPopup({ to: 'background', type: 'batch-restore-all', tabId });
    expect(await page.$$eval('iframe[data-backdrop-view-frame]', (f) => f.length)).toBe(0);
    expect(await page.$eval('#bg', (el) => el.getAttribute('style'))).toBe(bgStyle);
    await expectOpaque('#cross');
    await expectOpaque('#bg');
  });
});
