/**
 * Putting a result's URL into the exact element, and taking it out again: an <img> (its `src`) or an
 * element's CSS background (an inline `background-image`). Only ./results.ts calls these; it decides
 * what is shown where.
 *
 * The swap has to stick: `srcset` and `sizes` on the <img> and on its <picture><source> siblings
 * would make the browser pick another candidate again, so they are set aside. The rendered box stays
 * what it was. Restore puts back every attribute the swap touched exactly as the page wrote it: the
 * same values, the inline style's very text (the browser would re-serialize it: spaces, a trailing
 * semicolon, an empty style=""), and the attributes in their order.
 *
 * A compare (./compare.ts, through ./results.ts) shows the page's own picture for a moment and then
 * the result again: `peekOriginal` and `endPeek`. The original stays held by a detached image from
 * before the swap, so showing it again takes it from memory: no new request (Chromium would fetch a
 * `no-store` image anew once nothing held it) and nothing for the page to decode but what it had.
 */
import { t } from '../i18n/t';

/** Marks an <img> showing a result in place. */
export const STYLIZED_ATTR = 'data-backdrop-stylized';
/** Marks an element whose CSS background shows a result. */
export const BG_STYLIZED_ATTR = 'data-backdrop-bg-stylized';

interface SavedAttr { name: string; value: string | null }

/** An element the swap changes, as the page had it. */
interface SavedElement {
  el: Element;
  attrs: SavedAttr[];
  /** Every attribute name, in order, to put them back in that order. */
  order: string[];
}

interface Original {
  kind: 'img' | 'background';
  /** The element itself first, then an <img>'s <source> siblings. */
  elements: SavedElement[];
  /** The inline style as the page wrote it (`attr`), and as the browser reads it (`cssText`). */
  style: { attr: string | null; cssText: string };
  /** A background's inline `background-image` before the swap: its value and priority. */
  background?: [string, string];
  /** An <img>'s inline size before the swap pinned it (undefined: not pinned). */
  pinned?: { width: string; height: string };
  /** The URL the element showed before: an <img>'s current source, a background's url(). */
  url: string;
  /** The result's URL, as set on the element: a page that sets another has taken the element back. */
  shown: string;
  /** A detached image holding the page's own picture while the result shows (for a compare). */
  keep?: HTMLImageElement;
  /** While a compare shows the original: what it set (an <img>'s `src`, a background's inline value). */
  peek?: string;
}

const originals = new WeakMap<Element, Original>();

const save = (el: Element, names: string[]): SavedElement => ({
  el, order: el.getAttributeNames(), attrs: names.map((name) => ({ name, value: el.getAttribute(name) })),
});

function saveImage(img: HTMLImageElement, url: string): Original {
  const elements = [save(img, ['src', 'srcset', 'sizes'])];
  if (img.parentElement instanceof HTMLPictureElement) {
    for (const source of img.parentElement.querySelectorAll(':scope > source')) elements.push(save(source, ['srcset', 'sizes']));
  }
  const original = img.currentSrc || img.src;
  return {
    kind: 'img', elements, style: { attr: img.getAttribute('style'), cssText: img.style.cssText },
    url: original, shown: url,
    keep: img.complete && img.naturalWidth > 0 ? keepPicture(original, img.crossOrigin, img.referrerPolicy) : undefined,
  };
}

/**
 * A detached image of `url`, made while the element still shows it, so it is the very resource the
 * page loaded (the same request mode, or it would be another entry of the browser's cache).
 */
function keepPicture(url: string, crossOrigin: string | null = null, referrerPolicy = ''): HTMLImageElement | undefined {
  if (!url) return undefined;
  const keep = new Image();
  if (crossOrigin !== null) keep.crossOrigin = crossOrigin;
  if (referrerPolicy) keep.referrerPolicy = referrerPolicy;
  keep.src = url;
  return keep;
}

/** The URL a CSS background of `el` shows (undefined: none, or not one plain url()). */
function backgroundUrlOf(el: HTMLElement): string | undefined {
  const m = /^url\(\s*"((?:[^"\\]|\\.)*)"\s*\)$/.exec(getComputedStyle(el).backgroundImage.trim());
  return m?.[1].replace(/\\(.)/g, '$1');
}

/** Whether `el` shows the result set by swapImage or swapBackground now (not what the page put there since). */
export function isSwapped(el: Element): boolean {
  const saved = originals.get(el);
  if (!saved) return false;
  if (saved.kind === 'img') return el.getAttribute('src') === (saved.peek ?? saved.shown);
  if (!(el instanceof HTMLElement)) return false;
  const bg = el.style.getPropertyValue('background-image');
  return saved.peek !== undefined ? bg === saved.peek : bg.includes(saved.shown);
}

/** The URL a swapped element showed before (undefined when it does not show a result now). */
export const originalUrl = (el: Element) => (isSwapped(el) ? originals.get(el)!.url : undefined);

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

const shows = (img: HTMLImageElement, url: string) => new Promise<void>((resolve, reject) => {
  if (img.complete && img.currentSrc === url) return resolve();
  img.addEventListener('load', () => resolve(), { once: true });
  img.addEventListener('error', () => reject(new Error(t('errPageRefusedResult'))), { once: true });
});

/**
 * Makes `img` show `url` (replacing a result it shows already), keeping its rendered size and
 * everything needed to restore it. Resolves once it shows it; rejects, with the image as the page
 * had it, when the page refuses it.
 */
export async function swapImage(img: HTMLImageElement, url: string): Promise<void> {
  const before = img.getBoundingClientRect();
  if (!isSwapped(img)) {
    restoreSwap(img); // a page that took the image back: what it shows now is the original
    originals.set(img, saveImage(img, url));
  }
  const saved = originals.get(img)!;
  saved.shown = url;
  saved.peek = undefined;
  for (const { el, attrs } of saved.elements) for (const { name } of attrs) if (name !== 'src') el.removeAttribute(name);
  // A lazy image out of view would never load its new source: let it load, then put the attribute back.
  const lazy = img.getAttribute('loading') === 'lazy';
  if (lazy) img.setAttribute('loading', 'eager');
  img.src = url;
  img.setAttribute(STYLIZED_ATTR, '');
  try {
    await shows(img, url);
  } catch (e) {
    if (originals.get(img) === saved && saved.shown === url) restoreSwap(img);
    throw e;
  } finally {
    if (lazy && img.getAttribute('loading') === 'eager') img.setAttribute('loading', 'lazy');
  }
  // Another result or a restore came meanwhile: the box is theirs.
  if (originals.get(img) !== saved || saved.shown !== url) return;
  // A density-described srcset (2x…) or missing width/height attributes would change the box: pin it.
  const after = img.getBoundingClientRect();
  if (before.width > 0 && (Math.abs(after.width - before.width) > 0.5 || Math.abs(after.height - before.height) > 0.5)) {
    const cs = getComputedStyle(img);
    const boxW = cs.boxSizing === 'border-box' ? before.width : before.width - px(cs.paddingLeft) - px(cs.paddingRight) - px(cs.borderLeftWidth) - px(cs.borderRightWidth);
    const boxH = cs.boxSizing === 'border-box' ? before.height : before.height - px(cs.paddingTop) - px(cs.paddingBottom) - px(cs.borderTopWidth) - px(cs.borderBottomWidth);
    saved.pinned ??= { width: img.style.width, height: img.style.height };
    img.style.width = `${boxW}px`;
    img.style.height = `${boxH}px`;
  }
}

const px = (v: string) => parseFloat(v) || 0;

/** Makes the CSS background of `el` show `url` (an inline `background-image`, !important), replacing a result it shows already. */
export function swapBackground(el: HTMLElement, url: string): void {
  if (!isSwapped(el)) {
    restoreSwap(el);
    const original = backgroundUrlOf(el) ?? '';
    originals.set(el, {
      kind: 'background', elements: [save(el, [])], style: { attr: el.getAttribute('style'), cssText: el.style.cssText },
      background: [el.style.getPropertyValue('background-image'), el.style.getPropertyPriority('background-image')],
      url: original, shown: url, keep: keepPicture(original),
    });
  }
  const saved = originals.get(el)!;
  saved.shown = url;
  saved.peek = undefined;
  el.style.setProperty('background-image', `url("${url}")`, 'important');
  el.setAttribute(BG_STYLIZED_ATTR, '');
}

/**
 * Shows the page's own picture in a swapped element for a moment, its result kept: an <img>'s
 * original source (the candidate it showed, its srcset still set aside, its box as pinned), or the
 * background as the page's styles give it. True when it does; false when the element does not show
 * a result now, or shows its original already.
 */
export function peekOriginal(el: Element): boolean {
  const saved = originals.get(el);
  if (!saved || saved.peek !== undefined || !isSwapped(el)) return false;
  if (saved.kind === 'img') {
    if (!saved.url) return false;
    el.setAttribute('src', saved.url);
    saved.peek = saved.url;
  } else {
    const style = (el as HTMLElement).style;
    const [value, priority] = saved.background!;
    if (value) style.setProperty('background-image', value, priority);
    else style.removeProperty('background-image');
    saved.peek = style.getPropertyValue('background-image');
  }
  return true;
}

/** Shows the result again after peekOriginal (unless the page put a picture of its own meanwhile: that stays). */
export function endPeek(el: Element): void {
  const saved = originals.get(el);
  if (!saved || saved.peek === undefined) return;
  const ours = isSwapped(el);
  saved.peek = undefined;
  if (!ours) return;
  if (saved.kind === 'img') el.setAttribute('src', saved.shown);
  else (el as HTMLElement).style.setProperty('background-image', `url("${saved.shown}")`, 'important');
}

/**
 * Puts back what the swap changed: the `src`, `srcset`, `sizes` and <source> candidates of an
 * <img>, or the inline style of a background. True when the element showed a result and shows the
 * page's own picture again; false when there was nothing to restore, or the page had already
 * shown a picture of its own in it (which stays).
 */
export function restoreSwap(el: Element): boolean {
  const saved = originals.get(el);
  if (!saved) return false;
  const ours = isSwapped(el);
  originals.delete(el);
  el.removeAttribute(STYLIZED_ATTR);
  el.removeAttribute(BG_STYLIZED_ATTR);
  if (!ours) return false;
  if (saved.kind === 'img') {
    const img = el as HTMLImageElement;
    if (saved.pinned) {
      img.style.width = saved.pinned.width;
      img.style.height = saved.pinned.height;
    }
    // Sources first, then the <img> itself, so the browser selects among the original candidates once.
    for (const { el: e, attrs } of [...saved.elements].reverse()) {
      for (const { name, value } of attrs) {
        if (value === null) e.removeAttribute(name);
        else if (e.getAttribute(name) !== value) e.setAttribute(name, value);
      }
    }
  }
  const style = (el as HTMLElement).style;
  if (saved.background) {
    const [value, priority] = saved.background;
    if (value) style.setProperty('background-image', value, priority);
    else style.removeProperty('background-image');
  }
  // The style attribute's exact text, when the inline style is again what it was (the page changed
  // nothing else in it meanwhile).
  if (style.cssText === saved.style.cssText) {
    if (saved.style.attr === null) el.removeAttribute('style');
    else if (el.getAttribute('style') !== saved.style.attr) el.setAttribute('style', saved.style.attr);
  }
  for (const s of [...saved.elements].reverse()) reorder(s);
  return true;
}

/**
 * Puts an element's attributes back in the order the page had them: an attribute set aside and put
 * back comes last otherwise. Those of the page's since come after its original ones.
 */
function reorder({ el, order }: SavedElement) {
  const now = el.getAttributeNames();
  const want = [...order.filter((n) => el.hasAttribute(n)), ...now.filter((n) => !order.includes(n))];
  const first = want.findIndex((n, i) => now[i] !== n);
  if (first < 0) return;
  for (const name of want.slice(first)) {
    const value = el.getAttribute(name)!;
    el.removeAttribute(name);
    el.setAttribute(name, value);
  }
}
