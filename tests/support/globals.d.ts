/**
 * The extension's globals the tests and the benchmark reach inside `page.evaluate` / `worker.evaluate` callbacks:
 * those run in the extension's contexts, but are type-checked here, so they are declared once, typed, instead of
 * cast at every use. (Being global declarations, they type-check in src/ too: src/ uses `browser` from
 * wxt/browser, never these.)
 */
import type { Browser } from 'wxt/browser';
import type { handleContextMenuClick } from '../../src/background/menus';
import type { closeOffscreen, ensureOffscreen } from '../../src/background/offscreen';
import type { handleBatchCommand, handleCommand } from '../../src/background/batch-runner';
import type { BackdropDebug } from '../../src/offscreen/debug';

/** The service worker's seam (entrypoints/background.ts), in every build: the very functions Chrome's events call. */
export interface BackdropSeam {
  handleContextMenuClick: typeof handleContextMenuClick;
  handleCommand: typeof handleCommand;
  ensureOffscreen: typeof ensureOffscreen;
  closeOffscreen: typeof closeOffscreen;
  /** Test build: runtime.sendMessage from the background itself (the engine takes work from no other sender). */
  sendFromBackground(message: unknown): Promise<unknown>;
  handleBatchCommand: typeof handleBatchCommand;
}

declare global {
  /** The offscreen document's debug surface (src/offscreen/debug.ts): in the test build only. */
  var backdropDebug: BackdropDebug;
  /** In the service worker: its seam. */
  var backdrop: BackdropSeam;
  /** The extension APIs, in the extension's own contexts (service worker, offscreen document, popup). */
  var chrome: Browser;
  /** Markers tests set on a context's global to see it survive (or not). */
  var hostileMark: string | undefined;
  var stoppedWorkerMarker: unknown;
  var contextMark: string | undefined;
}
