/**
 * The result channel both ways Chrome runs it (Firefox: the first only). With the manifest's `message_serialization:
 * "structured_clone"` (Chrome 148+, this build) the result file crosses to the page as a Blob; a
 * Chrome that ignores the key keeps JSON messaging, and the file crosses as base64 slices. The second
 * case runs the very same build with the key taken out of a copy of its manifest. Either way the
 * page must show the same, lossless result.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { launchWithExtension, type ExtensionBrowser } from '../support/browser';
import { EXTENSION_DIR, FIREFOX_TESTS } from '../support/paths';
import { onlyIn } from '../support/only-in';
import { meanAbsDiff, type Rgba } from '../support/pixels';
import { startServer, type TestServer } from '../support/server';
import { stylizedDistance } from '../support/stylized';

let site: TestServer;
let jsonBuild: string;
const PHOTO = '/fixtures/pexels-jansel-ferma-3949761.jpg';
const shownBy: Record<string, Rgba> = {};

beforeAll(async () => {
  site = await startServer(undefined, async (path) => path === '/one.html'
    ? { type: 'text/html; charset=utf-8', body: `<!doctype html><img id="photo" src="${PHOTO}" style="width: 480px">` }
    : undefined);
  jsonBuild = join(mkdtempSync(join(tmpdir(), 'backdrop-json-messaging-')), 'chrome-mv3');
  cpSync(EXTENSION_DIR, jsonBuild, { recursive: true });
  const manifest = JSON.parse(readFileSync(join(EXTENSION_DIR, 'manifest.json'), 'utf8'));
  // Firefox's messages are structured clones without a key (and it knows none).
  expect(manifest.message_serialization).toBe(FIREFOX_TESTS ? undefined : 'structured_clone');
  delete manifest.message_serialization;
  writeFileSync(join(jsonBuild, 'manifest.json'), JSON.stringify(manifest));
});

afterAll(async () => {
  await site?.close();
  if (jsonBuild) rmSync(join(jsonBuild, '..'), { recursive: true, force: true });
});

describe.each([
  ['structured-clone messaging', 'file', () => EXTENSION_DIR],
  // Chrome only: no Firefox messages JSON.
  ...(FIREFOX_TESTS ? [] : [['JSON messaging (Chrome before 148)', 'slices', () => jsonBuild]] as const),
] as const)('%s', (_name, way, dir) => {
  let ext: ExtensionBrowser;
  afterAll(() => ext?.close());

  test(`the result arrives as ${way} and the page shows it losslessly`, async () => {
    ext = await launchWithExtension(dir());
    const page = await ext.browser.newPage();
    await page.goto(`${site.origin}/one.html`, { waitUntil: 'load' });
    const src = await page.$eval('#photo', (img) => (img as HTMLImageElement).currentSrc);
    expect(await ext.click('stylize-background', page, src)).toEqual({ ok: true });
    expect(await page.$eval('#photo', (img) => img.getAttribute('src'))).toMatch(/^blob:/);

    const off = await ext.offscreen();
    const deliveries = await off.evaluate(() => globalThis.backdropDebug.deliveries());
    expect(deliveries).toEqual(way === 'file' ? { file: 1, slices: 0 } : { file: 0, slices: 1 });

    const { shown, subject, background } = await stylizedDistance(ext, page, '#photo', src);
    console.log(`${way}: subject MAD ${subject.mad.toFixed(2)}, background MAD ${background.mad.toFixed(1)}`);
    expect(subject.mad).toBeLessThanOrEqual(3);
    expect(background.mad).toBeGreaterThanOrEqual(20);
    shownBy[way] = shown;
  });
});

onlyIn('chromium', 'Firefox has one way only (structured clones)')('both ways show the same picture', () => {
  expect(Object.keys(shownBy).sort()).toEqual(['file', 'slices']);
  const { mad } = meanAbsDiff(shownBy.file, shownBy.slices);
  console.log(`file vs slices: MAD ${mad.toFixed(3)}`);
  expect(mad).toBeLessThan(0.5);
});
