/** Finding the element a context-menu click was about. */

let lastContextTarget: Element | undefined;

/** Remembers the element under the last right-click (the menu's info only gives its URL). */
export function trackContextMenu(doc: Document = document) {
  doc.addEventListener('contextmenu', (e) => {
    lastContextTarget = e.target instanceof Element ? e.target : undefined;
  }, { capture: true, passive: true });
}

const sameUrl = (a: string, b: string) => {
  if (a === b) return true;
  try {
    return new URL(a, document.baseURI).href === new URL(b, document.baseURI).href;
  } catch {
    return false;
  }
};

export function imageMatches(img: HTMLImageElement, srcUrl: string): boolean {
  return sameUrl(img.currentSrc, srcUrl) || sameUrl(img.src, srcUrl);
}

/** The <img> showing `srcUrl`: the one right-clicked if it matches, else the first on the page that does. */
export function findImage(srcUrl: string, doc: Document = document): HTMLImageElement | undefined {
  const clicked = lastContextTarget;
  if (clicked instanceof HTMLImageElement && clicked.isConnected && imageMatches(clicked, srcUrl)) return clicked;
  // What an image shows (currentSrc) beats what its src attribute says: with srcset or <picture>
  // the same URL can be one image's unused fallback and another's current picture.
  const images = [...doc.images];
  return images.find((img) => sameUrl(img.currentSrc, srcUrl)) ?? images.find((img) => sameUrl(img.src, srcUrl));
}
