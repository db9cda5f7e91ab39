/**
 * Drives one browser with the built extension the way a user does: the service worker's registered
 * context-menu handler, timed inside the worker, and the offscreen document's debug surface.
 */
import type { CDPSession, Page } from 'puppeteer-core';
import { launchWithExtension, type ExtensionBrowser } from '../support/browser';
import { callDebug, type BackdropDebug, type DebugResult } from '../support/debug';
import type { MemoryPoint, ModelTimes, Sample } from './record';
import { median, sum } from './stats';
import { DEFAULT_STYLE_ID } from '../../src/styles/builtins';

type ClickOutcome = { ok: boolean; error?: { code: string; message: string } } | undefined;

export class Driver {
  private offscreenPage?: Page;
  private cdp?: CDPSession;

  private constructor(readonly ext: ExtensionBrowser, readonly page: Page) {}

  static async launch(origin: string, path: string, extraArgs: string[] = [], which?: 'chromium' | 'firefox'): Promise<Driver> {
    const ext = await launchWithExtension(undefined, extraArgs, {}, which);
    const page = await ext.browser.newPage();
    await page.setViewport({ width: 1280, height: 900 });
    await page.goto(origin + path, { waitUntil: 'load' });
    return new Driver(ext, page);
  }

  /** Another tab in the same browser, driven the same way. */
  async newTab(url: string): Promise<Driver> {
    const page = await this.ext.browser.newPage();
    await page.setViewport({ width: 1280, height: 900 });
    await page.goto(url, { waitUntil: 'load' });
    return new Driver(this.ext, page);
  }

  async goto(url: string) {
    await this.page.goto(url, { waitUntil: 'load' });
  }

  close() {
    return this.ext.close();
  }

  /** Calls the worker's context-menu handler as Chrome does and times it there, to the swapped image. */
  async click(menuItemId: string, srcUrl?: string): Promise<{ outcome: ClickOutcome; ms: number }> {
    const tabId = await this.ext.tabId(this.page);
    const worker = await this.ext.worker();
    return worker.evaluate(async (info, id) => {
      const t0 = performance.now();
      const outcome = await globalThis.backdrop.handleContextMenuClick(info, { id });
      // The benchmark clicks the stylize items only, whose outcome is a job's (the menu's other items reply otherwise).
      return { outcome: outcome as ClickOutcome, ms: performance.now() - t0 };
    }, { menuItemId, srcUrl, frameId: 0, pageUrl: this.page.url(), editable: false }, tabId);
  }

  /** A person's right-click on the image `#id` (a trusted contextmenu event: the extension reads the image ahead). */
  async rightClick(id: string) {
    await this.page.click(`#${id}`, { button: 'right' });
  }

  /** The image URL the last stylize() started from. */
  lastSrc?: string;

  /** One stylization of the image `#id`, with its stage timings. */
  async stylize(id: string): Promise<Sample> {
    const src = await this.page.$eval(`#${id}`, (el) => (el as HTMLImageElement).currentSrc);
    this.lastSrc = src;
    const { outcome, ms } = await this.click('stylize-background', src);
    if (!outcome?.ok) throw new Error(`stylizing ${src} failed: ${JSON.stringify(outcome)}`);
    const stages = await this.debug('lastTimings');
    return { e2e: ms, stages, messageSwap: ms - sum(Object.values(stages)) };
  }

  /** Puts the original back (untimed) and gives the image a fresh URL, so the next run starts from the bytes. */
  async reset(id: string, variant: string) {
    const [shown, stylized] = await this.page.$eval(`#${id}`, (el) => [el.getAttribute('src'), el.hasAttribute('data-backdrop-stylized')] as const);
    if (stylized && shown) await this.click('restore-original', shown);
    const url = await this.page.$eval(`#${id}`, (el, variant) => {
      const img = el as HTMLImageElement;
      img.src = `${img.src.split('?')[0]}?v=${variant}`;
      return img.src;
    }, variant);
    // Waits for the load rather than img.decode(), which rejects when anything touches the image meanwhile.
    await this.page.waitForFunction((id, url) => {
      const img = document.getElementById(id) as HTMLImageElement;
      return img.currentSrc === url && img.complete && img.naturalWidth > 0;
    }, { timeout: 30_000, polling: 20 }, id, url).catch(async (e) => {
      const state = await this.page.$eval(`#${id}`, (el) => {
        const img = el as HTMLImageElement;
        return { src: img.src.slice(0, 100), currentSrc: img.currentSrc.slice(0, 100), complete: img.complete, naturalWidth: img.naturalWidth };
      });
      throw new Error(`#${id} never loaded ${url}: ${JSON.stringify(state)} (${(e as Error).message})`);
    });
  }

  async isStylized(id: string) {
    return this.page.$eval(`#${id}`, (el) => el.hasAttribute('data-backdrop-stylized'));
  }

  /** The offscreen document (again after the extension closed and recreated it, e.g. on a settings change). */
  async offscreen(): Promise<Page> {
    if (!this.offscreenPage || this.offscreenPage.isClosed() || this.offscreenPage.mainFrame().detached) {
      this.offscreenPage = await this.ext.offscreen();
      this.cdp = undefined;
    }
    return this.offscreenPage;
  }

  /** Calls a function of the offscreen document's backdropDebug. */
  async debug<K extends keyof BackdropDebug>(name: K, ...args: Parameters<BackdropDebug[K]>): Promise<DebugResult<K>> {
    return callDebug(await this.offscreen(), name, ...args);
  }

  /**
   * Raw model runs (backdropDebug.timeModels): at fixed inputs, or with `imageUrl` on the inputs the
   * pipeline makes of that image and the bottleneck of the style a click uses; with `pauseMs`, each
   * pair after that long idle.
   */
  async timeModels(n: number, threads: number, imageUrl?: string, pauseMs = 0): Promise<ModelTimes> {
    const photo = imageUrl ? { imageUrl, styleId: await this.activeStyleId() } : undefined;
    const t = await this.debug('timeModels', n, threads, 'fp16', false, photo, pauseMs);
    return { threads, ...t, sumMedian: median(t.segmentation) + median(t.transfer) };
  }

  /** The style a context-menu click paints with (the settings' active style). */
  async activeStyleId(): Promise<string> {
    const worker = await this.ext.worker();
    const stored = await worker.evaluate(async () => (await globalThis.chrome.storage.local.get('settings')).settings?.styleId as string | undefined);
    return stored ?? DEFAULT_STYLE_ID;
  }

  /**
   * Sets `threads` in the stored settings, keeping the rest, and returns the previous value (0,
   * automatic, when unset). A change closes the offscreen document (the next job starts a fresh one):
   * this waits until it is gone.
   */
  async setThreads(threads: number): Promise<number> {
    const worker = await this.ext.worker();
    const previous = await worker.evaluate(async (threads) => {
      const storage = globalThis.chrome.storage.local;
      const { settings } = await storage.get('settings');
      await storage.set({ settings: { ...settings, threads } });
      return settings?.threads ?? 0;
    }, threads);
    if (previous !== threads) {
      for (let i = 0; i < 100 && this.ext.browser.targets().some((t) => t.url().endsWith('/offscreen.html')); i++) {
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    return previous;
  }

  /** Sets `detail` in the stored settings, keeping the rest. */
  async setDetail(detail: 'standard' | 'high' | 'full'): Promise<void> {
    const worker = await this.ext.worker();
    await worker.evaluate(async (detail) => {
      const storage = globalThis.chrome.storage.local;
      const { settings } = await storage.get('settings');
      await storage.set({ settings: { ...settings, detail } });
    }, detail);
  }

  /** The offscreen document's JS heap (CDP Runtime.getHeapUsage, after a GC when asked) and wasm memory. */
  async memory(run: number, gc: boolean): Promise<MemoryPoint> {
    const page = await this.offscreen(); // first: it drops a session of a replaced document
    this.cdp ??= await page.createCDPSession();
    if (gc) await this.cdp.send('HeapProfiler.collectGarbage');
    const heap = await this.cdp.send('Runtime.getHeapUsage');
    const wasm = await this.debug('runtimeMemory');
    return { run, jsHeapUsed: heap.usedSize, jsHeapTotal: heap.totalSize, arrayBuffers: heap.backingStorageSize, ...wasm };
  }
}
