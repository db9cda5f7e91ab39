/**
 * The right-click flow end to end: real Chromium, the built extension, the real models, fixture
 * photos served on 127.0.0.1 (one from a second origin), driven through the service worker's
 * registered context-menu handler.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Page } from 'puppeteer-core';
import { launchWithExtension, type ExtensionBrowser } from '../support/browser';
import { meanAbsDiff, readImagePixels } from '../support/pixels';
import { regions, stylizedDistance } from '../support/stylized';
import { viewFrameOf, viewPixels } from '../support/view';
import { startServer, type TestServer } from '../support/server';
import { makeJpeg } from '../support/images';
import { SPINNER_DELAY_MS } from '../../src/content/overlay';

let ext: ExtensionBrowser;
let site: TestServer;
let other: TestServer;
let page: Page;
/** A 3000×2000 photo made at run time (over the 1600² result limit), served as /big.jpg. */
let bigJpeg: Buffer | undefined;

const pageHtml = (otherOrigin: string) => `<!doctype html><meta charset="utf-8"><title>gallery</title>
<style>body { margin: 0; font: 14px sans-serif } img { display: block; margin: 8px }</style>
<img id="plain" src="/fixtures/pexels-jansel-ferma-3949761.jpg" style="width: 480px" alt="dancer">
<picture id="pic">
  <source srcset="/fixtures/pytorchhub_dog.jpg" media="(min-width: 1px)">
  <img id="picimg" src="/fixtures/pexels-elly-fairytale-3822220.jpg" style="width: 400px" alt="dog">
</picture>
<img id="dense" srcset="/fixtures/pexels-elly-fairytale-3822220.jpg 2x" alt="yoga">
<img id="cross" src="${otherOrigin}/fixtures/pytorchhub_deeplab1_person_sheep.png" style="width: 500px" alt="sheep">
<img id="missing" src="/broken/missing.jpg" width="200" height="150" alt="missing">
<img id="text" src="/broken/text.jpg" width="200" height="150" alt="text">
<img id="tiny" src="/broken/tiny.png" width="200" height="150" alt="tiny">`;

beforeAll(async () => {
  other = await startServer();
  site = await startServer(undefined, async (path) => {
    if (path === '/gallery.html') return { type: 'text/html; charset=utf-8', body: pageHtml(other.origin) };
    if (path === '/big.jpg' && bigJpeg) return { type: 'image/jpeg', body: bigJpeg };
    return undefined;
  });
  ext = await launchWithExtension();
  page = await ext.browser.newPage();
  await page.setViewport({ width: 1280, height: 900 });
  await page.goto(`${site.origin}/gallery.html`, { waitUntil: 'load' });
});

afterAll(async () => {
  await ext?.close();
  await site?.close();
  await other?.close();
});

const rectOf = (sel: string) => page.$eval(sel, (el) => {
  const r = el.getBoundingClientRect();
  return { width: r.width, height: r.height };
});
const attrs = (sel: string) => page.$eval(sel, (el) => ({
  src: el.getAttribute('src'), srcset: el.getAttribute('srcset'), stylized: el.hasAttribute('data-backdrop-stylized'),
  currentSrc: (el as HTMLImageElement).currentSrc,
}));
const overlayState = () => page.evaluate(() => {
  const host = document.querySelector('[data-backdrop-overlay]') as HTMLElement | null;
  return host ? { state: host.dataset.state, text: host.shadowRoot?.textContent ?? '' } : undefined;
});

/** The working overlay's words, and its spinner: computed opacity and where its animations are (null: still waiting). */
const spinnerState = () => page.evaluate(() => {
  const root = document.querySelector('[data-backdrop-overlay]')?.shadowRoot;
  const spinner = root?.querySelector('.spinner');
  if (!root || !spinner) return undefined;
  return {
    text: root.querySelector('.pill')?.textContent ?? '',
    opacity: Number(getComputedStyle(spinner).opacity),
    progress: spinner.getAnimations().map((a) => a.effect?.getComputedTiming().progress ?? null),
  };
});

async function stylize(sel: string) {
  const { currentSrc } = await attrs(sel);
  const t0 = performance.now();
  const outcome = await ext.click('stylize-background', page, currentSrc) as { ok: boolean; error?: { code: string } };
  const ms = performance.now() - t0;
  let timings: Record<string, number> | undefined;
  if (outcome.ok) {
    timings = await (await ext.offscreen()).evaluate(() => globalThis.backdropDebug.lastTimings());
    console.log(`${sel}: ${ms.toFixed(0)} ms end to end; stages ${JSON.stringify(timings, (_k, v) => (typeof v === 'number' ? Math.round(v) : v))}`);
  }
  return { outcome, ms, originalUrl: currentSrc, timings };
}

async function expectStylizedWell(sel: string, originalUrl: string, compareUrl = originalUrl) {
  const a = await attrs(sel);
  expect(a.stylized).toBe(true);
  expect(a.src).toMatch(/^blob:/);
  expect(a.srcset).toBeNull();
  const { shown, original, subject, background } = await stylizedDistance(ext, page, sel, compareUrl);
  expect([shown.width, shown.height]).toEqual([original.width, original.height]);
  console.log(`${sel}: subject MAD ${subject.mad.toFixed(2)} over ${subject.pixels} px, background MAD ${background.mad.toFixed(1)} over ${background.pixels} px`);
  expect(subject.pixels).toBeGreaterThan(1000);
  expect(background.pixels).toBeGreaterThan(1000);
  expect(subject.mad).toBeLessThanOrEqual(3);
  expect(background.mad).toBeGreaterThanOrEqual(20);
}

describe('Stylize background', () => {
  test('a plain <img>: progress shows, the image is swapped in place, subject kept, background painted; restore brings it back', async () => {
    const before = await rectOf('#plain');
    const original = await attrs('#plain');
    const running = stylize('#plain');
    await page.waitForFunction(() => document.querySelector('[data-backdrop-overlay]')?.getAttribute('data-state') === 'working', { timeout: 10_000 });
    // The words show at once; the spinner waits (hidden, still) in case the job is quick.
    const first = await spinnerState();
    expect(first?.text).toBe('Stylizing background…');
    expect(first?.opacity).toBe(0);
    expect(first?.progress).toEqual([null, null]);
    // This first job is cold (runtime and models load): past the delay, the spinner shows and turns.
    await page.waitForFunction((delay: number) => {
      const spinner = document.querySelector('[data-backdrop-overlay]')?.shadowRoot?.querySelector('.spinner');
      return !spinner || spinner.getAnimations().every((a) => Number(a.currentTime) >= delay + 100);
    }, { polling: 50, timeout: 30_000 }, SPINNER_DELAY_MS);
    const later = await spinnerState();
    if (later) expect(later.progress.every((p) => p !== null) && later.opacity > 0).toBe(true);
    else console.log('the cold job ended before the spinner showed');
    const { outcome, ms, originalUrl, timings } = await running;
    console.log(`cold stylization of the 1280² photo: ${ms.toFixed(0)} ms`);
    expect(outcome).toEqual({ ok: true });
    // Cold, the image was read while the runtime started: its fetch ended before the runtime's start did.
    const order = Object.keys(timings!);
    expect(order).toContain('runtime');
    expect(order.indexOf('fetch')).toBeGreaterThanOrEqual(0);
    expect(order.indexOf('fetch')).toBeLessThan(order.indexOf('runtime'));
    expect(await overlayState()).toBeUndefined();
    expect(await rectOf('#plain')).toEqual(before);
    await expectStylizedWell('#plain', originalUrl);

    const shown = (await attrs('#plain')).src!;
    expect(await ext.click('restore-original', page, shown)).toBe(true);
    await page.$eval('#plain', (img) => (img as HTMLImageElement).decode()); // the original reloads (no-store)
    const restored = await attrs('#plain');
    expect(restored).toEqual(original);
    const back = await readImagePixels(page, { selector: '#plain' });
    const orig = await readImagePixels(page, { url: originalUrl });
    expect(meanAbsDiff(back, orig).mad).toBe(0);

    // Warm: models loaded, style cached.
    const warm = await stylize('#plain');
    console.log(`warm stylization of the 1280² photo: ${warm.ms.toFixed(0)} ms`);
    expect(warm.outcome.ok).toBe(true);
    expect(Object.keys(warm.timings!)).not.toContain('runtime');
    expect(await ext.click('restore-original', page, (await attrs('#plain')).src!)).toBe(true);
  });

  test('<picture> with <source srcset>: the swap sticks and restore puts every candidate back', async () => {
    const before = await rectOf('#picimg');
    const sourceSrcset = () => page.$eval('#pic source', (s) => s.getAttribute('srcset'));
    const { outcome, originalUrl } = await stylize('#picimg');
    expect(originalUrl).toContain('pytorchhub_dog.jpg');
    expect(outcome.ok).toBe(true);
    expect(await sourceSrcset()).toBeNull();
    // A viewport change makes the browser re-run source selection: the result must stay.
    await page.setViewport({ width: 1000, height: 900 });
    await page.setViewport({ width: 1280, height: 900 });
    expect((await attrs('#picimg')).currentSrc).toMatch(/^blob:/);
    expect(await rectOf('#picimg')).toEqual(before);
    await expectStylizedWell('#picimg', originalUrl);
    expect(await ext.click('restore-original', page, (await attrs('#picimg')).src!)).toBe(true);
    expect(await sourceSrcset()).toBe('/fixtures/pytorchhub_dog.jpg');
    await page.waitForFunction(() => (document.querySelector('#picimg') as HTMLImageElement).currentSrc.endsWith('pytorchhub_dog.jpg'));
  });

  test('a density srcset (2x) keeps its rendered size after the swap', async () => {
    const before = await rectOf('#dense');
    expect(before.width).toBeCloseTo(426.5, 0);
    const { outcome, originalUrl } = await stylize('#dense');
    expect(outcome.ok).toBe(true);
    const after = await rectOf('#dense');
    expect(after.width).toBeCloseTo(before.width, 1);
    expect(after.height).toBeCloseTo(before.height, 1);
    await expectStylizedWell('#dense', originalUrl);
    expect(await ext.click('restore-original', page, (await attrs('#dense')).src!)).toBe(true);
    expect(await page.$eval('#dense', (el) => (el as HTMLElement).style.width)).toBe('');
    expect(await rectOf('#dense')).toEqual(before);
  });

  test('an image from a second origin is fetched by the extension itself', async () => {
    const { outcome, originalUrl } = await stylize('#cross');
    expect(originalUrl.startsWith(other.origin)).toBe(true);
    expect(outcome.ok).toBe(true);
    // The page cannot read the original (no CORS), so it is not handed the result either: the
    // image keeps its own src, and the result shows in an extension frame over it
    // (tests/e2e/opaque-results.test.ts tries the page's reads).
    const a = await attrs('#cross');
    expect(a.src).toBe(originalUrl);
    expect(await page.$eval('#cross', (el) => el.hasAttribute('data-backdrop-view'))).toBe(true);
    // What the frame shows is a good stylization; the test reads a CORS copy to compare.
    const shown = await viewPixels((await viewFrameOf(page, '#cross'))!);
    const original = await readImagePixels(page, { url: `${originalUrl}?cors=1` });
    const r = await regions(ext, `${originalUrl}?cors=1`);
    expect([shown.width, shown.height]).toEqual([original.width, original.height]);
    expect(meanAbsDiff(shown, original, r.subject).mad).toBeLessThanOrEqual(3);
    expect(meanAbsDiff(shown, original, r.background).mad).toBeGreaterThanOrEqual(20);
  });

  test.each([
    ['#missing', 'not-found', /not found/i],
    ['#text', 'not-image', /not an image/i],
    ['#tiny', 'too-small', /too small/i],
  ])('bad input %s shows "%s" on the image and leaves the original', async (sel, code, words) => {
    const before = await attrs(sel);
    const { outcome } = await stylize(sel);
    expect(outcome.ok).toBe(false);
    expect(outcome.error?.code).toBe(code);
    const overlay = await overlayState();
    expect(overlay?.state).toBe('error');
    expect(overlay?.text).toMatch(words);
    expect(await attrs(sel)).toEqual(before);
    // Dismissable.
    await page.evaluate(() => ((document.querySelector('[data-backdrop-overlay]') as HTMLElement).shadowRoot!.querySelector('button') as HTMLButtonElement).click());
    expect(await overlayState()).toBeUndefined();
    // The failed job's result port is closed, not left open in the offscreen document.
    const off = await ext.offscreen();
    await off.waitForFunction(() => globalThis.backdropDebug.openResultPorts() === 0, { timeout: 5_000 });
  });

  test('an image gone from the page: the job that started at once is cancelled before the transfer runs', async () => {
    const off = await ext.startOffscreen();
    const runs = () => off.evaluate(() => globalThis.backdropDebug.modelRuns());
    const before = await runs();
    const t0 = performance.now();
    const outcome = await ext.click('stylize-background', page, `${site.origin}/fixtures/pytorchhub_dog.jpg?gone`) as { ok: boolean; error?: { code: string } };
    expect(outcome.ok).toBe(false);
    expect(outcome.error?.code).toBe('no-target');
    // The next job is not held up by a cancelled one waiting for its page (up to 5 s).
    const next = await stylize('#plain');
    expect(next.outcome.ok).toBe(true);
    expect(performance.now() - t0).toBeLessThan(4_000);
    const after = await runs();
    expect(after.transfer - before.transfer).toBe(1); // the good image's only
    expect(await off.evaluate(() => globalThis.backdropDebug.openResultPorts())).toBe(0);
    expect(await ext.click('restore-original', page, (await attrs('#plain')).src!)).toBe(true);
    await page.$eval('#plain', (img) => (img as HTMLImageElement).decode());
  });

  test('a page that shows another picture in a stylized <img> has taken it back', async () => {
    await page.$eval('#plain', (img) => (img as HTMLImageElement).decode()); // restored just before (no-store)
    const { outcome } = await stylize('#plain');
    expect(outcome.ok).toBe(true);
    const other = `${site.origin}/fixtures/pexels-elly-fairytale-3822220.jpg`;
    await page.$eval('#plain', (img, u) => { (img as HTMLImageElement).src = u; }, other);
    await page.waitForFunction((u) => (document.querySelector('#plain') as HTMLImageElement).currentSrc === u
      && (document.querySelector('#plain') as HTMLImageElement).complete, {}, other);
    // Restore leaves the page's own picture alone.
    expect(await ext.click('restore-original', page, other)).toBe(false);
    expect((await attrs('#plain')).src).toBe(other);
    // Stylizing now paints the new picture, not the one stylized before.
    const again = await stylize('#plain');
    expect(again.outcome.ok).toBe(true);
    expect(again.originalUrl).toBe(other);
    await expectStylizedWell('#plain', other);
    expect(await ext.click('restore-original', page, (await attrs('#plain')).src!)).toBe(true);
    expect((await attrs('#plain')).src).toBe(other);
  });

  test('a photo over 1600² is processed at that many pixels, and the image says so', async () => {
    bigJpeg = await makeJpeg(page, { fixture: 'pexels-jansel-ferma-3949761.jpg', width: 3000, height: 2000 });
    await page.evaluate(() => {
      const img = document.createElement('img');
      img.id = 'big';
      img.style.width = '600px';
      img.src = '/big.jpg';
      document.body.append(img);
      return img.decode();
    });
    const before = await rectOf('#big');
    const { outcome } = await stylize('#big');
    expect(outcome.ok).toBe(true);
    // 3000×2000 scaled by √(1600² / 6 MP): the long side 1959, the aspect kept.
    expect(await page.$eval('#big', (img) => [(img as HTMLImageElement).naturalWidth, (img as HTMLImageElement).naturalHeight])).toEqual([1959, 1306]);
    expect(await rectOf('#big')).toEqual(before);
    const overlay = await overlayState();
    expect(overlay?.state).toBe('note');
    expect(overlay?.text).toContain('Processed at 1959×1306 (the original is 3000×2000)');
    expect(await ext.click('restore-original', page, (await attrs('#big')).src!)).toBe(true);
    await page.evaluate(() => document.getElementById('big')!.remove());
  });

  test('a good image still stylizes after failures', async () => {
    await stylize('#missing');
    const { outcome, originalUrl } = await stylize('#plain');
    expect(outcome.ok).toBe(true);
    await expectStylizedWell('#plain', originalUrl);
  });
});
