/**
 * The Detail setting end to end: the transfer model rewritten to another input size
 * (src/inference/tflite-resize.ts) loads and runs in Chromium with the real models, and a High
 * stylization, driven through the service worker's context-menu handler, paints finer brushwork
 * than Standard's. Times are logged, never asserted.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Page } from 'puppeteer-core';
import { launchWithExtension, type ExtensionBrowser } from '../support/browser';
import { readImagePixels, type Rgba } from '../support/pixels';
import { regions } from '../support/stylized';
import { startServer, type TestServer } from '../support/server';

const PHOTO = '/fixtures/pexels-jansel-ferma-3949761.jpg'; // 1280², a dancer on a plain background

let ext: ExtensionBrowser;
let site: TestServer;
let page: Page;

beforeAll(async () => {
  site = await startServer(undefined, async (path) => path === '/detail.html'
    ? { type: 'text/html; charset=utf-8', body: `<!doctype html><img id="photo" src="${PHOTO}" style="width: 480px">` }
    : undefined);
  ext = await launchWithExtension();
  page = await ext.browser.newPage();
  await page.goto(`${site.origin}/detail.html`, { waitUntil: 'load' });
});

afterAll(async () => {
  await ext?.close();
  await site?.close();
});

const setDetail = (detail: string) => ext.worker().then((w) => w.evaluate(async (detail) => {
  const { settings } = await globalThis.chrome.storage.local.get('settings');
  await globalThis.chrome.storage.local.set({ settings: { ...(settings as object), detail } });
}, detail));

/** Mean gradient magnitude (|dx| + |dy| of the luma) over the background cells of a label mask. */
function backgroundGradient(img: Rgba, mask: { mask: Uint8Array; w: number; h: number }): number {
  const { width: W, height: H, data } = img;
  const luma = (x: number, y: number) => {
    const i = (y * W + x) * 4;
    return 0.299 * data[i] + 0.587 * data[i + 1] + 0.114 * data[i + 2];
  };
  let sum = 0, n = 0;
  for (let y = 0; y < H - 1; y++) {
    const my = Math.floor((y * mask.h) / H);
    for (let x = 0; x < W - 1; x++) {
      if (!mask.mask[my * mask.w + Math.floor((x * mask.w) / W)]) continue;
      const l = luma(x, y);
      sum += Math.abs(luma(x + 1, y) - l) + Math.abs(luma(x, y + 1) - l);
      n++;
    }
  }
  return sum / n;
}

async function stylizeAt(detail: string) {
  await setDetail(detail);
  const url = `${site.origin}${PHOTO}`;
  const t0 = performance.now();
  const outcome = await ext.click('stylize-background', page, url);
  const ms = performance.now() - t0;
  expect(outcome).toEqual({ ok: true });
  const timings = await (await ext.offscreen()).evaluate(() => globalThis.backdropDebug.lastTimings());
  const shown = await readImagePixels(page, { selector: '#photo' });
  console.log(`${detail}: ${ms.toFixed(0)} ms end to end; transfer ${timings.transfer?.toFixed(0)} ms`);
  // Restore, so the next click starts from the original again.
  const src = await page.$eval('#photo', (img) => img.getAttribute('src')!);
  expect(await ext.click('restore-original', page, src)).toBe(true);
  await page.$eval('#photo', (img) => (img as HTMLImageElement).decode());
  return { shown, timings };
}

describe('Detail', () => {
  test('the rewritten transfer model runs at 768², 576×768 and 384×512: outputs of that size, in [0, 1]', async () => {
    await ext.startOffscreen();
    const off = await ext.offscreen();
    const url = `${site.origin}${PHOTO}`;
    for (const kind of ['fp16', 'int8'] as const) {
      for (const [h, w] of [[384, 384], [768, 768], [576, 768], [384, 512]]) {
        const r = await off.evaluate((kind, h, w, url) => globalThis.backdropDebug.timeTransferAt(kind, h, w, 2, url), kind, h, w, url);
        console.log(`${kind} ${h}×${w}: ${r.times.map((t) => t.toFixed(0)).join(', ')} ms; output in [${r.min.toFixed(3)}, ${r.max.toFixed(3)}]`);
        expect(r.min).toBeGreaterThanOrEqual(0);
        expect(r.max).toBeLessThanOrEqual(1);
        expect(r.max - r.min).toBeGreaterThan(0.3); // a picture, not a flat field
      }
    }
  });

  test('what each size costs in wasm memory (logged: the heap grows to the largest run and stays)', async () => {
    const off = await ext.offscreen();
    const url = `${site.origin}${PHOTO}`;
    // Firefox's extension process ends during a 1280² fp16 run (its event page and engine go); Backdrop
    // itself transfers at 1024×768 at most (Full), so Firefox stops one size before.
    const sizes = [[384, 384], [576, 768], [768, 768], [768, 1024], [960, 1280], ...(ext.kind === 'chromium' ? [[1280, 1280]] : [])];
    for (const [h, w] of sizes) {
      const r = await off.evaluate((h, w, url) => globalThis.backdropDebug.timeTransferAt('fp16', h, w, 1, url), h, w, url);
      const mem = await off.evaluate(() => globalThis.backdropDebug.runtimeMemory());
      console.log(`fp16 ${h}×${w}: ${r.times[0].toFixed(0)} ms; wasm memory ${((mem?.wasmBytes ?? 0) / 2 ** 20).toFixed(0)} MB`);
      expect(r.max).toBeLessThanOrEqual(1);
    }
  });

  test('High (768 on the long side) through the right-click flow paints finer brushwork than Standard', async () => {
    const standard = await stylizeAt('standard');
    const high = await stylizeAt('high');
    const original = await readImagePixels(page, { url: `${site.origin}${PHOTO}` });
    expect([high.shown.width, high.shown.height]).toEqual([original.width, original.height]);
    const { background } = await regions(ext, `${site.origin}${PHOTO}`);
    const g = { standard: backgroundGradient(standard.shown, background), high: backgroundGradient(high.shown, background) };
    console.log(`background mean gradient: standard ${g.standard.toFixed(1)}, high ${g.high.toFixed(1)}`);
    expect(g.high).toBeGreaterThan(g.standard * 1.3);
  });
});
