/**
 * The welcome page (entrypoints/welcome, src/ui/welcome), end to end with the real models: its
 * sections, its live example painted by the real pipeline (the background changed, the subject
 * kept), the shortcut as the browser has it, the permissions of this very package, and its message
 * refused from anyone but the page itself. The test build never opens it on install (every launch
 * here is an install); the production build does, once.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Page } from 'puppeteer-core';
import type { Browser } from 'wxt/browser';
import { launchWithExtension, type ExtensionBrowser } from '../support/browser';
import { inContentScript } from '../support/content-script';
import { onlyIn } from '../support/only-in';
import { EXTENSION_DIR, PRODUCTION_DIR } from '../support/paths';
import { meanAbsDiff, readImagePixels } from '../support/pixels';
import { keepScreenshot } from '../support/screenshots';
import { startServer, type TestServer } from '../support/server';
import { stylizedDistance } from '../support/stylized';

let ext: ExtensionBrowser;
let site: TestServer;
let welcome: Page;

const RESULT = '[data-example="result"] img';
const sample = () => `${ext.origin}/welcome/sample.jpg`;
const manifest = async () => (await ext.worker()).evaluate(() => globalThis.chrome.runtime.getManifest()) as Promise<Browser.runtime.ManifestV3>;

const suggestedKeys = (m: Browser.runtime.ManifestV3) =>
  (m.commands as Record<string, { suggested_key?: { default?: string } }>)['stylize-page'].suggested_key?.default;
/** The command's keys as the browser has them ('' for none). */
const browserKeys = (page: Page) => page.evaluate(async () => (await globalThis.chrome.commands.getAll()).find((c: { name?: string; shortcut?: string }) => c.name === 'stylize-page')?.shortcut ?? '');
/** The keys the page shows ('' when it says none are set). */
const shownKeys = async (page: Page) => {
  await page.waitForSelector('[data-section="whole-page"] [data-shortcut]');
  return page.$eval('[data-section="whole-page"] [data-shortcut]', (k) => (k.tagName === 'KBD' ? k.textContent : ''));
};

/** Waits for the example to be painted (or to fail, which fails the test with the page's words). */
async function painted(page: Page) {
  await page.waitForSelector('[data-example="result"]:is([data-state="done"], [data-state="error"])', { timeout: 90_000 });
  const error = await page.$eval('[data-example="result"]', (f) => (f.getAttribute('data-state') === 'error' ? f.textContent : null));
  expect(error, 'the example failed').toBeNull();
  return page.$eval(RESULT, (img) => img.getAttribute('data-style-id'));
}

beforeAll(async () => {
  site = await startServer();
  ext = await launchWithExtension();
});

afterAll(async () => {
  await ext?.close();
  await site?.close();
});

describe('the welcome page', () => {
  test('the test build opens no welcome page on install (it would land in every other test)', async () => {
    // By now the install has run (the harness waited for the background's seam).
    await ext.worker();
    const urls = await Promise.all((await ext.browser.pages()).map((p) => p.evaluate(() => location.href).catch(() => p.url())));
    expect(urls.filter((u) => u.includes('/welcome.html'))).toEqual([]);
  });

  test('shows what Backdrop does, the example, the right-click items, the whole page, the popup and the permissions', async () => {
    welcome = await ext.openPage('/welcome.html');
    await welcome.setViewport({ width: 900, height: 900 });
    await welcome.waitForSelector('[data-section="permissions"] li');
    const sections = await welcome.$$eval('[data-section]', (all) => all.map((s) => ({
      name: s.getAttribute('data-section'), heading: s.querySelector('h2')?.textContent ?? '', text: s.textContent ?? '',
    })));
    expect(sections.map((s) => s.name)).toEqual(['example', 'right-click', 'whole-page', 'popup', 'permissions']);
    for (const s of sections) expect(s.heading, s.name!).toMatch(/\w/);
    expect(await welcome.title()).toBe('Welcome to Backdrop');
    expect(await welcome.$eval('h1', (h) => h.textContent)).toBe('Welcome to Backdrop');
    expect(sections[1].text).toMatch(/Stylize background.*Restore original.*Save stylized image.*Use image as style/s);
    expect(sections[2].text).toContain('“Stylize every image on this page”');
    expect(await welcome.$eval('[data-welcome="close"]', (b) => b.textContent)).toBe('Close');
  });

  test('the live example paints the sample\'s background in the person\'s style, and keeps the subject', async () => {
    const settings = await (await ext.worker()).evaluate(async () => (await globalThis.chrome.storage.local.get('settings')).settings ?? null);
    expect(await painted(welcome)).toBe((settings as { styleId?: string } | null)?.styleId ?? 'builtin:style19');
    const { shown, original, subject, background } = await stylizedDistance(ext, welcome, RESULT, sample());
    expect([shown.width, shown.height]).toEqual([original.width, original.height]);
    console.log(`welcome example: subject MAD ${subject.mad.toFixed(2)} over ${subject.pixels} px, background MAD ${background.mad.toFixed(1)} over ${background.pixels} px`);
    expect(subject.pixels).toBeGreaterThan(1000);
    expect(background.pixels).toBeGreaterThan(1000);
    expect(subject.mad).toBeLessThanOrEqual(3);
    expect(background.mad).toBeGreaterThanOrEqual(20);
    // Shown side by side with the original.
    const [a, b] = await welcome.$$eval('[data-example] img', (imgs) => imgs.map((i) => i.getBoundingClientRect().toJSON() as DOMRect));
    expect(b.left).toBeGreaterThan(a.right);
    expect(b.top).toBeCloseTo(a.top, 0);
    await keepScreenshot(welcome, 'welcome', { fullPage: true });
  });

  test('"Try another style" paints it again with the next built-in style', async () => {
    const before = await readImagePixels(welcome, { selector: RESULT });
    const first = await welcome.$eval(RESULT, (img) => img.getAttribute('data-style-id'));
    await welcome.click('[data-welcome="another-style"]');
    // A progress state while it paints, the button off meanwhile.
    await welcome.waitForSelector('[data-example="result"][data-state="working"] progress');
    const next = await painted(welcome);
    expect(next).toMatch(/^builtin:style\d+$/);
    expect(next).not.toBe(first);
    expect(await welcome.$eval(RESULT, (img) => img.getAttribute('alt'))).toContain(`Style ${Number(next!.slice('builtin:style'.length)) + 1}`);
    expect(meanAbsDiff(await readImagePixels(welcome, { selector: RESULT }), before).mad).toBeGreaterThan(5);
    // The person's own style is left as it was.
    const settings = await (await ext.worker()).evaluate(async () => (await globalThis.chrome.storage.local.get('settings')).settings ?? null);
    expect((settings as { styleId?: string } | null)?.styleId ?? 'builtin:style19').toBe(first);
  });

  test('the shortcut shown is the one the browser gave the "stylize every image" command: the manifest\'s, where the browser grants it', async () => {
    const suggested = suggestedKeys(await manifest());
    const bound = await browserKeys(welcome);
    expect(await shownKeys(welcome)).toBe(bound);
    expect(bound).toBe(suggested);
  });

  onlyIn('chromium', 'Firefox grants Alt+Shift+B to an extension')(
    'with a suggested key the browser keeps for itself (Chromium\'s Alt+Shift+B), the page says none is set', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'backdrop-welcome-keys-'));
      cpSync(EXTENSION_DIR, dir, { recursive: true });
      const file = join(dir, 'manifest.json');
      const m = JSON.parse(readFileSync(file, 'utf8'));
      // Chromium's own "focus the bookmarks bar" on Windows and Linux: it never grants it to an extension.
      m.commands['stylize-page'].suggested_key = { default: 'Alt+Shift+B' };
      writeFileSync(file, JSON.stringify(m));
      const other = await launchWithExtension(dir);
      try {
        const page = await other.openPage('/welcome.html');
        await page.waitForSelector('[data-section="whole-page"] [data-shortcut]');
        expect(await browserKeys(page)).toBe('');
        expect(await page.$eval('[data-section="whole-page"] [data-shortcut]', (s) => s.textContent)).toMatch(/^No keyboard shortcut is set/);
      } finally {
        await other.close();
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );

  test('every permission this package asks for is explained (offscreen only in Chrome)', async () => {
    const m = await manifest();
    const asked = [...(m.host_permissions ?? []), ...(m.permissions ?? [])];
    const shown = await welcome.$$eval('[data-permission]', (li) => li.map((l) => [l.getAttribute('data-permission'), l.textContent ?? '']));
    expect(shown.map(([p]) => p)).toEqual(asked);
    for (const [p, text] of shown) expect(text, p!).toMatch(/^[^:]+: to .+/);
    expect(asked.includes('offscreen')).toBe(ext.kind === 'chromium');
  });

  test('the example is refused from another extension page, and a web page cannot send it at all', async () => {
    const popup = await ext.openPage('/popup.html');
    const fromPopup = await popup.evaluate(() => globalThis.chrome.runtime.sendMessage({ to: 'background', type: 'welcome-example' })
      .then((r: unknown) => ({ reply: r ?? null }), (e: Error) => ({ refused: e.message })));
    await popup.close();
    expect(fromPopup).not.toHaveProperty('reply.dataUrl');
    expect(JSON.stringify(fromPopup)).not.toContain('data:image');

    const page = await ext.browser.newPage();
    await page.goto(`${site.origin}/fixtures/tfexamples_segmentation_input_image.jpg`);
    // No runtime to send with: the manifest lets no web page message the extension (no externally_connectable).
    expect(await page.evaluate(() => typeof (globalThis as { chrome?: { runtime?: { sendMessage?: unknown } } }).chrome?.runtime?.sendMessage)).toBe('undefined');
    await page.close();
  });

  onlyIn('chromium', 'WebDriver BiDi cannot evaluate in Firefox\'s content-script world; tests/unit/background-routes.test.ts refuses that sender in both')(
    'the example is refused from Backdrop\'s own content script in a web page', async () => {
      const page = await ext.browser.newPage();
      await page.goto(`${site.origin}/fixtures/tfexamples_segmentation_input_image.jpg`);
      const got = await inContentScript<{ reply?: unknown; refused?: string }>(page, ext.extensionId,
        `chrome.runtime.sendMessage({ to: 'background', type: 'welcome-example' }).then((r) => ({ reply: r ?? null }), (e) => ({ refused: e.message }))`);
      expect(got.reply ?? null).toBeNull();
      // The same message from the page itself is answered (so the refusal above is the sender's).
      const asked = await welcome.evaluate(() => globalThis.chrome.runtime.sendMessage({ to: 'background', type: 'welcome-example' }));
      expect(asked).toMatchObject({ ok: true, dataUrl: expect.stringMatching(/^data:image\//) });
      await page.close();
    },
  );

  test('Close closes the page', async () => {
    const url = `${ext.origin}/welcome.html`;
    // Asked of the browser (puppeteer over BiDi reports no close of a tab the extension closed).
    const open = async () => (await ext.worker()).evaluate(async (url) => (await globalThis.chrome.tabs.query({})).filter((t: { url?: string }) => t.url === url).length, url);
    expect(await open()).toBe(1);
    await welcome.click('[data-welcome="close"]');
    for (let i = 0; (await open()) > 0; i++) {
      if (i > 200) throw new Error('the welcome page is still open');
      await new Promise((r) => setTimeout(r, 50));
    }
  });
});

onlyIn('chromium', 'the Firefox harness reaches the extension through the test build\'s bridge page, which the production build lacks')(
  'the production build opens the welcome page on install, and its example paints', async () => {
    const prod = await launchWithExtension(PRODUCTION_DIR);
    try {
      const target = await prod.browser.waitForTarget((t) => t.url() === `${prod.origin}/welcome.html`, { timeout: 20_000 });
      const page = (await target.asPage())!;
      await painted(page);
      const flag = await (await prod.worker()).evaluate(() => globalThis.chrome.storage.local.get('welcomeShown'));
      expect(flag).toEqual({ welcomeShown: true });
      const tabs = await (await prod.worker()).evaluate(async (url) => (await globalThis.chrome.tabs.query({ url })).length, `${prod.origin}/welcome.html`);
      expect(tabs).toBe(1);
    } finally {
      await prod.close();
    }
  },
);
