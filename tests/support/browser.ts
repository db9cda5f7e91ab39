/** Launching Debian's Chromium with the built extension, and reaching its service worker and offscreen document. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer, { type Browser, type Page, type WebWorker } from 'puppeteer-core';
import { CHROMIUM, EXTENSION_DIR, requireBuilt } from './paths';

export interface ExtensionBrowser {
  browser: Browser;
  extensionId: string;
  worker(): Promise<WebWorker>;
  offscreen(): Promise<Page>;
  /** Has the service worker create the offscreen document (as a job would), then returns it. */
  startOffscreen(): Promise<Page>;
  /** Calls the service worker's registered context-menu handler exactly as Chrome would. */
  click(menuItemId: string, page: Page, srcUrl?: string, extra?: Record<string, unknown>): Promise<unknown>;
  tabId(page: Page): Promise<number>;
  close(): Promise<void>;
}

/**
 * `extensionDir`: another build folder than the one under test (e.g. a variant of its manifest);
 * `extraArgs`: more Chromium switches (the benchmark's memory check without V8's optimizing tiers).
 */
export async function launchWithExtension(extensionDir = EXTENSION_DIR, extraArgs: string[] = []): Promise<ExtensionBrowser> {
  requireBuilt();
  const userDataDir = mkdtempSync(join(tmpdir(), 'backdrop-chromium-'));
  const browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    pipe: true,
    userDataDir,
    enableExtensions: [extensionDir],
    args: [
      '--no-sandbox', '--no-first-run', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--disable-quic', '--disable-domain-reliability', '--disable-gpu', ...extraArgs,
    ],
  });
  const swTarget = await browser.waitForTarget((t) => t.type() === 'service_worker' && t.url().endsWith('/background.js'), { timeout: 20_000 });
  const extensionId = new URL(swTarget.url()).host;

  const worker = async () => {
    const t = await browser.waitForTarget((t) => t.type() === 'service_worker' && t.url().startsWith(`chrome-extension://${extensionId}/`), { timeout: 20_000 });
    const w = await t.worker();
    if (!w) throw new Error('no service worker');
    for (let i = 0; !(await w.evaluate(() => Boolean(globalThis.backdrop))); i++) {
      if (i > 200) throw new Error('the service worker never exposed globalThis.backdrop');
      await new Promise((r) => setTimeout(r, 25));
    }
    return w;
  };

  const offscreen = async () => {
    const t = await browser.waitForTarget((t) => t.type() === 'background_page' && t.url().endsWith('/offscreen.html'), { timeout: 20_000 });
    const p = await t.asPage();
    await p.waitForFunction(() => globalThis.backdropDebug !== undefined);
    return p;
  };

  const tabId = async (page: Page) => {
    const url = page.url();
    const w = await worker();
    const id = await w.evaluate(async (url) => {
      const tabs: { id?: number; url?: string }[] = await globalThis.chrome.tabs.query({});
      return tabs.find((t) => t.url === url)?.id;
    }, url);
    if (id === undefined) throw new Error(`no tab for ${url}`);
    return id;
  };

  return {
    browser,
    extensionId,
    worker,
    offscreen,
    tabId,
    async startOffscreen() {
      await (await worker()).evaluate(() => globalThis.backdrop.ensureOffscreen());
      return offscreen();
    },
    async click(menuItemId, page, srcUrl, extra = {}) {
      const id = await tabId(page);
      const w = await worker();
      return w.evaluate(
        (info, id) => globalThis.backdrop.handleContextMenuClick(info, { id }),
        { menuItemId, srcUrl, frameId: 0, pageUrl: page.url(), editable: false, ...extra }, id,
      );
    },
    async close() {
      const proc = browser.process();
      await browser.close().catch(() => proc?.kill('SIGKILL'));
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}
