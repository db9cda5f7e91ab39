/**
 * Compare: a glance at the original of a stylized image without losing the result. Press and hold
 * on it, or hold O while it has the focus: the page's own picture shows while held, the result
 * again on release. What shows is ./results.ts's to change (`showOriginal`, `showResultAgain`): an
 * element showing its result in place takes back the original it still holds (no request, nothing
 * decoded but what the page had); a view frame is hidden over what the page has under it, so the
 * page is handed no pixels. Nothing here touches an element ./results.ts does not say shows a
 * result: after a restore, holding does nothing.
 *
 * The press must not change a click. The original shows only after HOLD_MS without moving, so a
 * click on a linked image neither flashes the original nor does anything else but follow the link;
 * and once a hold has shown the original, the click its release makes is swallowed, so holding to
 * look does not follow the link or open the page's viewer around the image.
 *
 * While an element shows a result it can take the focus (tabindex 0) and says how to compare
 * (aria-description, and a title on an <img>), each only where the page wrote none; when it stops,
 * exactly what was added here comes off, before the restore puts the page's attributes in order.
 * An element inside a link (or another control) gets no tabindex: the link takes the focus already,
 * and O held on it compares the one stylized element inside (Firefox's Tab would otherwise go from
 * the image back to its own link, a keyboard trap).
 */
import { t } from '../i18n/t';
import { elementsShowing, showOriginal, showResultAgain, showsResult, watchResults } from './results';

/**
 * How long a press must last to show the original. A click is about 100 ms from down to up; 300 ms
 * is past the slowest of them yet still feels immediate to someone holding on purpose.
 */
export const HOLD_MS = 300;
/** A press that moves this far before HOLD_MS is a drag or a selection, not a hold. */
const SLOP_PX = 8;
/** The key to hold (its letter, in the hint too; KeyO wherever the layout puts another letter there). */
const KEY = 'O';
const KEY_CODE = 'KeyO';

/** Between the pointer and the stylized element: a control of the page's own, pressed for itself. */
const CONTROL = 'a[href], button, input, select, textarea, label, summary, [contenteditable]:not([contenteditable="false"]), [role="button"], [role="link"]';

interface Hold {
  el: Element;
  by: 'pointer' | 'key';
  pointerId?: number;
  x?: number;
  y?: number;
  timer?: ReturnType<typeof setTimeout>;
  /** The original shows (a pointer's hold once HOLD_MS passed). */
  shown: boolean;
}

let hold: Hold | undefined;
/** A hold that showed the original ended with the pointer's release: its click is not the page's. */
let swallowClick = false;

/** The stylized element a press is for: the nearest on its path, unless a control of the page's comes first. */
function stylizedFor(e: Event): Element | undefined {
  for (const node of e.composedPath()) {
    if (!(node instanceof Element)) continue;
    if (showsResult(node)) return node;
    if (node.matches(CONTROL)) return undefined;
  }
  return undefined;
}

/**
 * The stylized element a key is for: the focused element itself, or the one stylized element inside
 * a focused control (a link around an image). Not an element the focus is inside of: O typed on the
 * page of a stylized <body> (a game, an editor of the page's own) is the page's key.
 */
function stylizedFocused(e: Event): Element | undefined {
  const target = e.composedPath()[0];
  if (!(target instanceof Element)) return undefined;
  if (showsResult(target)) return target;
  if (!target.matches(CONTROL)) return undefined;
  const inside = elementsShowing().filter((el) => target.contains(el));
  return inside.length === 1 ? inside[0] : undefined;
}

const isCompareKey = (e: KeyboardEvent) => e.code === KEY_CODE || e.key.toUpperCase() === KEY;

function release() {
  const h = hold;
  if (!h) return;
  hold = undefined;
  clearTimeout(h.timer);
  removeEventListener('pointermove', onPointerMove, true);
  if (h.shown) showResultAgain(h.el);
}

function onPointerDown(e: PointerEvent) {
  swallowClick = false;
  release();
  if (!e.isTrusted || !e.isPrimary || e.button !== 0 || e.ctrlKey || e.metaKey || e.shiftKey || e.altKey) return;
  const el = stylizedFor(e);
  if (!el) return;
  const h: Hold = { el, by: 'pointer', pointerId: e.pointerId, x: e.clientX, y: e.clientY, shown: false };
  h.timer = setTimeout(() => {
    if (hold === h) h.shown = showOriginal(el);
  }, HOLD_MS);
  hold = h;
  addEventListener('pointermove', onPointerMove, { capture: true, passive: true });
}

function onPointerMove(e: PointerEvent) {
  const h = hold;
  if (!h || h.by !== 'pointer' || h.shown || e.pointerId !== h.pointerId) return;
  if (Math.hypot(e.clientX - h.x!, e.clientY - h.y!) > SLOP_PX) release();
}

function onPointerUp(e: PointerEvent) {
  const h = hold;
  if (!h || h.by !== 'pointer' || e.pointerId !== h.pointerId) return;
  swallowClick = h.shown;
  release();
}

function onClick(e: MouseEvent) {
  if (!swallowClick || !e.isTrusted) return;
  swallowClick = false;
  e.preventDefault();
  e.stopImmediatePropagation();
}

function onKeyDown(e: KeyboardEvent) {
  swallowClick = false;
  if (!isCompareKey(e)) return;
  if (hold?.by === 'key') {
    if (e.repeat) e.preventDefault();
    return;
  }
  if (hold || e.repeat || !e.isTrusted || e.ctrlKey || e.metaKey || e.altKey || e.isComposing) return;
  const el = stylizedFocused(e);
  if (!el || !showOriginal(el)) return;
  // (Not the page's key then: a letter typed on an image does nothing of its own; Firefox's find as you type would start.)
  e.preventDefault();
  hold = { el, by: 'key', shown: true };
}

function onKeyUp(e: KeyboardEvent) {
  if (hold?.by === 'key' && isCompareKey(e)) release();
}

/** The focus moved on: the key's hold ends with it. */
function onFocusOut() {
  if (hold?.by === 'key') release();
}

/** An attribute added here, with the value it was given. */
type Added = [name: string, value: string];
const added = new WeakMap<Element, Added[]>();

function makeComparable(el: Element) {
  if (added.has(el)) return;
  const hint = t('compareHint', KEY);
  const wanted: Added[] = [['aria-description', hint]];
  if (!el.parentElement?.closest(CONTROL)) wanted.push(['tabindex', '0']);
  // A tooltip over a whole section of the page would be in the way: an image's only.
  if (el instanceof HTMLImageElement) wanted.push(['title', hint]);
  const mine: Added[] = [];
  for (const [name, value] of wanted) {
    if (el.hasAttribute(name)) continue;
    el.setAttribute(name, value);
    mine.push([name, value]);
  }
  added.set(el, mine);
}

function unmakeComparable(el: Element) {
  if (hold?.el === el) release();
  const mine = added.get(el);
  if (!mine) return;
  added.delete(el);
  // What the page set since stays.
  for (const [name, value] of mine) if (el.getAttribute(name) === value) el.removeAttribute(name);
}

/** Wires compare into the page (the content script's main, once per frame). */
export function trackCompare(): void {
  watchResults((el, showing) => (showing ? makeComparable(el) : unmakeComparable(el)));
  const capture = { capture: true };
  addEventListener('pointerdown', onPointerDown, { capture: true, passive: true });
  addEventListener('pointerup', onPointerUp, { capture: true, passive: true });
  addEventListener('pointercancel', release, capture);
  // A drag, the context menu, another window or tab: the hold is over.
  addEventListener('dragstart', release, capture);
  addEventListener('contextmenu', release, capture);
  addEventListener('blur', release);
  document.addEventListener('visibilitychange', release);
  addEventListener('click', onClick, capture);
  addEventListener('keydown', onKeyDown, capture);
  addEventListener('keyup', onKeyUp, capture);
  addEventListener('focusout', onFocusOut, capture);
}
