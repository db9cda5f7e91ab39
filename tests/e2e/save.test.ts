/**
 * "Save stylized image" at the original's own size, end to end with the real models: a 4000×3000
 * photo (a fixture photo upscaled at run time: no fixture is that large) is shown in the page at the
 * result's cap (1600² pixels), and saved at 4000×3000, the subject's pixels the original file's own.
 * When the original can no longer be read, the result as shown is saved and the image says why.
 */
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Page } from 'puppeteer-core';
import { launchWithExtension, type ExtensionBrowser } from '../support/browser';
import { callDebug, type BackdropDebug } from '../support/debug';
import { makeJpeg } from '../support/images';
import { erode } from '../support/pixels';
import { startServer, type TestServer } from '../support/server';
import { MAX_PIXELS } from '../../src/messaging/protocol';

const W = 4000;
const H = 3000;

let ext: ExtensionBrowser;
let site: TestServer;
let page: Page;
/** A page of the test's own, on the same server, where the files are decoded and compared. */
let helper: Page;
let bigJpeg: Buffer | undefined;
/** The server answers 404 for the photo from now on (it was deleted). */
let gone = false;
/** Every file the saves wrote (in the harness's downloads folder): the last one served as /saved.png, the first as /first-saved.png. */
const written: string[] = [];

const html = `<!doctype html><meta charset="utf-8"><title>save</title>
<style>body { margin: 0 } img { display: block; margin: 8px }</style>
<img id="big" src="/big.jpg" style="width: 600px" alt="dancer">`;

beforeAll(async () => {
  site = await startServer(undefined, async (path) => {
    if (path === '/save.html') return { type: 'text/html; charset=utf-8', body: html };
    if (path === '/blank.html') return { type: 'text/html; charset=utf-8', body: '<!doctype html><title>helper</title>' };
    if (path === '/big.jpg' && bigJpeg && !gone) return { type: 'image/jpeg', body: bigJpeg };
    if (path === '/big.jpg') return { type: 'text/plain', body: 'not found', status: 404 };
    if (path === '/saved.png') return { type: 'image/png', body: await readFile(written.at(-1)!) };
    if (path === '/first-saved.png') return { type: 'image/png', body: await readFile(written[0]) };
    return undefined;
  });
  ext = await launchWithExtension();
  helper = await ext.browser.newPage();
  await helper.goto(`${site.origin}/blank.html`);
  bigJpeg = await makeJpeg(helper, { fixture: 'pexels-jansel-ferma-3949761.jpg', width: W, height: H });
  page = await ext.browser.newPage();
  await page.goto(`${site.origin}/save.html`, { waitUntil: 'load' });
  await page.$eval('#big', (img) => (img as HTMLImageElement).decode());
});

afterAll(async () => {
  await ext?.close();
  await site?.close();
});

const debug = async <K extends keyof BackdropDebug>(name: K, ...args: Parameters<BackdropDebug[K]>) => callDebug(await ext.offscreen(), name, ...args);
const currentSrc = () => page.$eval('#big', (img) => (img as HTMLImageElement).currentSrc);
const overlayState = () => page.evaluate(() => {
  const host = document.querySelector('[data-backdrop-overlay]') as HTMLElement | null;
  return host ? { state: host.dataset.state, text: host.shadowRoot?.textContent ?? '' } : undefined;
});
const shownState = () => page.$eval('#big', (img) => {
  const i = img as HTMLImageElement;
  return { stylized: i.hasAttribute('data-backdrop-stylized'), src: i.getAttribute('src'), width: i.naturalWidth, height: i.naturalHeight, complete: i.complete };
});

/** Saves #big with the menu: the reply, and the PNG written (found through the downloads API). */
async function save() {
  await page.bringToFront();
  const t0 = performance.now();
  const reply = await ext.click('save-stylized', page, await currentSrc()) as Record<string, unknown> & { ok: boolean; filename: string; downloadId: number };
  const ms = performance.now() - t0;
  expect(reply.ok).toBe(true);
  // The worker answers once the download has ended.
  const item = await (await ext.worker()).evaluate(async (id) => {
    const [d] = await globalThis.chrome.downloads.search({ id });
    return d && { filename: d.filename, state: d.state };
  }, reply.downloadId);
  expect(item?.state).toBe('complete');
  expect(existsSync(item!.filename)).toBe(true);
  written.push(item!.filename);
  return { reply, ms, png: readFileSync(item!.filename) };
}

/** A PNG's size from its header (IHDR, the first chunk). */
function pngSize(png: Buffer) {
  expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
  expect(png.subarray(12, 16).toString('latin1')).toBe('IHDR');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

describe('Save stylized image', () => {
  test('Save writes native size: 4000×3000, the subject pixel for pixel the original\'s, the background painted', async () => {
    const stylized = await ext.click('stylize-background', page, await currentSrc()) as { ok: boolean };
    expect(stylized.ok).toBe(true);
    // The page shows the result at the result's cap, and says so.
    const shown = await shownState();
    expect(shown.stylized).toBe(true);
    expect(shown.width * shown.height).toBeLessThanOrEqual(MAX_PIXELS);
    expect(shown.width).toBeLessThan(W);
    expect(Math.abs(shown.width / shown.height - W / H)).toBeLessThan(0.01);
    expect((await overlayState())?.text).toContain(`(the original is ${W}×${H})`);

    const { reply, ms, png } = await save();
    expect(reply).toMatchObject({ ok: true, width: W, height: H });
    expect(reply.downscaledFrom).toBeUndefined();
    expect(reply.asShown).toBeUndefined();
    // (In Chromium, DevTools' download behaviour names the file on disk itself: the name is checked here.)
    expect(reply.filename).toMatch(/^big-.+\.png$/);
    expect(pngSize(png)).toEqual({ width: W, height: H });
    const saves = await debug('saves');
    console.log(`save of ${W}×${H}: ${ms.toFixed(0)} ms in all, ${(png.length / 1e6).toFixed(1)} MB; stages ${JSON.stringify(saves.last?.timings, (_k, v) => (typeof v === 'number' ? Math.round(v) : v))}`);
    expect(saves.last?.repainted).toBe(false);
    // The file is let go once downloaded.
    expect(saves.files).toBe(0);

    // Where the job's keep-mask is 255 with a margin (two of its cells each way, so that its
    // stretching to full size is 255 too), the saved pixels are the original file's exactly; where it
    // is 0 with the same margin, they are painted.
    const keep = await debug('saveKeep');
    const alpha = new Uint8Array(Buffer.from(keep.alpha, 'base64'));
    const subject = erode(alpha, keep.width, keep.height, 2, (a) => a === 255);
    const background = erode(alpha, keep.width, keep.height, 2, (a) => a === 0);
    const cmp = await helper.evaluate(async (grid) => {
      const pixels = async (url: string) => {
        const img = new Image();
        img.src = url;
        await img.decode();
        const c = new OffscreenCanvas(img.naturalWidth, img.naturalHeight);
        const ctx = c.getContext('2d')!;
        ctx.drawImage(img, 0, 0);
        return { width: c.width, height: c.height, data: ctx.getImageData(0, 0, c.width, c.height).data };
      };
      const original = await pixels('/big.jpg');
      const saved = await pixels('/saved.png');
      if (saved.width !== original.width || saved.height !== original.height) throw new Error('sizes differ');
      const { width, height } = original;
      let subject = 0, exact = 0, background = 0, differing = 0, sum = 0;
      for (let y = 0; y < height; y++) {
        const gy = Math.floor((y * grid.h) / height);
        for (let x = 0; x < width; x++) {
          const g = gy * grid.w + Math.floor((x * grid.w) / width);
          const i = (y * width + x) * 4;
          const a = original.data, b = saved.data;
          if (grid.subject[g]) {
            subject++;
            if (a[i] === b[i] && a[i + 1] === b[i + 1] && a[i + 2] === b[i + 2] && a[i + 3] === b[i + 3]) exact++;
          } else if (grid.background[g]) {
            background++;
            const d = Math.abs(a[i] - b[i]) + Math.abs(a[i + 1] - b[i + 1]) + Math.abs(a[i + 2] - b[i + 2]);
            sum += d;
            if (d > 0) differing++;
          }
        }
      }
      return { subject, exact, background, differing, mad: sum / (3 * background) };
    }, { w: keep.width, h: keep.height, subject: [...subject], background: [...background] });
    console.log(`saved file vs original: subject ${cmp.exact}/${cmp.subject} px exact; background MAD ${cmp.mad.toFixed(1)}, ${cmp.differing}/${cmp.background} px differ`);
    expect(cmp.subject).toBeGreaterThan(0.05 * W * H);
    expect(cmp.exact).toBe(cmp.subject);
    expect(cmp.background).toBeGreaterThan(0.05 * W * H);
    expect(cmp.mad).toBeGreaterThan(20);
    expect(cmp.differing).toBeGreaterThan(0.9 * cmp.background);
  });

  test('after the offscreen document closed (as it does when idle), Save paints the job again from its recipe: the same file', async () => {
    expect(written).toHaveLength(1);
    // As the background does when the engine says it is idle.
    await (await ext.worker()).evaluate(() => globalThis.backdrop.closeOffscreen());
    const { reply, png } = await save();
    expect(reply).toMatchObject({ ok: true, width: W, height: H });
    expect(reply.asShown).toBeUndefined();
    expect(pngSize(png)).toEqual({ width: W, height: H });
    expect((await debug('saves')).last?.repainted).toBe(true);
    // The models paint the same picture for the same input: the file is the first save's, pixel for pixel.
    const differing = await helper.evaluate(async () => {
      const pixels = async (url: string) => {
        const img = new Image();
        img.src = url;
        await img.decode();
        const c = new OffscreenCanvas(img.naturalWidth, img.naturalHeight);
        const ctx = c.getContext('2d')!;
        ctx.drawImage(img, 0, 0);
        return ctx.getImageData(0, 0, c.width, c.height).data;
      };
      const a = await pixels('/first-saved.png');
      const b = await pixels('/saved.png');
      let n = 0;
      for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) n++;
      return n;
    });
    expect(differing).toBe(0);
  });

  test('the original is gone (404): the result is saved as shown, the image says why, and the page keeps its result', async () => {
    const before = await shownState();
    expect(before.stylized).toBe(true);
    gone = true;
    try {
      const { reply, png } = await save();
      expect(reply).toMatchObject({ ok: true, width: before.width, height: before.height });
      expect(reply.asShown).toMatch(/could not be read again/);
      expect(pngSize(png)).toEqual({ width: before.width, height: before.height });
      const overlay = await overlayState();
      expect(overlay?.state).toBe('note');
      expect(overlay?.text).toContain(`Saved at ${before.width}×${before.height}, the size shown: the original could not be read again`);
      expect(overlay?.text).toMatch(/404/);
      // Nothing restored or broken: the page still shows the result it had.
      expect(await shownState()).toEqual(before);
      expect((await debug('saves')).files).toBe(0);
    } finally {
      gone = false;
    }
  });
});
