/**
 * Showing a result the page must not read: in a frame of the extension's origin laid over the
 * element, instead of a URL of the page's own.
 *
 * Backdrop reads images with the extension's host access, which the page does not have. A result
 * shown as a blob: or data: URL of the page, or drawn into the page's canvas, would hand the page
 * pixels it could not read before (the subject is the original, pixel for pixel). A cross-origin
 * frame is what the web platform itself keeps a page out of: the page can see that the frame is
 * there, move or remove it, but never read what it shows, and the only URL it can find
 * (view.html) holds no pixels. The element keeps its own `src`/background, so drawing it into a
 * canvas still taints the canvas exactly as before, and the person's right-click still lands on it
 * (the frame takes no pointer events).
 *
 * The frame is the element's next sibling (or a background element's first child), absolutely
 * positioned at its static position and pulled onto the element's box by margins, so it scrolls,
 * clips and moves with the element without a script following it around.
 */
import { browser } from 'wxt/browser';
import { t } from '../i18n/t';
import type { ViewLayout, ViewMessage, ViewReply } from '../messaging/view';

/** Marks an element shown through a view (the page may see it: it carries no pixels). */
export const VIEW_ATTR = 'data-backdrop-view';
/** Marks the view frames themselves (the batch scan skips them). */
export const VIEW_FRAME_ATTR = 'data-backdrop-view-frame';

interface View {
  frame: HTMLIFrameElement;
  loaded: Promise<void>;
  ro: ResizeObserver;
  /** Rejects once the view is taken off: a showInView still waiting on the frame stops waiting. */
  gone: Promise<never>;
  takenOff: () => void;
  /** What the element's inline style was before a background view set it aside. */
  savedStyle?: { attr: string | null; cssText: string; isolation: [string, string] };
}

const views = new Map<Element, View>();
const viewUrl = () => (browser.runtime.getURL as (p: string) => string)('/view.html');
const viewOrigin = () => new URL(viewUrl()).origin;

export const hasView = (el: Element) => views.has(el);

const px = (v: string) => parseFloat(v) || 0;

const plain = (v: string, fallback: string) => (/^[\w\s.%,+-]*$/.test(v) && v.length <= 200 ? v : fallback);

function layoutOf(el: Element): ViewLayout {
  const cs = getComputedStyle(el);
  if (el instanceof HTMLImageElement) {
    return { kind: 'img', objectFit: plain(cs.objectFit, 'fill'), objectPosition: plain(cs.objectPosition, '50% 50%') };
  }
  // The frame covers the padding box; a content-box origin starts the image inside the padding.
  const inset = cs.backgroundOrigin === 'content-box'
    ? { top: px(cs.paddingTop), right: px(cs.paddingRight), bottom: px(cs.paddingBottom), left: px(cs.paddingLeft) }
    : { top: 0, right: 0, bottom: 0, left: 0 };
  return {
    kind: 'background', size: plain(cs.backgroundSize, 'auto'), position: plain(cs.backgroundPosition, '0% 0%'),
    repeat: plain(cs.backgroundRepeat, 'repeat'), inset,
  };
}

/** The box the frame must cover, in viewport coordinates: an <img>'s content box, an element's padding box. */
function targetBox(el: Element) {
  const r = el.getBoundingClientRect();
  const cs = getComputedStyle(el);
  const bl = px(cs.borderLeftWidth), bt = px(cs.borderTopWidth), br = px(cs.borderRightWidth), bb = px(cs.borderBottomWidth);
  const [pl, pt, pr, pb] = el instanceof HTMLImageElement
    ? [px(cs.paddingLeft), px(cs.paddingTop), px(cs.paddingRight), px(cs.paddingBottom)]
    : [0, 0, 0, 0];
  return {
    left: r.left + bl + pl, top: r.top + bt + pt,
    width: Math.max(0, r.width - bl - br - pl - pr), height: Math.max(0, r.height - bt - bb - pt - pb),
  };
}

/** Lays the frame over the element's box again (after the element moved or changed size). */
function place(el: Element, frame: HTMLIFrameElement) {
  const box = targetBox(el);
  const s = frame.style;
  s.setProperty('width', `${box.width}px`, 'important');
  s.setProperty('height', `${box.height}px`, 'important');
  // Where the frame's static position puts it, without the margins that pulled it onto the box.
  const ml = px(s.marginLeft), mt = px(s.marginTop);
  const r = frame.getBoundingClientRect();
  s.setProperty('margin-left', `${box.left - (r.left - ml)}px`, 'important');
  s.setProperty('margin-top', `${box.top - (r.top - mt)}px`, 'important');
}

function makeFrame(el: Element): HTMLIFrameElement {
  const frame = document.createElement('iframe');
  frame.setAttribute(VIEW_FRAME_ATTR, '');
  frame.setAttribute('aria-hidden', 'true');
  frame.tabIndex = -1;
  frame.title = '';
  const zIndex = getComputedStyle(el).zIndex;
  frame.style.cssText = [
    'position: absolute', 'top: auto', 'left: auto', 'right: auto', 'bottom: auto', 'display: block',
    'border: 0', 'padding: 0', 'margin: 0', 'max-width: none', 'max-height: none', 'min-width: 0', 'min-height: 0',
    'pointer-events: none', 'background: transparent', 'color-scheme: light', 'opacity: 1', 'transform: none',
    'visibility: visible', 'float: none', `z-index: ${el instanceof HTMLImageElement && zIndex !== 'auto' ? zIndex : el instanceof HTMLImageElement ? 'auto' : '-1'}`,
  ].map((d) => `${d} !important`).join('; ');
  frame.src = viewUrl();
  return frame;
}

/** Generous: the frame shares the extension's process with the models, which may be running. */
const FRAME_MS = 30_000;

const frameLoaded = (frame: HTMLIFrameElement) => new Promise<void>((resolve, reject) => {
  // (A frame the page removes before it loads never says so: the time limit ends the wait.)
  const timer = setTimeout(() => reject(new Error(t('errResultNotShown'))), FRAME_MS);
  frame.addEventListener('load', () => {
    clearTimeout(timer);
    resolve();
  }, { once: true });
  frame.addEventListener('error', () => {
    clearTimeout(timer);
    reject(new Error(t('errResultNotShown')));
  }, { once: true });
});

/** Sends the frame its file; resolves once it shows it. */
function post(frame: HTMLIFrameElement, file: Blob, layout: ViewLayout): Promise<void> {
  const win = frame.contentWindow;
  if (!win) return Promise.reject(new Error(t('errResultNotShown')));
  const { port1, port2 } = new MessageChannel();
  const shown = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(t('errResultNotShown'))), FRAME_MS);
    port1.onmessage = (e: MessageEvent<ViewReply>) => {
      clearTimeout(timer);
      port1.close();
      if (e.data?.ok) resolve();
      else reject(new Error(t('errResultNotShown')));
    };
  });
  const msg: ViewMessage = { type: 'backdrop-view', file, layout };
  // Delivered only if the frame still holds the extension's page (a page that navigated it gets nothing).
  win.postMessage(msg, viewOrigin(), [port2]);
  return shown;
}

/**
 * Shows `file` over `el` (an <img>, or an element with a CSS background image) in a view frame,
 * replacing a result it shows already. Rejects (and leaves the element as the page had it) when
 * the frame cannot show it.
 */
export async function showInView(el: Element, file: Blob): Promise<void> {
  // A sandboxed document's frames inherit its sandbox: the view could not run, so say so at once.
  if (self.origin === 'null') throw new Error(t('errSandboxed'));
  let view = views.get(el);
  if (!view || !view.frame.isConnected) {
    if (view) removeView(el);
    const frame = makeFrame(el);
    const loaded = frameLoaded(frame);
    let savedStyle: View['savedStyle'];
    if (el instanceof HTMLImageElement) {
      el.after(frame);
    } else if (el instanceof HTMLElement) {
      // Above the element's own background, below its content: a stacking context of its own.
      savedStyle = {
        attr: el.getAttribute('style'), cssText: el.style.cssText,
        isolation: [el.style.getPropertyValue('isolation'), el.style.getPropertyPriority('isolation')],
      };
      el.style.setProperty('isolation', 'isolate', 'important');
      el.prepend(frame);
    } else {
      throw new Error(t('errCannotShowHere'));
    }
    const ro = new ResizeObserver(() => {
      if (!el.isConnected) removeView(el);
      else place(el, frame);
    });
    let takenOff!: () => void;
    const gone = new Promise<never>((_, reject) => {
      takenOff = () => reject(new Error(t('errResultTakenOff')));
    });
    gone.catch(() => {});
    loaded.catch(() => {});
    view = { frame, loaded, ro, gone, takenOff, savedStyle };
    views.set(el, view);
    el.setAttribute(VIEW_ATTR, '');
    place(el, frame);
    ro.observe(el);
    watchLayout();
  }
  const current = view;
  try {
    await Promise.race([current.loaded, current.gone]);
    await Promise.race([post(current.frame, file, layoutOf(el)), current.gone]);
    place(el, current.frame);
  } catch (e) {
    if (views.get(el) === current) removeView(el);
    throw e;
  }
}

/**
 * Hides the frame over `el` for a moment, or shows it again (a compare, ./compare.ts): the page's own
 * picture under it shows meanwhile. The page is handed nothing: it has that picture already, and the
 * frame keeps its result. False when `el` has no view.
 */
export function hideView(el: Element, hidden: boolean): boolean {
  const view = views.get(el);
  if (!view) return false;
  view.frame.style.setProperty('visibility', hidden ? 'hidden' : 'visible', 'important');
  return true;
}

/** Takes the view off an element: the page's own picture shows again. */
export function removeView(el: Element): boolean {
  const view = views.get(el);
  if (!view) return false;
  views.delete(el);
  view.takenOff();
  view.ro.disconnect();
  view.frame.remove();
  el.removeAttribute(VIEW_ATTR);
  if (view.savedStyle && el instanceof HTMLElement) {
    const [value, priority] = view.savedStyle.isolation;
    if (value) el.style.setProperty('isolation', value, priority);
    else el.style.removeProperty('isolation');
    // The exact attribute text back when nothing else changed it meanwhile.
    if (el.style.cssText === view.savedStyle.cssText) {
      if (view.savedStyle.attr === null) el.removeAttribute('style');
      else el.setAttribute('style', view.savedStyle.attr);
    }
  }
  if (!views.size) unwatchLayout();
  return true;
}

// The frames follow their elements through the page's layout changes: a resize of the element is
// seen by its ResizeObserver; a move without a resize (content above it grew, the window changed
// width, an image above it loaded) is caught here, once per frame at most.
let scheduled = false;
const replaceAll = () => {
  if (scheduled) return;
  scheduled = true;
  requestAnimationFrame(() => {
    scheduled = false;
    for (const [el, view] of views) {
      if (!el.isConnected) removeView(el);
      else place(el, view.frame);
    }
  });
};
let watching = false;
function watchLayout() {
  if (watching) return;
  watching = true;
  addEventListener('resize', replaceAll, { passive: true });
  document.addEventListener('load', replaceAll, { capture: true, passive: true });
  document.addEventListener('transitionend', replaceAll, { capture: true, passive: true });
}
function unwatchLayout() {
  if (!watching) return;
  watching = false;
  removeEventListener('resize', replaceAll);
  document.removeEventListener('load', replaceAll, { capture: true });
  document.removeEventListener('transitionend', replaceAll, { capture: true });
}
