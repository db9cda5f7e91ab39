/**
 * Where on its picture a person right-clicked an image, for "What I right-click on": the point as
 * fractions of the picture's width and height, through the element's `object-fit` and
 * `object-position`. Only a person's own right-click counts: a page dispatching events cannot choose
 * what is kept.
 */
import type { PickPoint } from '../messaging/protocol';

const points = new WeakMap<Element, PickPoint>();

/** The point last right-clicked on `img` (kept for a restyle from the popup), if any. */
export const clickPointOf = (img: Element) => points.get(img);

export function trackClickPoints(doc: Document = document) {
  doc.addEventListener('contextmenu', (e) => {
    if (!e.isTrusted || !(e.target instanceof HTMLImageElement)) return;
    const point = pointOnPicture(e.target, e.clientX, e.clientY);
    if (point) points.set(e.target, point);
  }, { capture: true, passive: true });
}

/** The fraction 0…1 of `length` that a `object-position` component names (a length or a percentage; center otherwise). */
function position(value: string | undefined, free: number): number {
  if (!value) return free / 2;
  const v = value.trim();
  if (v === 'left' || v === 'top') return 0;
  if (v === 'right' || v === 'bottom') return free;
  if (v.endsWith('%')) return (parseFloat(v) / 100) * free;
  if (v.endsWith('px')) return parseFloat(v);
  return free / 2;
}

/**
 * The point (clientX, clientY) on the picture `img` shows, or undefined when it falls outside the
 * picture (on a letterbox band, the border or the padding).
 */
export function pointOnPicture(img: HTMLImageElement, clientX: number, clientY: number): PickPoint | undefined {
  const nw = img.naturalWidth, nh = img.naturalHeight;
  if (!nw || !nh) return undefined;
  const box = img.getBoundingClientRect();
  const style = getComputedStyle(img);
  const px = (name: string) => parseFloat(style.getPropertyValue(name)) || 0;
  // The content box, where the picture is laid out.
  const left = box.left + px('border-left-width') + px('padding-left');
  const top = box.top + px('border-top-width') + px('padding-top');
  const cw = box.width - px('border-left-width') - px('padding-left') - px('padding-right') - px('border-right-width');
  const ch = box.height - px('border-top-width') - px('padding-top') - px('padding-bottom') - px('border-bottom-width');
  if (cw <= 0 || ch <= 0) return undefined;
  let w = cw, h = ch;
  const fit = style.getPropertyValue('object-fit');
  const contain = Math.min(cw / nw, ch / nh), cover = Math.max(cw / nw, ch / nh);
  if (fit === 'contain') (w = nw * contain), (h = nh * contain);
  else if (fit === 'cover') (w = nw * cover), (h = nh * cover);
  else if (fit === 'none') (w = nw), (h = nh);
  else if (fit === 'scale-down') {
    const s = Math.min(1, contain);
    w = nw * s;
    h = nh * s;
  }
  const [posX, posY] = (style.getPropertyValue('object-position') || '50% 50%').split(/\s+/);
  const x0 = left + position(posX, cw - w), y0 = top + position(posY, ch - h);
  const x = (clientX - x0) / w, y = (clientY - y0) / h;
  return x >= 0 && x <= 1 && y >= 0 && y <= 1 ? { x, y } : undefined;
}
