/**
 * Warm-up on right-click: the context menu is open for a moment before "Stylize background" is
 * chosen. Telling the extension then lets it start the offscreen document, the runtime, the models
 * and the style's bottleneck, and read the image itself (and, for "What I right-click on", find the
 * object under the pointer), while the person reads the menu.
 */
import { browser } from 'wxt/browser';
import { sendFromContent } from '../messaging/send';
import { isFetchableUrl } from '../messaging/validate';
import { pointOnPicture } from './click-point';

/** The URL the extension may read ahead for a right-clicked image: one the page shows from the network. */
export function readAheadUrl(img: Pick<HTMLImageElement, 'complete' | 'naturalWidth' | 'currentSrc'>): string | undefined {
  const src = img.currentSrc;
  // data: and blob: images (a stylized one among them: it restyles from its prepared original) are read on the click.
  return img.complete && img.naturalWidth > 0 && isFetchableUrl(src) ? src : undefined;
}

export function warmOnContextMenu(doc: Document = document) {
  doc.addEventListener('contextmenu', (e) => {
    // Only a person's right-click: a page dispatching events cannot make Backdrop fetch anything.
    if (!e.isTrusted || !(e.target instanceof HTMLImageElement)) return;
    const point = pointOnPicture(e.target, e.clientX, e.clientY);
    void sendFromContent({ to: 'background', type: 'warm', srcUrl: readAheadUrl(e.target), ...(point ? { point } : {}) }).catch(() => {});
  }, { capture: true, passive: true });
}
