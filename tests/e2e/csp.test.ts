/**
 * Pages whose Content-Security-Policy limits images. Chrome exempts what a content script loads from
 * the page's policy, so the result shows as a blob: URL even where the page allows only its own
 * images. (A browser that applied the page's policy would get a data: URL, then an error on the
 * image: src/content/controller.ts.)
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { launchWithExtension, type ExtensionBrowser } from '../support/browser';
import { meanAbsDiff, readImagePixels } from '../support/pixels';
import { startServer, type TestServer } from '../support/server';
import { viewFrameOf, viewPixels } from '../support/view';

const PHOTO = '/fixtures/pexels-elly-fairytale-3822220.jpg';
const POLICIES: Record<string, string> = {
  '/open.html': "default-src 'self'; img-src 'self' blob: data:",
  '/data-only.html': "default-src 'self'; img-src 'self' data:",
  '/self-only.html': "default-src 'self'; img-src 'self'",
};

/** Pages that show an image of another site, and forbid every frame and every image but that one. */
const FRAME_POLICIES: Record<string, string> = {
  '/no-frames.html': "default-src 'self'; frame-src 'none'; child-src 'none'; img-src 'self' IMG",
  '/sandboxed.html': "default-src 'none'; img-src IMG; sandbox allow-scripts",
};

let ext: ExtensionBrowser;
let site: TestServer;
let other: TestServer;

beforeAll(async () => {
  other = await startServer();
  const otherOrigin = other.origin.replace('127.0.0.1', 'localhost');
  site = await startServer(undefined, async (path) => path in POLICIES
    ? {
      type: 'text/html; charset=utf-8',
      headers: { 'content-security-policy': POLICIES[path] },
      body: `<!doctype html><img id="photo" src="${PHOTO}" style="width: 400px" alt="yoga">`,
    }
    : path in FRAME_POLICIES
      ? {
        type: 'text/html; charset=utf-8',
        headers: { 'content-security-policy': FRAME_POLICIES[path].replace('IMG', otherOrigin) },
        body: `<!doctype html><img id="photo" src="${otherOrigin}${PHOTO}" style="width: 400px" alt="yoga">`,
      }
      : undefined);
  ext = await launchWithExtension();
});

afterAll(async () => {
  await ext?.close();
  await site?.close();
  await other?.close();
});

async function stylizeOn(path: string) {
  const page = await ext.browser.newPage();
  await page.goto(site.origin + path, { waitUntil: 'load' });
  const src = await page.$eval('#photo', (img) => (img as HTMLImageElement).currentSrc);
  const original = await readImagePixels(page, { selector: '#photo' });
  // The policy is in force: the page's own script cannot show a blob: image unless it allows them.
  const pageBlobBlocked = await page.evaluate(() => new Promise<boolean>((resolve) => {
    const c = document.createElement('canvas');
    c.width = c.height = 4;
    c.toBlob((b) => {
      const probe = new Image();
      probe.onload = () => resolve(false);
      probe.onerror = () => resolve(true);
      probe.src = URL.createObjectURL(b!);
    });
  }));
  const outcome = await ext.click('stylize-background', page, src);
  const shownSrc = await page.$eval('#photo', (img) => img.getAttribute('src')!);
  const changed = meanAbsDiff(await readImagePixels(page, { selector: '#photo' }), original).mad;
  const overlay = await page.evaluate(() => document.querySelector('[data-backdrop-overlay]')?.getAttribute('data-state'));
  await page.close();
  return { outcome, shownSrc, changed, overlay, pageBlobBlocked };
}

describe('img-src policies', () => {
  test.each(Object.keys(POLICIES))('%s: the result shows in place', async (path) => {
    const { outcome, shownSrc, changed, overlay, pageBlobBlocked } = await stylizeOn(path);
    expect(pageBlobBlocked).toBe(!POLICIES[path].includes('blob:'));
    console.log(`${path} (${POLICIES[path]}): ${shownSrc.slice(0, 5)}, mean change ${changed.toFixed(1)}/255`);
    expect(outcome).toEqual({ ok: true });
    expect(shownSrc).toMatch(/^blob:/);
    expect(changed).toBeGreaterThan(10);
    expect(overlay).toBeUndefined();
  });
});

describe('frame policies: the frame a result the page cannot read is shown in', () => {
  test('a page that forbids frames still gets the result, over the untouched image', async () => {
    const path = '/no-frames.html';
    const page = await ext.browser.newPage();
    await page.goto(site.origin + path, { waitUntil: 'load' });
    const src = await page.$eval('#photo', (img) => (img as HTMLImageElement).currentSrc);
    const outcome = await ext.click('stylize-background', page, src);
    expect(outcome).toEqual({ ok: true });
    expect(await page.$eval('#photo', (img) => img.getAttribute('src'))).toBe(src);
    const shown = await viewPixels((await viewFrameOf(page, '#photo'))!);
    expect(shown.width).toBeGreaterThan(0);
    expect(await page.evaluate(() => document.querySelector('[data-backdrop-overlay]')?.getAttribute('data-state'))).toBeUndefined();
    await page.close();
  });

  test('a sandboxed page (an opaque origin, which its frames inherit) gets a clear message, never the result', async () => {
    const page = await ext.browser.newPage();
    await page.goto(`${site.origin}/sandboxed.html`, { waitUntil: 'load' });
    const src = await page.$eval('#photo', (img) => (img as HTMLImageElement).currentSrc);
    await ext.click('stylize-background', page, src);
    expect(await page.$eval('#photo', (img) => img.getAttribute('src'))).toBe(src);
    expect(await page.$$eval('iframe', (f) => f.length)).toBe(0);
    const overlay = await page.evaluate(() => {
      const host = document.querySelector('[data-backdrop-overlay]') as HTMLElement | null;
      return host && { state: host.dataset.state, text: host.shadowRoot?.textContent ?? '' };
    });
    expect(overlay).toMatchObject({ state: 'error' });
    expect(overlay!.text).toMatch(/sandboxed/);
    await page.close();
  });
});
