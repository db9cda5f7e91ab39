/**
 * The result files as Chromium reads them: a BMP made by src/inference/encode.ts from a real photo's
 * pixels decodes back to exactly those pixels, 24-bit (opaque) and 32-bit (with transparency).
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Page } from 'puppeteer-core';
import { launchWithExtension, type ExtensionBrowser } from '../support/browser';
import { startServer, type TestServer } from '../support/server';
import { encodeBmp } from '../../src/inference/encode';

let ext: ExtensionBrowser;
let site: TestServer;
let page: Page;

beforeAll(async () => {
  site = await startServer(undefined, async (path) => path === '/blank.html' ? { type: 'text/html', body: '<!doctype html>' } : undefined);
  ext = await launchWithExtension();
  page = await ext.browser.newPage();
  await page.goto(`${site.origin}/blank.html`);
});

afterAll(async () => {
  await ext?.close();
  await site?.close();
});

const W = 301, H = 203; // an odd width: 24-bit rows carry padding

/** A fixture photo's pixels at W×H, as a canvas gives them. */
const photoPixels = async () => Buffer.from(await page.evaluate(async (w, h) => {
  const bitmap = await createImageBitmap(await (await fetch('/fixtures/pexels-elly-fairytale-3822220.jpg')).blob());
  const c = new OffscreenCanvas(w, h);
  const g = c.getContext('2d')!;
  g.drawImage(bitmap, 0, 0, w, h);
  return (new Uint8Array(g.getImageData(0, 0, w, h).data.buffer) as any).toBase64() as string;
}, W, H), 'base64');

/** The file decoded by Chromium, as RGBA. */
const decoded = async (file: Blob) => Buffer.from(await page.evaluate(async (b64, w, h) => {
  const bytes: Uint8Array<ArrayBuffer> = (Uint8Array as any).fromBase64(b64);
  const bitmap = await createImageBitmap(new Blob([bytes], { type: 'image/bmp' }));
  if (bitmap.width !== w || bitmap.height !== h) throw new Error(`decoded ${bitmap.width}×${bitmap.height}`);
  const g = new OffscreenCanvas(w, h).getContext('2d')!;
  g.drawImage(bitmap, 0, 0);
  return (new Uint8Array(g.getImageData(0, 0, w, h).data.buffer) as any).toBase64() as string;
}, Buffer.from(await file.arrayBuffer()).toString('base64'), W, H), 'base64');

const bitsOf = async (file: Blob) => new DataView(await file.arrayBuffer()).getUint16(28, true);

test('an opaque result: 24-bit, decoded to exactly its pixels', async () => {
  const px = await photoPixels();
  const file = encodeBmp({ width: W, height: H, data: new Uint8ClampedArray(px) } as ImageData);
  expect(await bitsOf(file)).toBe(24);
  expect((await decoded(file)).equals(px)).toBe(true);
});

test('a result with transparency: 32-bit, decoded to its pixels (the transparent one keeps alpha 0)', async () => {
  const px = await photoPixels();
  const hole = (7 * W + 10) * 4;
  px[hole + 3] = 0;
  const file = encodeBmp({ width: W, height: H, data: new Uint8ClampedArray(px) } as ImageData);
  expect(await bitsOf(file)).toBe(32);
  const back = await decoded(file);
  expect(back[hole + 3]).toBe(0);
  back.fill(0, hole, hole + 4);
  px.fill(0, hole, hole + 4);
  expect(back.equals(px)).toBe(true);
});
