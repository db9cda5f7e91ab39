/**
 * "What I right-click on" (issue 18), end to end: a person's own right-click (puppeteer's trusted
 * mouse) on one of two people in one picture, then the menu item through the service worker's
 * handler. Only the person clicked stays the original; the other is painted like the background.
 * The picture is made at run time from two fixture photos side by side (a dancer; a person among
 * sheep, who touch her: another class, painted too).
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Page } from 'puppeteer-core';
import { launchWithExtension, type ExtensionBrowser } from '../support/browser';
import { readImagePixels, type Rgba } from '../support/pixels';
import { startServer, type TestServer } from '../support/server';

let ext: ExtensionBrowser;
let site: TestServer;
let page: Page;
let twoPeople: Buffer | undefined;

// Each photo drawn 640 px high at its own aspect, side by side: the dancer (640²) left, the person
// with sheep (800×640) right.
const W = 1440, H = 640;
const SHOWN = 720; // the <img>'s CSS width: half size

const pageHtml = `<!doctype html><meta charset="utf-8"><title>two people</title>
<style>body { margin: 0 } img { display: block; margin: 10px; width: ${SHOWN}px }</style>
<img id="two" src="/two-people.png" alt="two people">`;

beforeAll(async () => {
  site = await startServer(undefined, async (path) => {
    if (path === '/pick.html') return { type: 'text/html; charset=utf-8', body: pageHtml };
    if (path === '/two-people.png' && twoPeople) return { type: 'image/png', body: twoPeople };
    return undefined;
  });
  ext = await launchWithExtension();
  page = await ext.browser.newPage();
  await page.setViewport({ width: 1280, height: 900 });
  await page.goto(`${site.origin}/blank.html`).catch(() => {});
  twoPeople = await sideBySide(page, ['pexels-jansel-ferma-3949761.jpg', 'pytorchhub_deeplab1_person_sheep.png']);
  const w = await ext.worker();
  await w.evaluate(async () => {
    const { settings } = await globalThis.chrome.storage.local.get('settings');
    await globalThis.chrome.storage.local.set({ settings: { ...(settings as object), subject: 'clicked' } });
  });
});

afterAll(async () => {
  await ext?.close();
  await site?.close();
});

/** A PNG of the fixtures drawn H high each, left to right, made by the browser. */
async function sideBySide(p: Page, fixtures: string[]): Promise<Buffer> {
  await p.goto(`${site.origin}/fixtures/${fixtures[0]}`);
  const b64 = await p.evaluate(async (names: string[], w: number, h: number) => {
    const c = document.createElement('canvas');
    c.width = w;
    c.height = h;
    const g = c.getContext('2d')!;
    let x = 0;
    for (const name of names) {
      const img = new Image();
      img.src = `/fixtures/${name}`;
      await img.decode();
      const width = Math.round((img.naturalWidth * h) / img.naturalHeight);
      g.drawImage(img, x, 0, width, h);
      x += width;
    }
    const blob = await new Promise<Blob>((r, j) => c.toBlob((b) => (b ? r(b) : j(new Error('toBlob failed'))), 'image/png'));
    const bytes = new Uint8Array(await blob.arrayBuffer());
    let s = '';
    for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    return btoa(s);
  }, fixtures, W, H);
  return Buffer.from(b64, 'base64');
}

interface Box { x: number; y: number; w: number; h: number }

/** The share of `box`'s pixels whose largest channel difference from the original is over 3/255. */
function changedShare(a: Rgba, b: Rgba, box: Box): number {
  let n = 0;
  for (let y = box.y; y < box.y + box.h; y++) {
    for (let x = box.x; x < box.x + box.w; x++) {
      const k = (y * a.width + x) * 4;
      if (Math.max(Math.abs(a.data[k] - b.data[k]), Math.abs(a.data[k + 1] - b.data[k + 1]), Math.abs(a.data[k + 2] - b.data[k + 2])) > 3) n++;
    }
  }
  return n / (box.w * box.h);
}

// Boxes in the 1440×640 picture, picked by eye: inside the dancer's black top, inside the other
// person's red jumper, a sheep's fleece, the barn's roof.
const DANCER: Box = { x: 265, y: 230, w: 30, h: 40 };
const PERSON: Box = { x: 1005, y: 290, w: 30, h: 40 };
const SHEEP: Box = { x: 1215, y: 420, w: 40, h: 40 };
const ROOF: Box = { x: 1150, y: 20, w: 40, h: 30 };

/** Right-clicks the picture at picture point (x, y) like a person, then chooses Stylize background. */
async function stylizeAt(x: number, y: number): Promise<{ result: Rgba; original: Rgba; note: string }> {
  await page.goto(`${site.origin}/pick.html`, { waitUntil: 'load' });
  const box = (await (await page.$('#two'))!.boundingBox())!;
  await page.mouse.click(box.x + (x * SHOWN) / W, box.y + (y * SHOWN) / W, { button: 'right' });
  const url = `${site.origin}/two-people.png`;
  expect(await ext.click('stylize-background', page, url)).toEqual({ ok: true });
  await page.waitForFunction(() => document.querySelector('#two')?.hasAttribute('data-backdrop-stylized'));
  const result = await readImagePixels(page, { selector: '#two' });
  const original = await readImagePixels(page, { url: '/two-people.png' });
  const note = await page.evaluate(() => document.querySelector('[data-backdrop-overlay]')?.shadowRoot?.textContent ?? '');
  return { result, original, note };
}

describe('What I right-click on', () => {
  test('a right-click on the second of two people keeps only that person', async () => {
    const { result, original } = await stylizeAt(PERSON.x + 15, PERSON.y + 20);
    expect(changedShare(result, original, PERSON)).toBe(0);
    expect(changedShare(result, original, DANCER)).toBeGreaterThan(0.9);
    expect(changedShare(result, original, SHEEP)).toBeGreaterThan(0.9);
    expect(changedShare(result, original, ROOF)).toBeGreaterThan(0.9);
  });

  test('a right-click on the first keeps the first', async () => {
    const { result, original } = await stylizeAt(DANCER.x + 15, DANCER.y + 20);
    expect(changedShare(result, original, DANCER)).toBe(0);
    expect(changedShare(result, original, PERSON)).toBeGreaterThan(0.9);
    expect(changedShare(result, original, SHEEP)).toBeGreaterThan(0.9);
  });

  test('a right-click on the background keeps every object, and the image says so', async () => {
    const { result, original, note } = await stylizeAt(ROOF.x + 20, ROOF.y + 15);
    expect(changedShare(result, original, DANCER)).toBe(0);
    expect(changedShare(result, original, PERSON)).toBe(0);
    expect(changedShare(result, original, SHEEP)).toBe(0);
    expect(changedShare(result, original, ROOF)).toBeGreaterThan(0.9);
    expect(note).toContain('No object under the pointer');
  });
});
