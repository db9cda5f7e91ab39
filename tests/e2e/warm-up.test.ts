/**
 * A right-click over an image starts the engine while the menu is open: by the time "Stylize
 * background" is chosen, the offscreen document, the compiled models and the style's bottleneck
 * are ready.
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Page } from 'puppeteer-core';
import { launchWithExtension, type ExtensionBrowser } from '../support/browser';
import { startServer, type TestServer } from '../support/server';
import type { StylizeOptions } from '../../src/messaging/protocol';
import { DEFAULT_STYLE_ID } from '../../src/styles/builtins';
import { ALL_OBJECTS } from '../../src/inference/mask';

let ext: ExtensionBrowser;
let site: TestServer;
let page: Page;
const PHOTO = '/fixtures/pexels-jansel-ferma-3949761.jpg';
/** The options of the jobs these tests send from the service worker. */
const JOB_OPTIONS: StylizeOptions = {
  styleId: DEFAULT_STYLE_ID, mixRatio: 0.5, strength: 1, subject: [...ALL_OBJECTS], invert: false, transferModel: 'fp16', threads: 0,
};

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

test('right-clicking an image warms the engine and segments the image; the chosen stylization then runs only the transfer', async () => {
  const hasOffscreen = () => ext.browser.targets().some((t) => t.url().endsWith('/offscreen.html'));
  expect(hasOffscreen()).toBe(false);

  await page.click('#photo', { button: 'right' });
  const off = await ext.offscreen();
  // Warm when the right-clicked image is segmented: after the warm-up, whose last step puts the
  // default style's bottleneck in the library.
  await off.waitForFunction(async () => (await globalThis.backdropDebug.info()).readAhead?.segmented, { timeout: 30_000, polling: 100 });
  expect((await off.evaluate(() => globalThis.backdropDebug.library())).styles.length).toBeGreaterThan(0);
  const warmed = await off.evaluate(() => globalThis.backdropDebug.info());
  expect(warmed.plan).toBeDefined();
  expect(warmed.modelRuns).toEqual({ segmentation: 1, prediction: 1, transfer: 0 }); // the photo's segmentation
  expect(warmed.warmUpRuns).toEqual({ segmentation: 1, transfer: 1 }); // one trial run each, on zeros

  const src = await page.$eval('#photo', (img) => (img as HTMLImageElement).currentSrc);
  const t0 = performance.now();
  expect(await ext.click('stylize-background', page, src)).toEqual({ ok: true });
  const ms = performance.now() - t0;
  const after = await off.evaluate(() => globalThis.backdropDebug.info());
  const timings = await off.evaluate(() => globalThis.backdropDebug.lastTimings());
  console.log(`first stylization after a right-click warm-up: ${ms.toFixed(0)} ms; stages ${JSON.stringify(timings, (_k, v) => (typeof v === 'number' ? Math.round(v) : v))}`);
  expect(after.modelRuns).toEqual({ segmentation: 1, prediction: 1, transfer: 1 });
  expect(Object.keys(timings)).not.toContain('segmentation');
  expect(Object.keys(timings)).not.toContain('mask'); // made ahead too, for the settings of the right-click
});

test('a job that comes while the warm-up starts the engine does not wait behind its trial runs: its own first runs set the models up', async () => {
  const fresh = await launchWithExtension();
  try {
    const worker = await fresh.worker();
    // Both messages leave the service worker in one turn, in this order: the job is queued while the
    // warm-up loads the runtime, whatever the load on the machine (a right-click and a menu choice
    // could come in either order, or late).
    const replies = await worker.evaluate(async (options, url) => {
      await globalThis.backdrop.ensureOffscreen();
      const send = (msg: object) => globalThis.backdrop.sendFromBackground(msg);
      return Promise.all([
        send({ to: 'offscreen', type: 'warm', options }),
        send({ to: 'offscreen', type: 'stylize', jobId: 'warm-then-job', source: { kind: 'url', url }, options }),
      ]);
    }, JOB_OPTIONS, `${site.origin}${PHOTO}?v=queued`) as [{ ok: boolean }, { ok: boolean; result?: { dataUrl?: string } }];
    expect(replies[0].ok).toBe(true);
    expect(replies[1].ok).toBe(true);
    expect(replies[1].result?.dataUrl).toMatch(/^data:image\/bmp;base64,/);
    const info = await (await fresh.offscreen()).evaluate(() => globalThis.backdropDebug.info());
    expect(info.warms).toBe(1);
    // No trial run on zeros: the job's own first runs were the warm-up.
    expect(info.warmUpRuns).toEqual({ segmentation: 0, transfer: 0 });
    expect(info.modelRuns).toEqual({ segmentation: 1, prediction: 1, transfer: 1 });
  } finally {
    await fresh.close();
  }
});

test('a page cannot fake the right-click: an untrusted contextmenu event reads nothing ahead', async () => {
  const page2 = await ext.browser.newPage();
  try {
    await page2.goto(`${site.origin}/warm.html`, { waitUntil: 'load' });
    // An image no job has prepared yet: a real right-click on it would read it ahead.
    await page2.$eval('#photo', (img) => { (img as HTMLImageElement).src += '?v=synthetic'; });
    await page2.waitForFunction(() => { const img = document.getElementById('photo') as HTMLImageElement; return img.currentSrc.endsWith('?v=synthetic') && img.complete && img.naturalWidth > 0; });
    const off = await ext.offscreen();
    const before = site.hits.get(PHOTO) ?? 0;
    await page2.$eval('#photo', (img) => img.dispatchEvent(new MouseEvent('contextmenu', { bubbles: true, cancelable: true })));
    await new Promise((r) => setTimeout(r, 1000));
    expect(site.hits.get(PHOTO)).toBe(before);
    expect((await off.evaluate(() => globalThis.backdropDebug.info())).readAhead).toBeUndefined();
  } finally {
    await page2.close();
  }
});

test('the right-clicked image is read and segmented while the menu is open: the job fetches, segments and masks nothing, and paints the same picture', async () => {
  const off = await ext.offscreen();
  const info = () => off.evaluate(() => globalThis.backdropDebug.info());
  /** The bytes the page shows for #photo (the result's blob: URL), as a short digest. */
  const shownDigest = () => page.$eval('#photo', async (img) => {
    const bytes = await (await fetch((img as HTMLImageElement).src)).arrayBuffer();
    return Array.from(new Uint8Array(await crypto.subtle.digest('SHA-256', bytes)).slice(0, 8)).join('.');
  });
  const stylizeVariant = async (variant: string, rightClick: boolean) => {
    await page.$eval('#photo', (img, v) => { (img as HTMLImageElement).src = `/fixtures/pexels-jansel-ferma-3949761.jpg?v=${v}`; }, variant);
    await page.waitForFunction(() => { const img = document.getElementById('photo') as HTMLImageElement; return img.complete && img.naturalWidth > 0; });
    const src = await page.$eval('#photo', (img) => (img as HTMLImageElement).currentSrc);
    const hits = site.hits.get(PHOTO)!;
    if (rightClick) {
      await page.click('#photo', { button: 'right' });
      // This image's read-ahead, done and segmented (not an earlier one's).
      await off.waitForFunction((src) => globalThis.backdropDebug.info().then((i) => i.readAhead?.key === src && i.readAhead.segmented), { polling: 20, timeout: 15_000 }, src);
      expect(site.hits.get(PHOTO)).toBe(hits + 1); // read once, ahead
    }
    const segmentations = (await info()).modelRuns.segmentation;
    expect(await ext.click('stylize-background', page, src)).toEqual({ ok: true });
    expect(site.hits.get(PHOTO)).toBe(hits + 1); // and never again for the job
    const timings = await off.evaluate(() => globalThis.backdropDebug.lastTimings());
    return { timings, digest: await shownDigest(), jobSegmentations: (await info()).modelRuns.segmentation - segmentations };
  };

  const ahead = await stylizeVariant('ahead', true);
  expect(Object.keys(ahead.timings)).toContain('read-ahead');
  expect(Object.keys(ahead.timings)).not.toContain('fetch');
  expect(Object.keys(ahead.timings)).not.toContain('segmentation');
  expect(ahead.jobSegmentations).toBe(0); // segmented while the menu was open
  expect(Object.keys(ahead.timings)).not.toContain('mask'); // and its keep-mask made
  expect((await info()).readAhead).toBeUndefined(); // taken by the job

  const plain = await stylizeVariant('plain', false);
  expect(Object.keys(plain.timings)).toContain('fetch');
  expect(plain.jobSegmentations).toBe(1);
  expect(Object.keys(plain.timings)).toContain('mask');
  expect(ahead.digest).toBe(plain.digest);
});

test('a job queued behind another reads its image while it waits, and paints the same picture as the one before', async () => {
  const worker = await ext.worker();
  /** Stylize jobs for `urls`, sent from the service worker in one turn: each after the first waits while the one before runs. */
  const sendJobs = (urls: string[]) => worker.evaluate(async (options, urls) => {
    await globalThis.backdrop.ensureOffscreen();
    const send = (url: string) => globalThis.backdrop.sendFromBackground({ to: 'offscreen', type: 'stylize', jobId: crypto.randomUUID(), source: { kind: 'url', url }, options });
    return Promise.all(urls.map(send));
  }, JOB_OPTIONS, urls) as Promise<{ ok: boolean; result?: { dataUrl?: string }; error?: unknown }[]>;
  const replies = await sendJobs([`${site.origin}${PHOTO}?v=first`, `${site.origin}${PHOTO}?v=second`]);
  expect(replies.map((r) => r.ok)).toEqual([true, true]);
  const second = await (await ext.offscreen()).evaluate(() => globalThis.backdropDebug.lastTimings());
  expect(Object.keys(second)).toContain('read-ahead'); // read before its turn: what was left of it
  expect(Object.keys(second)).not.toContain('fetch');
  expect(replies[1].result?.dataUrl).toBe(replies[0].result?.dataUrl);

  // A waiting job whose early reading fails reports what a job alone reports for the same image.
  const [, queuedMissing] = await sendJobs([`${site.origin}${PHOTO}?v=third`, `${site.origin}/fixtures/missing.jpg`]);
  const [alone] = await sendJobs([`${site.origin}/fixtures/missing.jpg`]);
  expect(alone.ok).toBe(false);
  expect(queuedMissing).toEqual(alone);
});

test('a stylized image (a blob: result) is not read ahead: its restyle starts from its prepared original', async () => {
  const off = await ext.offscreen();
  const info = () => off.evaluate(() => globalThis.backdropDebug.info());
  expect(await page.$eval('#photo', (img) => img.hasAttribute('data-backdrop-stylized'))).toBe(true);
  expect(await page.$eval('#photo', (img) => (img as HTMLImageElement).currentSrc)).toMatch(/^blob:/);
  const before = await info();
  expect(before.readAheadLast).toMatch(/^http:/); // the photo read ahead by the test before
  await page.click('#photo', { button: 'right' });
  // The right-click reached the extension: it warmed the engine, and read nothing ahead.
  await off.waitForFunction((n) => globalThis.backdropDebug.info().then((i) => i.warms > n), { polling: 20, timeout: 15_000 }, before.warms);
  await new Promise((r) => setTimeout(r, 300));
  const after = await info();
  expect(after.readAheadLast).toBe(before.readAheadLast);
  expect(after.readAhead).toBeUndefined();
});
