/**
 * The content script's side of the batch flow: scan the page for eligible images (without long
 * tasks), watch for images added while batch mode is on, show each image's state in place, have
 * ./results.ts show the results in <img> elements and CSS backgrounds, and put everything back on
 * restore.
 *
 * One entry per image URL: every element showing that URL gets the one result.
 * Per-element state is also written to `data-backdrop-batch` (queued, working, done, error).
 */
import { browser } from 'wxt/browser';
import type { Handlers } from '../messaging/contract';
import { jobError, type JobBeginReply } from '../messaging/protocol';
import { errorText } from '../i18n/errors';
import { t } from '../i18n/t';
import { BATCH_PORT, type BatchToContent, type FoundImage, type ItemState } from '../messaging/batch';
import { sendFromContent } from '../messaging/send';
import { backgroundUrl, classify, inViewport, MIN_RENDERED_SIDE, type ImageFacts } from './batch-rules';
import { clearOverlay, overlayFor } from './overlay';
import { expectResult, type PendingResult } from './result-channel';
import { VIEW_FRAME_ATTR } from './view';
import { readPageLocal } from './page-bytes';
import { dropResult, owns, prepareResult, restoreAll as restoreResults, showResult, type Result } from './results';

export const BATCH_STATE_ATTR = 'data-backdrop-batch';

interface Entry {
  url: string;
  state: ItemState;
  elements: Set<Element>;
  /**
   * The stylized result, held (./results.ts) for elements that show the same URL later; shown in
   * place, or in view frames when the page may not read it.
   */
  result?: Result;
  /** The result arriving over the job's result port. */
  pending?: PendingResult;
  error?: string;
}

const entries = new Map<string, Entry>();
/** The URL each claimed element was queued under. */
const claimed = new WeakMap<Element, string>();
let active = false;
let observer: MutationObserver | undefined;
let port: ReturnType<typeof browser.runtime.connect> | undefined;
const pendingRoots = new Set<Element>();
let flushTimer: ReturnType<typeof setTimeout> | undefined;

// ---------------------------------------------------------------- cooperative scheduling

/** A time slice of 8 ms at most: long scans yield to the page between slices (no task over 50 ms). */
const SLICE_MS = 8;
const yieldToPage = () => new Promise<void>((r) => setTimeout(r, 0));

async function forEachSliced<T>(items: Iterable<T>, fn: (item: T) => void) {
  let start = performance.now();
  for (const item of items) {
    fn(item);
    if (performance.now() - start > SLICE_MS) {
      await yieldToPage();
      start = performance.now();
    }
  }
}

// ---------------------------------------------------------------- measuring

const waitLoaded = (img: HTMLImageElement, ms = 10_000) => new Promise<void>((resolve) => {
  if (img.complete) return resolve();
  const done = () => {
    clearTimeout(timer);
    resolve();
  };
  const timer = setTimeout(done, ms);
  img.addEventListener('load', done, { once: true });
  img.addEventListener('error', done, { once: true });
});

/** A lazy image the browser has not picked a source for yet: load it now so it picks (srcset, <picture>). */
async function loadLazy(img: HTMLImageElement) {
  const loading = img.getAttribute('loading');
  img.loading = 'eager';
  await waitLoaded(img);
  if (loading === null) img.removeAttribute('loading');
  else img.setAttribute('loading', loading);
}

function imgFacts(img: HTMLImageElement): ImageFacts {
  const r = img.getBoundingClientRect();
  const loaded = img.complete && img.naturalWidth > 0;
  return {
    kind: 'img', url: img.currentSrc || img.src, renderedWidth: r.width, renderedHeight: r.height,
    naturalWidth: loaded ? img.naturalWidth : 0, naturalHeight: loaded ? img.naturalHeight : 0,
    stylized: owns(img),
  };
}

/** Natural size of a background image (0×0 when it does not decode: the pipeline reports why). */
async function probeSize(url: string): Promise<{ width: number; height: number }> {
  const probe = new Image();
  probe.src = url;
  try {
    await probe.decode();
    return { width: probe.naturalWidth, height: probe.naturalHeight };
  } catch {
    return { width: 0, height: 0 };
  }
}

interface Candidate {
  el: Element;
  facts: ImageFacts;
  visible: boolean;
}

/** Cheap synchronous look at one element; async checks (lazy loads, background sizes) come after. */
function look(el: Element, out: { now: Candidate[]; lazy: HTMLImageElement[]; backgrounds: Candidate[] }) {
  if (claimed.has(el) || el.localName === 'backdrop-overlay' || el.hasAttribute(VIEW_FRAME_ATTR)) return;
  if (el instanceof HTMLImageElement) {
    const facts = imgFacts(el);
    if (!el.currentSrc && !el.complete && el.loading === 'lazy') {
      if (facts.renderedWidth >= MIN_RENDERED_SIDE && facts.renderedHeight >= MIN_RENDERED_SIDE) out.lazy.push(el);
      return;
    }
    out.now.push({ el, facts, visible: isVisible(el) });
    return;
  }
  if (!(el instanceof HTMLElement) || owns(el)) return;
  const cs = getComputedStyle(el);
  const url = cs.backgroundImage === 'none' ? undefined : backgroundUrl(cs.backgroundImage);
  if (!url) return;
  const r = el.getBoundingClientRect();
  const facts: ImageFacts = {
    kind: 'background', url, renderedWidth: r.width, renderedHeight: r.height, naturalWidth: 0, naturalHeight: 0,
    stylized: false, backgroundPosition: cs.backgroundPosition, backgroundSize: cs.backgroundSize,
  };
  // Only what passes the cheap rules is worth decoding to learn its natural size.
  if (classify(facts).eligible) out.backgrounds.push({ el, facts, visible: isVisible(el) });
}

const isVisible = (el: Element) => inViewport(el.getBoundingClientRect(), innerWidth, innerHeight);

/** Eligible images among `elements` (in document order), not yet claimed. */
async function findCandidates(elements: Iterable<Element>): Promise<Candidate[]> {
  const out = { now: [] as Candidate[], lazy: [] as HTMLImageElement[], backgrounds: [] as Candidate[] };
  await forEachSliced(elements, (el) => look(el, out));
  // Lazy images and background probes resolve off the main thread; visibility is as found.
  const lazyVisible = new Map(out.lazy.map((img) => [img, isVisible(img)]));
  await Promise.all(out.lazy.map(loadLazy));
  await Promise.all(out.backgrounds.map(async (c) => {
    const size = await probeSize(c.facts.url);
    c.facts = { ...c.facts, naturalWidth: size.width, naturalHeight: size.height };
  }));
  const all = [
    ...out.now, ...out.backgrounds,
    ...out.lazy.map((img) => ({ el: img as Element, facts: imgFacts(img), visible: lazyVisible.get(img)! })),
  ].filter((c) => c.el.isConnected && !claimed.has(c.el) && classify(c.facts).eligible);
  // Back to document order.
  return all.sort((a, b) => (a.el === b.el ? 0 : a.el.compareDocumentPosition(b.el) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1));
}

// ---------------------------------------------------------------- per-element state

function setState(el: Element, state: ItemState, error?: string) {
  el.setAttribute(BATCH_STATE_ATTR, state);
  if (state === 'working') overlayFor(el).show({ kind: 'working' });
  else if (state === 'error') overlayFor(el).show({ kind: 'error', text: error ?? t('errNotStylized') });
  // Queued is a small corner label, not a veil (a page full of veils would be anything but unobtrusive).
  else if (state === 'queued') overlayFor(el).show({ kind: 'queued' });
  else clearOverlay(el); // done shows the result itself
}

function forget(el: Element) {
  claimed.delete(el);
  el.removeAttribute(BATCH_STATE_ATTR);
  clearOverlay(el);
}

/**
 * Claims candidates into entries. Returns the URLs the background does not know yet, visible
 * first, then in document order. Elements with a URL already done get its result at once.
 */
function claim(candidates: Candidate[]): FoundImage[] {
  const fresh = new Map<string, FoundImage>();
  for (const c of candidates) {
    const url = c.facts.url;
    claimed.set(c.el, url);
    let entry = entries.get(url);
    if (!entry) {
      entry = { url, state: 'queued', elements: new Set() };
      entries.set(url, entry);
      fresh.set(url, { url, visible: c.visible });
    } else if (fresh.has(url) && c.visible) {
      fresh.get(url)!.visible = true;
    }
    entry.elements.add(c.el);
    if (entry.state === 'done' && entry.result) void show(c.el, entry.result);
    else setState(c.el, entry.state, entry.error);
  }
  const list = [...fresh.values()];
  return [...list.filter((f) => f.visible), ...list.filter((f) => !f.visible)];
}

// ---------------------------------------------------------------- showing

/** Shows the result in one element (./results.ts: an <img> swap, an inline background-image, or a view). */
async function show(el: Element, result: Result): Promise<boolean> {
  try {
    // Overtaken by a restore or a newer result: the state is theirs to show.
    if (!(await showResult(el, result, 'batch'))) return false;
    setState(el, 'done');
    return true;
  } catch (e) {
    setState(el, 'error', (e as Error).message);
    return false;
  }
}

// ---------------------------------------------------------------- batch mode on/off

const hasPending = () => [...entries.values()].some((e) => e.state === 'queued' || e.state === 'working');

/** Keeps a port to the worker while work is pending; a stopped worker is woken by reconnecting. */
function connect() {
  if (port || !active) return;
  try {
    port = browser.runtime.connect({ name: BATCH_PORT });
  } catch {
    orphaned(); // the extension was reloaded or crashed: this content script is on its own
    return;
  }
  port.onDisconnect.addListener(() => {
    port = undefined;
    if (active && hasPending()) setTimeout(connect, 200);
  });
}

/** No extension behind this script any more: nothing queued will run, and nothing working will finish. */
function orphaned() {
  active = false;
  stopWatching();
  for (const entry of [...entries.values()]) {
    if (entry.state === 'working') fail(entry.url, t('errEngineGoneReload'));
    else if (entry.state === 'queued') {
      for (const el of entry.elements) forget(el);
      entries.delete(entry.url);
    }
  }
}

function startWatching() {
  if (observer) return;
  observer = new MutationObserver((records) => {
    for (const r of records) for (const n of r.addedNodes) if (n instanceof Element) pendingRoots.add(n);
    scheduleFlush();
  });
  observer.observe(document.documentElement, { childList: true, subtree: true });
  // Lazy images scrolled into view and <img> whose source changed announce themselves by loading.
  document.addEventListener('load', onLoad, true);
}

function stopWatching() {
  observer?.disconnect();
  observer = undefined;
  document.removeEventListener('load', onLoad, true);
  pendingRoots.clear();
  clearTimeout(flushTimer);
  port?.disconnect();
  port = undefined;
}

function onLoad(e: Event) {
  if (e.target instanceof HTMLImageElement && !claimed.has(e.target)) {
    pendingRoots.add(e.target);
    scheduleFlush();
  }
}

function scheduleFlush() {
  clearTimeout(flushTimer);
  flushTimer = setTimeout(() => void flush(), 100);
}

/** Sends what was added to the page since the last flush to the background. */
async function flush() {
  if (!active || !pendingRoots.size) return;
  const roots = [...pendingRoots].filter((r) => r.isConnected);
  pendingRoots.clear();
  const elements = new Set<Element>();
  for (const root of roots) {
    elements.add(root);
    for (const el of root.querySelectorAll('*')) elements.add(el);
  }
  const found = claim(await findCandidates(elements));
  if (!active || !found.length) return;
  connect();
  await sendFromContent({ to: 'background', type: 'batch-found', images: found }).catch(() => {});
}

async function scan(): Promise<FoundImage[]> {
  active = true;
  startWatching();
  const found = claim(await findCandidates(document.querySelectorAll('*')));
  // Images still waiting from before (the background may have forgotten them on a same-page navigation).
  const known = new Set(found.map((f) => f.url));
  for (const e of entries.values()) {
    if ((e.state === 'queued' || e.state === 'working') && !known.has(e.url)) found.push({ url: e.url, visible: false });
  }
  if (hasPending()) connect();
  return found;
}

/** Batch mode off; images not finished lose every trace of the batch. */
function stop() {
  active = false;
  stopWatching();
  for (const entry of entries.values()) {
    if (entry.state === 'done') continue;
    entry.pending?.cancel();
    for (const el of entry.elements) forget(el);
    entries.delete(entry.url);
  }
}

/**
 * Batch mode off, and every image back as the page had it: the batch's, and any other result
 * still shown (the popup's Restore all asks the right-clicked ones to go first, ./controller.ts,
 * so this counts the batch's). Returns how many images were restored.
 */
function restoreAll(): number {
  stop();
  const restored = restoreResults('batch') + restoreResults();
  for (const entry of entries.values()) {
    for (const el of entry.elements) forget(el);
    if (entry.result) dropResult(entry.result);
  }
  for (const el of document.querySelectorAll(`[${BATCH_STATE_ATTR}]`)) forget(el);
  entries.clear();
  return restored;
}

// ---------------------------------------------------------------- messages

const liveElements = (entry: Entry) => [...entry.elements].filter((el) => el.isConnected && claimed.get(el) === entry.url);

async function begin(url: string, jobId: string): Promise<JobBeginReply> {
  const entry = entries.get(url);
  const elements = entry ? liveElements(entry) : [];
  if (!entry || !elements.length) return { ok: false, error: jobError('no-target', 'errImageGone') };
  entry.state = 'working';
  entry.pending?.cancel(); // a new attempt (after a worker stop) replaces an unfinished one
  const pending = expectResult(jobId);
  entry.pending = pending;
  // The port dropped before any result: every extension end of it is gone (the extension crashed
  // or was reloaded), so nothing will apply or fail this image. Say so rather than keep the veil.
  pending.result.catch(() => {
    if (entries.get(url) === entry && entry.pending === pending && entry.state === 'working') fail(url, t('errEngineGoneReload'));
  });
  for (const el of elements) setState(el, 'working');
  if (!url.startsWith('blob:')) return { ok: true };
  try {
    return { ok: true, dataUrl: await readPageLocal(url) };
  } catch {
    return { ok: false, error: jobError('blocked', 'errPageRefusesRead') };
  }
}

async function apply(url: string): Promise<boolean> {
  const entry = entries.get(url);
  if (!entry || entry.state !== 'working' || !entry.pending) return false;
  const delivered = await entry.pending.result.catch(() => undefined);
  entry.pending = undefined;
  if (!delivered) return false;
  // Stopped or restored meanwhile: show nothing.
  if (entries.get(url) !== entry) return false;
  const result = await prepareResult(delivered);
  if (entries.get(url) !== entry) {
    dropResult(result);
    return false;
  }
  // The entry holds it for elements showing this URL later; it is let go with the entry.
  entry.state = 'done';
  entry.result = result;
  const shown = await Promise.all(liveElements(entry).map((el) => show(el, result)));
  return shown.some(Boolean);
}

function fail(url: string, message: string) {
  const entry = entries.get(url);
  if (!entry) return;
  entry.state = 'error';
  entry.error = message;
  entry.pending?.cancel();
  entry.pending = undefined;
  for (const el of liveElements(entry)) setState(el, 'error', message);
}

/** The batch's messages from the service worker (entrypoints/content.ts joins them with the right-click flow's). */
export const batchHandlers = {
  'batch-scan': () => scan(),
  'batch-begin': (msg) => begin(msg.url, msg.jobId),
  'batch-apply': (msg) => apply(msg.url),
  'batch-fail': (msg) => (fail(msg.url, errorText(msg.error)), true),
  'batch-stop': () => (stop(), true),
  'batch-restore-all': () => restoreAll(),
} satisfies Pick<Handlers<'backgroundToContent'>, BatchToContent['type']>;
