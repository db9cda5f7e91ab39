/**
 * Warm-up on right-click: the context menu is open for a moment before "Stylize background" is
 * chosen. Telling the extension then lets it start the offscreen document, the runtime, the models
 * and the style's bottleneck while the person reads the menu.
 */
import { browser } from 'wxt/browser';

const QUIET_MS = 20_000;
let last = 0;

export function warmOnContextMenu(doc: Document = document) {
  doc.addEventListener('contextmenu', (e) => {
    if (!(e.target instanceof HTMLImageElement)) return;
    const now = Date.now();
    if (now - last < QUIET_MS) return;
    last = now;
    void browser.runtime.sendMessage({ to: 'background', type: 'warm' }).catch(() => {});
  }, { capture: true, passive: true });
}
