/**
 * Swapping a stylized result into the exact element and back. The swap has to stick: `srcset` on
 * the <img> and on its <picture><source> siblings would make the browser pick another candidate
 * again, so they are set aside (and kept for restore). The rendered box stays what it was.
 */

interface SavedAttr { el: Element; name: string; value: string | null }

interface Original {
  attrs: SavedAttr[];
  inlineWidth: string;
  inlineHeight: string;
  /** The URL the image showed before it was stylized. */
  url: string;
  /** The result's URL, as set on the image: a page that sets another `src` has taken the image back. */
  shown: string;
}

const originals = new WeakMap<HTMLImageElement, Original>();
export const STYLIZED_ATTR = 'data-backdrop-stylized';

/** Whether `img` shows a Backdrop result now (not the page's own picture again). */
export const isStylized = (img: HTMLImageElement) => {
  const saved = originals.get(img);
  return saved !== undefined && img.getAttribute('src') === saved.shown;
};
export const originalUrl = (img: HTMLImageElement) => (isStylized(img) ? originals.get(img)!.url : undefined);

function saveAttrs(img: HTMLImageElement): SavedAttr[] {
  const saved: SavedAttr[] = [];
  const keep = (el: Element, name: string) => saved.push({ el, name, value: el.getAttribute(name) });
  for (const name of ['src', 'srcset', 'sizes']) keep(img, name);
  if (img.parentElement instanceof HTMLPictureElement) {
    for (const source of img.parentElement.querySelectorAll(':scope > source')) {
      keep(source, 'srcset');
      keep(source, 'sizes');
    }
  }
  return saved;
}

/**
 * Loads `url` into a detached image and resolves to it (undefined if the page refuses it): an
 * element set to the URL afterwards switches in one step from the memory cache, without partial
 * paints while it streams, and the detached image keeps the result alive until ./release.ts lets
 * go of it.
 */
export const loadDetached = (url: string) => new Promise<HTMLImageElement | undefined>((resolve) => {
  const holder = new Image();
  holder.onload = () => resolve(holder);
  holder.onerror = () => resolve(undefined);
  holder.src = url;
});

/** Replaces what `img` shows by `url`, keeping its rendered size and everything needed to restore it. */
export async function swapImage(img: HTMLImageElement, url: string): Promise<void> {
  const before = img.getBoundingClientRect();
  if (!isStylized(img)) {
    originals.set(img, {
      attrs: saveAttrs(img),
      inlineWidth: img.style.width,
      inlineHeight: img.style.height,
      url: img.currentSrc || img.src,
      shown: url,
    });
  }
  const saved = originals.get(img)!;
  saved.shown = url;
  for (const { el, name } of saved.attrs) if (name !== 'src') el.removeAttribute(name);
  img.src = url;
  img.setAttribute(STYLIZED_ATTR, '');
  await new Promise<void>((resolve, reject) => {
    if (img.complete && img.currentSrc === url) return resolve();
    img.addEventListener('load', () => resolve(), { once: true });
    img.addEventListener('error', () => reject(new Error('The page refused to show the stylized image.')), { once: true });
  }).catch((e) => {
    restoreImage(img);
    throw e;
  });
  // A density-described srcset (2x…) or missing width/height attributes would change the box: pin it.
  const after = img.getBoundingClientRect();
  if (before.width > 0 && (Math.abs(after.width - before.width) > 0.5 || Math.abs(after.height - before.height) > 0.5)) {
    const cs = getComputedStyle(img);
    const boxW = cs.boxSizing === 'border-box' ? before.width : before.width - px(cs.paddingLeft) - px(cs.paddingRight) - px(cs.borderLeftWidth) - px(cs.borderRightWidth);
    const boxH = cs.boxSizing === 'border-box' ? before.height : before.height - px(cs.paddingTop) - px(cs.paddingBottom) - px(cs.borderTopWidth) - px(cs.borderBottomWidth);
    img.style.width = `${boxW}px`;
    img.style.height = `${boxH}px`;
  }
}

const px = (v: string) => parseFloat(v) || 0;

/** Puts back the original `src`, `srcset`, `sizes`, <source> candidates and inline size. */
export function restoreImage(img: HTMLImageElement): boolean {
  const saved = originals.get(img);
  if (!saved) return false;
  originals.delete(img);
  // The page showed its own picture again meanwhile: that stays.
  if (img.getAttribute('src') !== saved.shown) {
    img.removeAttribute(STYLIZED_ATTR);
    return false;
  }
  // Sources first, then the <img> itself, so the browser selects among the original candidates once.
  for (const { el, name, value } of [...saved.attrs].reverse()) {
    if (value === null) el.removeAttribute(name);
    else el.setAttribute(name, value);
  }
  img.style.width = saved.inlineWidth;
  img.style.height = saved.inlineHeight;
  img.removeAttribute(STYLIZED_ATTR);
  delete img.dataset.backdropStyle;
  return true;
}
