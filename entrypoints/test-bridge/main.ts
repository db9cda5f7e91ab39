/**
 * Test build only (wxt.config.ts drops this page from every other build): the Firefox e2e harness's
 * way into the background. WebDriver BiDi cannot evaluate in Firefox's background page, nor open an
 * extension page itself, but it can evaluate in an extension page the extension opened in a tab
 * (src/test-hooks/bridge.ts opens this one on install). Code evaluated here finds the background's
 * `backdrop` seam and the engine's `backdropDebug` on its own global, as it does in Chrome's service
 * worker and offscreen document (tests/support/browser.ts).
 */
import { browser } from 'wxt/browser';
import { exposeBackground } from '../../src/test-hooks/bridge';

exposeBackground(globalThis, () => browser.runtime.getBackgroundPage() as Promise<Window | null>);
