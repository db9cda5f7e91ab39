/**
 * Which elements a batch stylizes: pure rules over facts the content script measures, so they can
 * be tested without a page. An element qualifies when it shows one real raster image at a size
 * worth painting; icons, sprites, tracking pixels, SVG and what is already stylized stay as they are.
 */
import { MIN_SIDE } from '../messaging/protocol';
import { isQueueableUrl } from '../messaging/batch';

/** The smallest rendered box (CSS px, both sides) a batch touches. */
export const MIN_RENDERED_SIDE = 96;

export interface ImageFacts {
  kind: 'img' | 'background';
  /** Absolute URL of what the element shows (currentSrc for <img>), '' if unknown. */
  url: string;
  renderedWidth: number;
  renderedHeight: number;
  /** Natural size when known (a loaded image); 0 when it failed to load or is not loaded yet. */
  naturalWidth: number;
  naturalHeight: number;
  stylized: boolean;
  /** Computed background-position / -size of a CSS background (ignored for <img>). */
  backgroundPosition?: string;
  backgroundSize?: string;
}

export type SkipReason = 'no-url' | 'scheme' | 'svg' | 'small' | 'icon' | 'sprite' | 'stylized';
export type Verdict = { eligible: true } | { eligible: false; reason: SkipReason };

/** The one url() of a computed `background-image`; undefined for none, gradients or several layers. */
export function backgroundUrl(value: string): string | undefined {
  const v = value.trim();
  const m = /^url\(\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'|([^)"'\s]*))\s*\)$/.exec(v);
  if (!m) return undefined;
  const raw = m[1] ?? m[2] ?? m[3] ?? '';
  return raw.replace(/\\(.)/g, '$1') || undefined;
}

/** SVG drawings, by their address (a data: type or the file extension). */
export function looksLikeSvg(url: string): boolean {
  if (/^data:image\/svg\+xml[;,]/i.test(url)) return true;
  try {
    return /\.svgz?$/i.test(new URL(url).pathname);
  } catch {
    return false;
  }
}

/**
 * A sprite shows a piece of a larger sheet: a CSS background pulled into place by a negative offset,
 * or a natural image far larger than its box at its natural scale (background-size auto).
 */
export function looksLikeSprite(f: ImageFacts): boolean {
  if (f.kind !== 'background') return false;
  if (/(^|\s)-\d/.test(f.backgroundPosition ?? '')) return true;
  const autoSize = !f.backgroundSize || /^auto( auto)?$/.test(f.backgroundSize);
  return autoSize && f.naturalWidth > 0 && (f.naturalWidth > 2 * f.renderedWidth || f.naturalHeight > 2 * f.renderedHeight);
}

export function classify(f: ImageFacts): Verdict {
  if (f.stylized) return { eligible: false, reason: 'stylized' };
  if (!f.url) return { eligible: false, reason: 'no-url' };
  if (looksLikeSvg(f.url)) return { eligible: false, reason: 'svg' };
  if (!isQueueableUrl(f.url)) return { eligible: false, reason: 'scheme' };
  if (f.renderedWidth < MIN_RENDERED_SIDE || f.renderedHeight < MIN_RENDERED_SIDE) return { eligible: false, reason: 'small' };
  // Known natural size: icons and tracking pixels blown up by CSS are still icons.
  if (f.naturalWidth > 0 && (f.naturalWidth < MIN_SIDE || f.naturalHeight < MIN_SIDE)) return { eligible: false, reason: 'icon' };
  if (looksLikeSprite(f)) return { eligible: false, reason: 'sprite' };
  return { eligible: true };
}

/** True when a box intersects the viewport (rect in viewport coordinates). */
export function inViewport(rect: { top: number; left: number; bottom: number; right: number }, vw: number, vh: number): boolean {
  return rect.bottom > 0 && rect.right > 0 && rect.top < vh && rect.left < vw;
}
