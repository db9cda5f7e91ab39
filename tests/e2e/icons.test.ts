/**
 * The icon (assets/icon.svg, rendered by the build: scripts/icons.mjs): every size the manifest
 * declares is in the package at that size, as the browser itself loads it, and the 16-px toolbar
 * icon stands out against a light toolbar and a dark one, measured from its pixels.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Page } from 'puppeteer-core';
import { launchWithExtension, type ExtensionBrowser } from '../support/browser';
import { EXTENSION_DIR, PRODUCTION_DIR } from '../support/paths';
import { readImagePixels, type Rgba } from '../support/pixels';

interface IconManifest {
  icons?: Record<string, string>;
  action?: { default_icon?: Record<string, string> | string };
}

let ext: ExtensionBrowser;
let page: Page;

beforeAll(async () => {
  ext = await launchWithExtension();
  page = await ext.openPage('/popup.html');
});

afterAll(async () => {
  await ext?.close();
});

/** Icon paths inside the package (Firefox's getManifest() gives them as full moz-extension: URLs). */
const relative = (icons: Record<string, string> = {}) =>
  Object.fromEntries(Object.entries(icons).map(([size, path]) => [size, path.replace(/^[a-z-]+:\/\/[^/]+/, '').replace(/^\//, '')]));

/** The width and height a PNG file's header declares (its IHDR chunk). */
function pngSize(file: string) {
  const bytes = readFileSync(file);
  expect(bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

/** WCAG's relative luminance of an sRGB colour (0…255 a channel). */
function luminance(r: number, g: number, b: number) {
  const lin = (c: number) => {
    const s = c / 255;
    return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}
const contrast = (a: number, b: number) => (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);

/** Whether pixel `p` of the icon, composited over the toolbar colour, differs from it by WCAG's 3:1 (its minimum for graphics a person must make out). */
function pixelStandsOut(icon: Rgba, p: number, toolbar: [number, number, number]) {
  const a = icon.data[p * 4 + 3] / 255;
  const [r, g, b] = [0, 1, 2].map((c) => icon.data[p * 4 + c] * a + toolbar[c] * (1 - a));
  return contrast(luminance(r, g, b), luminance(...toolbar)) >= 3;
}

/** The share of the whole square that stands out from the toolbar (transparent pixels show the toolbar, so never count). */
function standsOut(icon: Rgba, toolbar: [number, number, number]) {
  let count = 0;
  const n = icon.width * icon.height;
  for (let p = 0; p < n; p++) if (pixelStandsOut(icon, p, toolbar)) count++;
  return count / n;
}

/**
 * The icon's outline: along every row and column, from each side inwards, the first solid pixel (an
 * antialiased fringe is part toolbar by definition). The share of those that stand out from the
 * toolbar says whether the icon's shape can be made out on it at all.
 */
function outlineStandsOut(icon: Rgba, toolbar: [number, number, number]) {
  const { width: w, height: h } = icon;
  const at = (x: number, y: number) => y * w + x;
  const firstOpaque = (cells: number[]) => cells.find((p) => icon.data[p * 4 + 3] >= 230);
  const lines: number[][] = [];
  for (let y = 0; y < h; y++) {
    const row = [...Array(w).keys()].map((x) => at(x, y));
    lines.push(row, [...row].reverse());
  }
  for (let x = 0; x < w; x++) {
    const col = [...Array(h).keys()].map((y) => at(x, y));
    lines.push(col, [...col].reverse());
  }
  const edge = lines.map(firstOpaque).filter((p) => p !== undefined);
  return edge.filter((p) => pixelStandsOut(icon, p, toolbar)).length / edge.length;
}

/** Chrome's and Firefox's light and dark toolbars. */
const TOOLBARS: [name: string, rgb: [number, number, number]][] = [
  ['white', [255, 255, 255]],
  ['Chrome light', [241, 243, 244]],
  ['Chrome dark', [32, 33, 36]],
  ['Firefox dark', [43, 42, 51]],
  ['black', [0, 0, 0]],
];

describe('icons', () => {
  test('the manifest declares the icon at 16, 32, 48 and 128 px, and the toolbar button\'s', async () => {
    const manifest = await page.evaluate(() => globalThis.chrome.runtime.getManifest()) as IconManifest;
    expect(Object.keys(manifest.icons ?? {}).map(Number).sort((a, b) => a - b)).toEqual([16, 32, 48, 128]);
    const action = manifest.action?.default_icon;
    expect(typeof action).toBe('object');
    expect(Object.keys(action as object)).toContain('16');
  });

  test('every declared icon is in the package at its declared size, as the browser loads it', async () => {
    const manifest = await page.evaluate(() => globalThis.chrome.runtime.getManifest()) as IconManifest;
    const declared = [...Object.entries(relative(manifest.icons)), ...Object.entries(relative(manifest.action?.default_icon as Record<string, string>))];
    expect(declared.length).toBeGreaterThan(0);
    for (const [size, path] of declared) {
      const loaded = await page.evaluate(async (path) => {
        const img = new Image();
        img.src = globalThis.chrome.runtime.getURL(path);
        await img.decode();
        return { width: img.naturalWidth, height: img.naturalHeight };
      }, path);
      expect(loaded, `${path}`).toEqual({ width: Number(size), height: Number(size) });
    }
    // The package a person installs (the production build) declares and holds the same files.
    for (const dir of [PRODUCTION_DIR, EXTENSION_DIR]) {
      const onDisk = JSON.parse(readFileSync(resolve(dir, 'manifest.json'), 'utf8')) as IconManifest;
      expect(relative(onDisk.icons)).toEqual(relative(manifest.icons));
      for (const [size, path] of Object.entries(onDisk.icons ?? {})) {
        expect(pngSize(resolve(dir, path)), `${dir}/${path}`).toEqual({ width: Number(size), height: Number(size) });
      }
    }
  });

  test('the 16-px icon stands out on light and on dark toolbars', async () => {
    const manifest = await page.evaluate(() => globalThis.chrome.runtime.getManifest()) as IconManifest;
    const path = relative(manifest.action?.default_icon as Record<string, string>)['16'];
    const icon = await readImagePixels(page, { url: await page.evaluate((p) => globalThis.chrome.runtime.getURL(p), path) });
    expect([icon.width, icon.height]).toEqual([16, 16]);
    let opaque = 0;
    for (let p = 0; p < 256; p++) opaque += icon.data[p * 4 + 3] / 255;
    // Most of the square is drawn (a tile), so the icon is not a speck in its slot.
    expect(opaque / 256).toBeGreaterThan(0.8);
    for (const [name, rgb] of TOOLBARS) {
      const outline = outlineStandsOut(icon, rgb), area = standsOut(icon, rgb);
      console.log(`16-px icon on ${name}: outline ${(outline * 100).toFixed(0)} %, area ${(area * 100).toFixed(0)} % at 3:1 or more`);
      // Its shape shows whole, and a good part of it (the tile, the frame, the silhouette) stands out.
      expect(outline, name).toBeGreaterThan(0.9);
      expect(area, name).toBeGreaterThan(0.4);
    }
  });

  test('the measures above can fail: a dark tile vanishes on a dark toolbar, a white one on a light toolbar', () => {
    const flat = (v: number): Rgba => ({ width: 16, height: 16, data: new Uint8Array(16 * 16 * 4).map((_, i) => (i % 4 === 3 ? 255 : v)) });
    for (const measure of [standsOut, outlineStandsOut]) {
      expect(measure(flat(40), [32, 33, 36])).toBe(0);
      expect(measure(flat(250), [255, 255, 255])).toBe(0);
      expect(measure(flat(40), [255, 255, 255])).toBe(1);
    }
  });
});
