/**
 * The Firefox e2e harness's bridge (test build only; entrypoints/test-bridge): an extension page in a
 * tab whose global carries the background's `backdrop` seam and the engine frame's `backdropDebug`,
 * so the same test code runs against Chrome's service worker and offscreen document and against
 * Firefox's event page and its engine frame.
 */
import { browser } from 'wxt/browser';

type Background = Window & { backdrop?: unknown };
const ENGINE_FRAME_ID = 'backdrop-engine';

/**
 * Gives `target` getters for `backdrop` and `backdropDebug`, read from the live background page.
 * Firefox suspends an idle event page and starts a new one on the next event: `backdropBridge.wake()`
 * (awaited by the harness before each evaluation) fetches the current one.
 */
export function exposeBackground(target: typeof globalThis, backgroundPage: () => Promise<Window | null>) {
  let bg: Background | null = null;
  const wake = async () => {
    bg = (await backgroundPage()) as Background | null;
    return bg !== null && bg.backdrop !== undefined;
  };
  Object.defineProperties(target, {
    backdrop: { configurable: true, get: () => bg?.backdrop },
    backdropDebug: {
      configurable: true,
      get: () => ((bg?.document.getElementById(ENGINE_FRAME_ID) as HTMLIFrameElement | null)?.contentWindow as { backdropDebug?: unknown } | null | undefined)?.backdropDebug,
    },
    backdropBridge: { configurable: true, value: { wake, page: () => bg } },
  });
}

/** The background's part (test build, Firefox): open the bridge once, when the add-on is installed. */
export function openBridgeOnInstall() {
  browser.runtime.onInstalled.addListener(() => {
    void browser.tabs.create({ url: browser.runtime.getURL('/test-bridge.html' as '/popup.html'), active: false });
  });
}
