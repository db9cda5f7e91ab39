/**
 * The one owner of what Backdrop shows on the page. Every element showing a result is known here:
 * which result, how it is shown (in place: ./swap.ts; or in a view frame, for a result the page may
 * not read: ./view.ts), and which flow put it there (a right-click job, ./controller.ts; or a batch,
 * ./batch.ts). The flows decide what to show and say so here; showing, replacing, restoring and
 * letting go happen only here, so whichever flow or message restores an element, its result is let
 * go the same way.
 *
 * A result is the file that arrived, and for a readable one the blob: URL made of it (a data: URL
 * where the page refuses blob: images) and the detached image that loaded it. One result may be
 * shown by several elements (a batch gives every element showing one URL the one result), and a
 * flow may keep it for elements to come: it lives while anyone holds it. Let go, its blob: URL is
 * revoked and its detached image goes to ./release.ts, which lets the page free it a few megabytes
 * per garbage collection.
 *
 * A compare (./compare.ts) shows an element's original for a moment, its result kept
 * (`showOriginal`, `showResultAgain`); a new result or a restore ends it first. Whoever must know
 * when an element starts or stops showing a result (compare makes it focusable) watches here.
 */
import type { Delivered } from './result-channel';
import { blobToDataUrl } from './page-bytes';
import { t } from '../i18n/t';
import { releaseResult } from './release';
import { endPeek, isSwapped, loadDetached, originalUrl, peekOriginal, restoreSwap, swapBackground, swapImage } from './swap';
import { hasView, hideView, removeView, showInView } from './view';

/** Which flow put a result on an element. */
export type Flow = 'right-click' | 'batch';

/** A result as the page holds it. */
export interface Result {
  readonly file: Blob;
  /** The page may not read it: shown in view frames only, it has no URL of the page's. */
  readonly opaque: boolean;
  /** A readable result's URL: blob:, or data: where the page refuses blob: images. */
  readonly url?: string;
  /** The detached image that loaded `url`, holding the result until it is let go. */
  readonly holder?: HTMLImageElement;
  /** The job that made it (Save asks the offscreen document to render it again at the original's size). */
  readonly jobId?: string;
}

/** How many hold each result not let go yet: the elements showing it, and the flows keeping it. */
const holds = new Map<Result, number>();

/** What an element shows, and who put it there. */
interface Slot {
  flow: Flow;
  /** Counts the element's shows and restores: a show that finds it changed was overtaken. */
  epoch: number;
  /** What it shows; undefined while its first result is still on its way in. */
  result?: Result;
  /** The style's name, for Save stylized image. */
  styleName?: string;
  /** A compare shows the page's own picture in it for now (showOriginal). */
  comparing?: boolean;
}

const slots = new Map<Element, Slot>();

/**
 * Result URLs an element showed before a newer result replaced it: a context-menu click made just
 * before a live restyle swapped the picture still finds its element.
 */
const replaced = new Map<string, WeakRef<Element>>();

// Test build only (see src/test-hooks/probe.ts for why the comparison is written out at each site).
const counts = { made: 0, letGo: 0, revoked: 0, released: 0 };

/** Told when an element shows a result (after each show), and when it stops (restored, or its result refused). */
export type ResultWatcher = (el: Element, showing: boolean) => void;
const watchers: ResultWatcher[] = [];

export function watchResults(watcher: ResultWatcher): void {
  watchers.push(watcher);
}

function tell(el: Element, showing: boolean) {
  for (const w of watchers) {
    try {
      w(el, showing);
    } catch (e) {
      console.error('Backdrop: a result watcher failed', e);
    }
  }
}

function hold(result: Result) {
  holds.set(result, (holds.get(result) ?? 0) + 1);
}

/** One holder of `result` lets go of it; the last one frees it. */
export function dropResult(result: Result): void {
  const n = holds.get(result);
  if (n === undefined) return;
  if (n > 1) {
    holds.set(result, n - 1);
    return;
  }
  holds.delete(result);
  if (import.meta.env.MODE === 'test') counts.letGo++;
  if (result.url?.startsWith('blob:')) {
    URL.revokeObjectURL(result.url);
    if (import.meta.env.MODE === 'test') counts.revoked++;
  }
  if (result.holder) {
    releaseResult(result.holder, result.file.size);
    if (import.meta.env.MODE === 'test') counts.released++;
  }
}

/**
 * Makes a delivered file into a result the caller holds (it lets go with dropResult). A readable
 * one loads in a detached image first: an element set to its URL then switches in one step from
 * the memory cache, with no partial paints while megabytes stream in, and a refusal is known
 * before any element is touched (a data: URL is tried then).
 */
export async function prepareResult({ file, opaque, jobId }: Delivered): Promise<Result> {
  let result: Result;
  if (opaque) {
    result = { file, opaque, jobId };
  } else {
    let url = URL.createObjectURL(file);
    let holder = await loadDetached(url);
    if (!holder) {
      URL.revokeObjectURL(url);
      url = await blobToDataUrl(file);
      holder = await loadDetached(url);
    }
    result = { file, opaque, url, holder, jobId };
  }
  hold(result);
  if (import.meta.env.MODE === 'test') counts.made++;
  return result;
}

/** Puts the page's own picture back in `el`: true when it showed a result (in place or in a view). */
const putBack = (el: Element) => {
  const viewed = removeView(el);
  return restoreSwap(el) || viewed;
};

/**
 * Shows `result` in `el` for `flow`, replacing what it showed (a restyle; the element stays with
 * the flow that first showed a result in it), and lets go of the result replaced. Resolves true
 * once shown; false when a restore or a newer result for the element overtook it (the newer one
 * stands). Rejects when the page refuses it: the element then shows the page's own picture again.
 */
export async function showResult(el: Element, result: Result, flow: Flow): Promise<boolean> {
  showResultAgain(el);
  let slot = slots.get(el);
  if (!slot) slots.set(el, slot = { flow, epoch: 0 });
  const epoch = ++slot.epoch;
  const current = () => slots.get(el) === slot && slot.epoch === epoch;
  hold(result); // the element's, if shown
  let failure: unknown;
  try {
    if (result.opaque) {
      // The page's own picture stays in the element, under the view.
      restoreSwap(el);
      await showInView(el, result.file);
    } else if (!result.url) {
      throw new Error(t('errResultNotShown'));
    } else {
      removeView(el);
      if (el instanceof HTMLImageElement) await swapImage(el, result.url);
      else if (el instanceof HTMLElement) swapBackground(el, result.url);
      else throw new Error(t('errCannotShowHere'));
    }
  } catch (e) {
    failure = e ?? new Error(t('errResultNotShown'));
  }
  if (!current()) {
    dropResult(result);
    return false;
  }
  if (failure !== undefined) {
    // A refused result puts the original back: an earlier result is not shown either.
    dropResult(result);
    forget(el);
    putBack(el);
    throw failure;
  }
  const previous = slot.result;
  slot.result = result;
  if (previous) {
    if (previous.url && previous !== result) remember(previous.url, el);
    dropResult(previous);
  }
  tell(el, true);
  return true;
}

function remember(url: string, el: Element) {
  replaced.set(url, new WeakRef(el));
  if (replaced.size > 100) replaced.delete(replaced.keys().next().value!);
}

/** Forgets what `el` shows and lets go of its result (the page is not touched). */
function forget(el: Element) {
  const slot = slots.get(el);
  if (!slot) return;
  slots.delete(el);
  tell(el, false);
  if (slot.result) dropResult(slot.result);
}

/**
 * Puts the page's own picture back in `el` (every attribute as the page wrote it, or the view
 * taken off) and lets go of its result. True when it showed a result; false when it showed none
 * or the page had put a picture of its own in it meanwhile (which stays).
 */
export function restoreElement(el: Element): boolean {
  showResultAgain(el);
  forget(el);
  return putBack(el);
}

/**
 * Restores every element `flow` put a result in (every element, without a flow) and lets go of
 * their results. Returns how many of them, on the page, showed the page's own picture again.
 */
export function restoreAll(flow?: Flow): number {
  let n = 0;
  for (const [el, slot] of [...slots]) {
    if (flow && slot.flow !== flow) continue;
    if (restoreElement(el) && el.isConnected) n++;
  }
  return n;
}

/** Whether `el` shows a result now: put there by Backdrop, and not since replaced by the page. */
export function showsResult(el: Element): boolean {
  return slots.get(el)?.result !== undefined && (hasView(el) || isSwapped(el));
}

/** Whether Backdrop shows a result in `el`, or is putting one there (the page may have shown a picture of its own since). */
export const owns = (el: Element) => slots.has(el);

/** Elements on the page showing a result now, of one flow or of any. */
export const elementsShowing = (flow?: Flow) =>
  [...slots].filter(([el, slot]) => (!flow || slot.flow === flow) && el.isConnected && showsResult(el)).map(([el]) => el);

/** The page's own picture under a result: an <img>'s URL before the swap, or what it still shows under a view. */
export function originalOf(el: Element): string | undefined {
  if (!showsResult(el)) return undefined;
  if (hasView(el)) return el instanceof HTMLImageElement ? el.currentSrc || el.src : undefined;
  return originalUrl(el);
}

/**
 * Shows the page's own picture in `el` for a moment, its result kept (a compare): an element showing
 * a result in place takes back the original it still holds; a view frame is hidden over the
 * original the page has under it, so the page is handed no pixels. True when it does; false when
 * `el` shows no result now (restored, or taken back by the page), or shows its original already.
 */
export function showOriginal(el: Element): boolean {
  const slot = slots.get(el);
  if (!slot?.result || slot.comparing || !showsResult(el)) return false;
  if (!(hasView(el) ? hideView(el, true) : peekOriginal(el))) return false;
  slot.comparing = true;
  return true;
}

/** Ends showOriginal: `el` shows its result again (what the page put in it meanwhile stays). */
export function showResultAgain(el: Element): void {
  const slot = slots.get(el);
  if (!slot?.comparing) return;
  slot.comparing = false;
  if (hasView(el)) hideView(el, false);
  else endPeek(el);
}

/** The result `el` shows (for Save stylized image: its file, and the job that made it). */
export const resultOf = (el: Element): Result | undefined => (showsResult(el) ? slots.get(el)!.result : undefined);

/** The element that showed the result URL `url` until a newer result replaced it. */
export function replacedBy(url: string): Element | undefined {
  const el = replaced.get(url)?.deref();
  return el?.isConnected ? el : undefined;
}

export function setStyleName(el: Element, name: string): void {
  const slot = slots.get(el);
  if (slot) slot.styleName = name;
}

export const styleNameOf = (el: Element) => slots.get(el)?.styleName;

if (import.meta.env.MODE === 'test') {
  /** The test build's view of the results (tests/support/content-script.ts reads it, in the content script's world). */
  Object.assign(globalThis, {
    backdropContentDebug: {
      results: () => ({
        elements: {
          'right-click': [...slots.values()].filter((s) => s.flow === 'right-click' && s.result).length,
          batch: [...slots.values()].filter((s) => s.flow === 'batch' && s.result).length,
        },
        live: holds.size,
        ...counts,
      }),
    },
  });
}
