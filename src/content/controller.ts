/** The content script's side of a right-click job: find the image, show progress, swap or show the error. */
import type { BackgroundToContent, JobBeginReply } from '../messaging/protocol';
import { isPageLocalUrl } from '../messaging/validate';
import { clearOverlay, overlayFor } from './overlay';
import { isStylized, loadDetached, originalUrl, restoreImage, STYLIZED_ATTR, swapImage } from './swap';
import { findImage, imageMatches } from './targets';
import { expectResult, type Delivered, type PendingResult } from './result-channel';
import { hasView, removeView, showInView, viewedElements } from './view';
import { blobToDataUrl, readPageLocal } from './page-bytes';
import { releaseResult } from './release';

const ENGINE_GONE = 'Backdrop stopped before it finished (it was closed or crashed). Try again, or reload the page.';

/**
 * Jobs under way: the image, its result arriving over the result channel, and the swap, which
 * starts as soon as the result arrives (the service worker's job-done only adds the details).
 */
const jobs = new Map<string, { img: HTMLImageElement; pending: PendingResult; swapped: Promise<void> }>();
/**
 * What each stylized image shows: the result's bytes and, for a result the page may read, the
 * blob: URL made of them (revoked when replaced) and the detached image holding the result until
 * it is let go (./release.ts). A result the page may not read has no URL of the page's: it is in
 * a view frame (./view.ts).
 */
interface Shown { blob: Blob; url?: string; holder?: HTMLImageElement }
const shown = new WeakMap<HTMLImageElement, Shown>();
/**
 * Result URLs an image showed before a newer result replaced it: a context-menu click made just
 * before a live restyle swapped the picture still finds its image.
 */
const replaced = new Map<string, WeakRef<HTMLImageElement>>();

function rememberReplaced(url: string, img: HTMLImageElement) {
  replaced.set(url, new WeakRef(img));
  if (replaced.size > 100) replaced.delete(replaced.keys().next().value!);
}

function letGo({ blob, url, holder }: Shown) {
  if (url?.startsWith('blob:')) URL.revokeObjectURL(url);
  if (holder) releaseResult(holder, blob.size);
}

function forget(img: HTMLImageElement) {
  const old = shown.get(img);
  if (!old) return;
  shown.delete(img);
  letGo(old);
}

/**
 * Shows a result in place: as a blob: URL, or a data: URL where the page's CSP refuses blob: images.
 * The file loads in a detached image first: the page's image then switches in one step from the
 * memory cache, with no partial paints while 5 MB stream in (~5 ms less at 1280×960), and a refusal
 * is known before the page's image is touched.
 */
async function show(img: HTMLImageElement, { file: blob, opaque }: Delivered) {
  const previous = shown.get(img);
  if (opaque) {
    // The page's own picture stays in the element, under the view.
    if (isStylized(img)) restoreImage(img);
    try {
      await showInView(img, blob);
    } catch (e) {
      forget(img);
      throw e;
    }
    shown.set(img, { blob });
    if (previous?.url) rememberReplaced(previous.url, img);
    if (previous) letGo(previous);
    return;
  }
  removeView(img);
  let url = URL.createObjectURL(blob);
  let holder = await loadDetached(url);
  if (!holder) {
    URL.revokeObjectURL(url);
    url = await blobToDataUrl(blob);
    holder = await loadDetached(url);
  }
  const next = { blob, url, holder };
  try {
    await swapImage(img, url);
  } catch (e) {
    letGo(next);
    forget(img); // a refused swap puts the original back: an earlier result is not shown either
    throw e;
  }
  shown.set(img, next);
  if (previous) {
    if (previous.url) rememberReplaced(previous.url, img);
    letGo(previous);
  }
}


/** Forgets a job that will not deliver, closing its result port. */
function endJob(jobId: string) {
  jobs.get(jobId)?.pending.cancel();
  jobs.delete(jobId);
}

async function begin(jobId: string, srcUrl: string): Promise<JobBeginReply> {
  const img = findForRestore(srcUrl);
  if (!img) return { ok: false, error: { code: 'no-target', message: 'The image is no longer on the page.' } };
  // A newer job for the image replaces an unfinished one (a retry after the engine was lost, or a
  // second choice): the older one's result would be stale, and its port must not report later.
  for (const [id, job] of jobs) if (job.img === img) endJob(id);
  const pending = expectResult(jobId);
  const swapped = pending.result.then(async (delivered) => {
    try {
      await show(img, delivered);
    } catch (e) {
      overlayFor(img).show({ kind: 'error', text: (e as Error).message });
      throw e;
    }
    clearOverlay(img);
  });
  swapped.catch(() => {}); // reported by job-done, or replaced by job-failed's message
  // The port dropped before any result: every extension end of it is gone (the extension crashed
  // or was reloaded), so neither a result nor job-failed will come. Say so rather than keep the veil.
  pending.result.catch(() => {
    if (!jobs.has(jobId)) return;
    endJob(jobId);
    overlayFor(img).show({ kind: 'error', text: ENGINE_GONE });
  });
  jobs.set(jobId, { img, pending, swapped });
  overlayFor(img).show({ kind: 'working' });
  // Restyling a stylized image starts again from its original.
  const source = isStylized(img) ? originalUrl(img)! : srcUrl;
  if (!isPageLocalUrl(source)) return source === srcUrl ? { ok: true } : { ok: true, sourceUrl: source };
  try {
    return { ok: true, dataUrl: await readPageLocal(source) };
  } catch {
    const error = { code: 'blocked' as const, message: 'The page does not let Backdrop read this image.' };
    overlayFor(img).show({ kind: 'error', text: error.message });
    endJob(jobId);
    return { ok: false, error };
  }
}

/** Images showing a result: swapped in, or in a view. */
const stylizedImages = () => [
  ...[...document.querySelectorAll<HTMLImageElement>(`img[${STYLIZED_ATTR}]`)].filter(isStylized),
  ...viewedElements().filter((el): el is HTMLImageElement => el instanceof HTMLImageElement && shown.has(el)),
];

/** The original a stylized image was made from: a swapped image's saved URL, or what a viewed one still shows. */
const sourceOf = (img: HTMLImageElement) => originalUrl(img) ?? (hasView(img) ? img.currentSrc || img.src : undefined);

/** Puts the page's own picture back in an image (swapped or viewed). */
function restoreOne(img: HTMLImageElement): boolean {
  clearOverlay(img);
  const wasViewed = hasView(img) && shown.has(img);
  forget(img);
  const viewRemoved = removeView(img);
  if (viewRemoved) delete img.dataset.backdropStyle;
  return restoreImage(img) || (viewRemoved && wasViewed);
}

/** The image a URL refers to: what it shows now, or the original it was stylized from. */
function findForRestore(srcUrl: string) {
  const img = findImage(srcUrl);
  if (img) return img;
  const before = replaced.get(srcUrl)?.deref();
  if (before?.isConnected) return before;
  return stylizedImages().find((c) => sourceOf(c) === srcUrl || imageMatches(c, srcUrl));
}

export async function handleMessage(msg: BackgroundToContent): Promise<unknown> {
  switch (msg.type) {
    case 'job-begin':
      return begin(msg.jobId, msg.srcUrl);
    case 'job-done': {
      const job = jobs.get(msg.jobId);
      jobs.delete(msg.jobId);
      if (!job) return false;
      const { img } = job;
      try {
        await job.swapped;
        img.dataset.backdropStyle = msg.styleName;
      } catch (e) {
        overlayFor(img).show({ kind: 'error', text: (e as Error).message });
        return false;
      }
      const from = msg.result.downscaledFrom;
      if (from) overlayFor(img).show({ kind: 'note', text: `Processed at ${msg.result.width}×${msg.result.height} (the original is ${from.width}×${from.height}).` });
      return true;
    }
    case 'job-failed': {
      const img = jobs.get(msg.jobId)?.img;
      endJob(msg.jobId);
      if (img) overlayFor(img).show({ kind: 'error', text: msg.error.message });
      return true;
    }
    case 'restore': {
      const img = findForRestore(msg.srcUrl);
      if (!img) return false;
      return restoreOne(img);
    }
    case 'list-stylized':
      return stylizedImages().map((img) => sourceOf(img)!);
    case 'stylized-info': {
      const img = findForRestore(msg.srcUrl);
      const source = img && sourceOf(img);
      if (!img || !source) return null;
      const bytes = shown.get(img)?.blob;
      const dataUrl = bytes ? await blobToDataUrl(bytes) : img.src;
      return { dataUrl, originalUrl: source, styleName: img.dataset.backdropStyle ?? 'style' };
    }
    case 'restore-all': {
      let n = 0;
      for (const img of stylizedImages()) if (restoreOne(img)) n++;
      return n;
    }
  }
}
