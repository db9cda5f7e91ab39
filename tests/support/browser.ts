/**
 * Launching Debian's Chromium or Firefox ESR (BACKDROP_BROWSER=firefox) with the built extension, and
 * reaching its background (Chrome's service worker, Firefox's event page) and its offscreen document
 * (Chrome's, or the engine frame in Firefox's event page) the same way, so each test is written once.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer, { type Browser, type Page, type WebWorker } from 'puppeteer-core';
import { BROWSER, CHROMIUM, EXTENSION_DIR, FIREFOX, requireBuilt, testBuildDir } from './paths';
import { FirefoxRdp, freePort } from './firefox-rdp';

export interface ExtensionBrowser {
  browser: Browser;
  kind: 'chromium' | 'firefox';
  /** The extension's id in its URLs (Chrome's id; Firefox's internal UUID). */
  extensionId: string;
  /** `chrome-extension://<id>` or `moz-extension://<uuid>`. */
  origin: string;
  /** An extension page (e.g. '/popup.html?tab=3') in a new tab. */
  openPage(path: string): Promise<Page>;
  /** Where downloads.download saves files, without asking. */
  downloads: string;
  /**
   * Stops the background as the browser stops an idle one (Chrome's service worker, Firefox's event
   * page, with its engine frame); the next extension event starts a fresh one. It leaves a mark in the
   * old one first, which `backgroundWasRestarted()` must then not find.
   */
  stopBackground(): Promise<void>;
  backgroundWasRestarted(): Promise<boolean>;
  /** Marks the live background and engine; `same()` says whether each is still the one marked. */
  markContexts(): Promise<{ same(): Promise<{ background: boolean; engine: boolean }> }>;
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
 * `extraArgs`: more Chromium switches (the benchmark's memory check without V8's optimizing tiers);
 * `firefoxPrefs`: more Firefox prefs; `which`: the other browser than the suite's (the benchmark's Firefox column).
 */
export async function launchWithExtension(
  extensionDir?: string, extraArgs: string[] = [], firefoxPrefs: Record<string, unknown> = {}, which: 'chromium' | 'firefox' = BROWSER,
): Promise<ExtensionBrowser> {
  extensionDir ??= which === BROWSER ? EXTENSION_DIR : testBuildDir(which);
  requireBuilt(extensionDir);
  if (which === 'firefox') return launchFirefox(extensionDir, firefoxPrefs);
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

  const downloads = mkdtempSync(join(tmpdir(), 'backdrop-downloads-'));
  const cdp = await browser.target().createCDPSession();
  await cdp.send('Browser.setDownloadBehavior', { behavior: 'allow', downloadPath: downloads });

  return {
    browser,
    kind: 'chromium',
    downloads,
    async stopBackground() {
      const old = await worker();
      await old.evaluate(() => Object.assign(globalThis, { stoppedWorkerMarker: true }));
      await old.close();
    },
    async backgroundWasRestarted() {
      return (await (await worker()).evaluate(() => globalThis.stoppedWorkerMarker)) === undefined;
    },
    async markContexts() {
      const mark = `m${Math.random()}`;
      const set = (m: string) => Object.assign(globalThis, { contextMark: m });
      await (await worker()).evaluate(set, mark);
      await (await offscreen()).evaluate(set, mark);
      return {
        async same() {
          return {
            background: (await (await worker()).evaluate(() => globalThis.contextMark)) === mark,
            engine: (await (await offscreen()).evaluate(() => globalThis.contextMark)) === mark,
          };
        },
      };
    },
    extensionId,
    origin: `chrome-extension://${extensionId}`,
    async openPage(path) {
      const page = await browser.newPage();
      await page.goto(`chrome-extension://${extensionId}${path}`);
      return page;
    },
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
      rmSync(downloads, { recursive: true, force: true });
    },
  };
}

/** Firefox's internal UUID for the add-on, fixed by a pref so its pages' URLs are known in advance. */
const FIREFOX_UUID = '0b5d3a2e-5c1f-4e8a-9f2b-7d6c4e3b2a10';
const GECKO_ID = 'backdrop@backdrop.invalid';

/**
 * Firefox over WebDriver BiDi. BiDi cannot evaluate in the background page nor navigate a tab to an
 * extension page, but it can evaluate in an extension page the extension opened itself: the test
 * build opens its bridge page (src/test-hooks/bridge.ts) on install, whose global carries the
 * background's `backdrop` seam and the engine's `backdropDebug`. `worker()` and `offscreen()` both
 * evaluate there; `worker()` wakes the event page first (Firefox suspends it when idle).
 */
async function launchFirefox(extensionDir: string, prefs: Record<string, unknown>): Promise<ExtensionBrowser> {
  const profile = mkdtempSync(join(tmpdir(), 'backdrop-firefox-'));
  const downloads = mkdtempSync(join(tmpdir(), 'backdrop-downloads-'));
  const rdpPort = await freePort();
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: FIREFOX,
    headless: true,
    protocol: 'webDriverBiDi',
    userDataDir: profile,
    // The devtools server, for terminating the event page (tests/support/firefox-rdp.ts).
    args: ['--start-debugger-server', String(rdpPort)],
    extraPrefsFirefox: {
      'devtools.debugger.remote-enabled': true,
      'devtools.chrome.enabled': true,
      'devtools.debugger.prompt-connection': false,
      // downloads.download saves here without asking.
      'browser.download.dir': downloads,
      'browser.download.folderList': 2,
      'browser.download.useDownloadDir': true,
      'browser.download.always_ask_before_handling_new_types': false,
      'browser.download.panel.shown': true,
      'extensions.webextensions.uuids': JSON.stringify({ [GECKO_ID]: FIREFOX_UUID }),
      // A closed network: nothing to update, report or fetch.
      'app.update.enabled': false,
      'datareporting.policy.dataSubmissionEnabled': false,
      'browser.safebrowsing.update.enabled': false,
      'network.captive-portal-service.enabled': false,
      ...prefs,
    },
  });
  const rdp = await FirefoxRdp.connect(rdpPort);
  const origin = `moz-extension://${FIREFOX_UUID}`;
  await browser.installExtension(extensionDir);

  /** The tab showing `url` (BiDi's cached URL of a tab the extension opened can be stale: ask the page). */
  const pageAt = async (match: (url: string) => boolean, what: string) => {
    for (let i = 0; i < 400; i++) {
      for (const p of await browser.pages()) {
        const url = await p.evaluate(() => location.href).catch(() => '');
        if (match(url)) return p;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`no tab showing ${what}`);
  };
  const bridge = await pageAt((u) => u === `${origin}/test-bridge.html`, 'the test bridge');
  await bridge.waitForFunction(() => 'backdropBridge' in globalThis, { timeout: 20_000 });

  const wake = async () => {
    for (let i = 0; !(await bridge.evaluate(() => (globalThis as unknown as { backdropBridge: { wake(): Promise<boolean> } }).backdropBridge.wake())); i++) {
      if (i > 200) throw new Error('the background never exposed globalThis.backdrop');
      await new Promise((r) => setTimeout(r, 25));
    }
  };
  /** The bridge page, its evaluate waking the background first: what a test does with Chrome's worker. */
  const background = new Proxy(bridge, {
    get(target, key, receiver) {
      if (key === 'evaluate') {
        return async (...args: Parameters<Page['evaluate']>) => {
          await wake();
          return target.evaluate(...args);
        };
      }
      const v = Reflect.get(target, key, receiver);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
  const worker = async () => background as unknown as WebWorker;
  const offscreen = async () => {
    await wake();
    await bridge.waitForFunction(() => globalThis.backdropDebug !== undefined, { timeout: 20_000 });
    return background;
  };
  const tabId = async (page: Page) => {
    const url = page.url();
    const id = await background.evaluate(async (url) => {
      const tabs: { id?: number; url?: string }[] = await globalThis.chrome.tabs.query({});
      return tabs.find((t) => t.url === url)?.id;
    }, url);
    if (id === undefined) throw new Error(`no tab for ${url}`);
    return id;
  };

  return {
    browser,
    kind: 'firefox',
    downloads,
    async stopBackground() {
      // Firefox cancels a suspension when an event reaches the page while its onSuspend runs (a busy
      // batch sends many), and terminateBackgroundScript still answers: terminate again until the
      // page marked is dead, asked through the bridge's old reference so no new page is woken.
      for (let attempt = 1; ; attempt++) {
        await background.evaluate(async () => {
          const bg = await globalThis.chrome.runtime.getBackgroundPage() as unknown as { stoppedWorkerMarker?: boolean };
          bg.stoppedWorkerMarker = true;
        });
        await rdp.terminateBackground(GECKO_ID);
        for (let i = 0; i < 20; i++) {
          const dead = await bridge.evaluate(() => {
            try {
              return (globalThis as unknown as { backdropBridge: { page(): Window | null } }).backdropBridge.page()?.closed !== false;
            } catch {
              return true; // "can't access dead object": the page is gone
            }
          });
          if (dead) return;
          await new Promise((r) => setTimeout(r, 50));
        }
        if (attempt === 10) throw new Error('Firefox kept the event page running through 10 terminations');
      }
    },
    async backgroundWasRestarted() {
      return background.evaluate(async () => {
        const bg = await globalThis.chrome.runtime.getBackgroundPage() as unknown as { stoppedWorkerMarker?: boolean };
        return bg.stoppedWorkerMarker === undefined;
      });
    },
    async markContexts() {
      const mark = `m${Math.random()}`;
      const contexts = () => {
        const bg = (globalThis as unknown as { backdropBridge: { page(): Window & { contextMark?: string } } }).backdropBridge.page();
        const frame = bg.document.getElementById('backdrop-engine') as HTMLIFrameElement | null;
        return [bg, frame?.contentWindow as (Window & { contextMark?: string }) | null] as const;
      };
      await background.evaluate(`(${contexts})().forEach((w) => { if (w) w.contextMark = ${JSON.stringify(mark)}; })`);
      return {
        async same() {
          const [bg, engine] = await background.evaluate(`(${contexts})().map((w) => w?.contextMark)`) as [string?, string?];
          return { background: bg === mark, engine: engine === mark };
        },
      };
    },
    extensionId: FIREFOX_UUID,
    origin,
    async openPage(path) {
      const url = `${origin}${path}`;
      await background.evaluate((url) => globalThis.chrome.tabs.create({ url }), url);
      return pageAt((u) => u === url, url);
    },
    worker,
    offscreen,
    tabId,
    async startOffscreen() {
      await background.evaluate(() => globalThis.backdrop.ensureOffscreen());
      return offscreen();
    },
    async click(menuItemId, page, srcUrl, extra = {}) {
      const id = await tabId(page);
      return background.evaluate(
        (info, id) => globalThis.backdrop.handleContextMenuClick(info, { id }),
        { menuItemId, srcUrl, frameId: 0, pageUrl: page.url(), editable: false, ...extra }, id,
      );
    },
    async close() {
      const proc = browser.process();
      rdp.close();
      await browser.close().catch(() => proc?.kill('SIGKILL'));
      rmSync(profile, { recursive: true, force: true });
      rmSync(downloads, { recursive: true, force: true });
    },
  };
}
