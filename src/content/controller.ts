/**
 * The content script's side of a right-click job: find the image, show progress, have ./results.ts
 * show the result (or show the error), and the messages about what right-clicks showed: restore,
 * list, save, restore all.
 */
import type { Handlers, MessageOf } from '../messaging/contract';
import { jobError, type JobBeginReply, type StylizedInfo } from '../messaging/protocol';
import { isPageLocalUrl } from '../messaging/validate';
import { errorText } from '../i18n/errors';
import { t } from '../i18n/t';
import { clickPointOf } from './click-point';
import { clearOverlay, overlayFor } from './overlay';
import { findImage, imageMatches } from './targets';
import { expectResult, type Delivered, type PendingResult } from './result-channel';
import { blobToDataUrl, readPageLocal } from './page-bytes';
import {
  dropResult, elementsShowing, originalOf, prepareResult, replacedBy, restoreAll, restoreElement, resultOf,
  setStyleName, showResult, styleNameOf,
} from './results';

/**
 * "What I right-click on" found no object under the click: every object is kept rather than none,
 * since a person who asked to stylize the background wants the subject kept, and a click beside
 * it is the likelier mistake than a wish to paint the whole picture (the note `noteNothingPicked`).
 */

/**
 * Jobs under way: the image, its result arriving over the result channel, and the swap, which
 * starts as soon as the result arrives (the service worker's job-done only adds the details).
 */
const jobs = new Map<string, { img: HTMLImageElement; pending: PendingResult; swapped: Promise<void> }>();

/** Shows a delivered result in the image (./results.ts owns it from there); false when a restore or a newer result overtook it. */
async function show(img: HTMLImageElement, delivered: Delivered): Promise<boolean> {
  const result = await prepareResult(delivered);
  try {
    return await showResult(img, result, 'right-click');
  } finally {
    dropResult(result); // the image holds it now, if it shows it
  }
}

/** Forgets a job that will not deliver, closing its result port. */
function endJob(jobId: string) {
  jobs.get(jobId)?.pending.cancel();
  jobs.delete(jobId);
}

async function begin(jobId: string, srcUrl: string): Promise<JobBeginReply> {
  const img = findForRestore(srcUrl);
  if (!img) return { ok: false, error: jobError('no-target', 'errImageGone') };
  // A newer job for the image replaces an unfinished one (a retry after the engine was lost, or a
  // second choice): the older one's result would be stale, and its port must not report later.
  for (const [id, job] of jobs) if (job.img === img) endJob(id);
  const pending = expectResult(jobId);
  const swapped = pending.result.then(async (delivered) => {
    try {
      // Overtaken by a restore or a newer job: the overlay is theirs.
      if (!(await show(img, delivered))) return;
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
    overlayFor(img).show({ kind: 'error', text: t('errEngineGoneRetry') });
  });
  jobs.set(jobId, { img, pending, swapped });
  overlayFor(img).show({ kind: 'working' });
  // Restyling a stylized image starts again from its original; where it was last right-clicked
  // picks the object for "What I right-click on".
  const source = originalOf(img) ?? srcUrl;
  const point = clickPointOf(img);
  const at = point ? { point } : {};
  if (!isPageLocalUrl(source)) return source === srcUrl ? { ok: true, ...at } : { ok: true, sourceUrl: source, ...at };
  try {
    return { ok: true, dataUrl: await readPageLocal(source), ...at };
  } catch {
    const error = jobError('blocked', 'errPageRefusesRead');
    overlayFor(img).show({ kind: 'error', text: errorText(error) });
    endJob(jobId);
    return { ok: false, error };
  }
}

/** Images showing a result (right-clicked, or a batch's: a restyle covers both). */
const stylizedImages = () => elementsShowing().filter((el): el is HTMLImageElement => el instanceof HTMLImageElement);

/** The image a URL refers to: what it shows now, what it showed before a restyle, or the original it was stylized from. */
function findForRestore(srcUrl: string): HTMLImageElement | undefined {
  const img = findImage(srcUrl);
  if (img) return img;
  const before = replacedBy(srcUrl);
  if (before instanceof HTMLImageElement) return before;
  return stylizedImages().find((c) => originalOf(c) === srcUrl || imageMatches(c, srcUrl));
}

/** Puts the page's own picture back in an image. */
function restoreOne(img: HTMLImageElement): boolean {
  clearOverlay(img);
  return restoreElement(img);
}

/** What the finished job adds once its result shows: the style's name, and a note when it was downscaled. */
async function jobDone(msg: MessageOf<'backgroundToContent', 'job-done'>): Promise<boolean> {
  const job = jobs.get(msg.jobId);
  jobs.delete(msg.jobId);
  if (!job) return false;
  const { img } = job;
  try {
    await job.swapped;
    setStyleName(img, msg.styleName);
  } catch (e) {
    overlayFor(img).show({ kind: 'error', text: (e as Error).message });
    return false;
  }
  const from = msg.result.downscaledFrom;
  const notes = [
    ...(msg.result.picked === 'every-object' ? [t('noteNothingPicked')] : []),
    ...(from ? [t('noteProcessedAt', msg.result.width, msg.result.height, from.width, from.height)] : []),
  ];
  if (notes.length) overlayFor(img).show({ kind: 'note', text: notes.join(' ') });
  return true;
}

/**
 * What "Save stylized image" needs of an image showing a result: the job that made it (the offscreen
 * document renders it again at the original's size) and, for a data: or blob: original, its bytes,
 * read again here as a job reads them (only the page can). With `shown`, the result as shown, for
 * saving it as it is when the original cannot be rendered again. The bytes go to the extension only.
 */
async function stylizedInfo(srcUrl: string, shown = false): Promise<StylizedInfo | null> {
  const img = findForRestore(srcUrl);
  const source = img && originalOf(img);
  const result = img && resultOf(img);
  if (!img || !source || !result) return null;
  const pageLocal = isPageLocalUrl(source);
  const originalData = pageLocal && !shown ? await readPageLocal(source).catch(() => undefined) : undefined;
  return {
    // A data: URL names nothing, and may be megabytes long.
    originalUrl: source.startsWith('data:') ? 'data:' : source,
    styleName: styleNameOf(img) ?? 'style',
    ...(result.jobId ? { jobId: result.jobId } : {}),
    ...(originalData ? { originalData } : {}),
    ...(shown ? { dataUrl: await blobToDataUrl(result.file) } : {}),
  };
}

/** What Save did, said on the image: a note (saved, but not the plain way) or an error (nothing saved). */
function saveNote(msg: MessageOf<'backgroundToContent', 'save-note'>): boolean {
  const img = findForRestore(msg.srcUrl);
  if (!img) return false;
  overlayFor(img).show({ kind: msg.kind, text: msg.text });
  return true;
}

type RightClickMessage =
  | 'job-begin' | 'job-done' | 'job-failed' | 'restore' | 'list-stylized' | 'stylized-info' | 'save-note' | 'restore-all';

/** The right-click flow's messages from the service worker (entrypoints/content.ts joins them with the batch's). */
export const rightClickHandlers = {
  'job-begin': (msg) => begin(msg.jobId, msg.srcUrl),
  'job-done': jobDone,
  'job-failed': (msg) => {
    const img = jobs.get(msg.jobId)?.img;
    endJob(msg.jobId);
    if (img) overlayFor(img).show({ kind: 'error', text: errorText(msg.error) });
    return true;
  },
  restore: (msg) => {
    const img = findForRestore(msg.srcUrl);
    return img ? restoreOne(img) : false;
  },
  'list-stylized': () => stylizedImages().map((img) => originalOf(img)!),
  'stylized-info': (msg) => stylizedInfo(msg.srcUrl, msg.shown),
  'save-note': saveNote,
  'restore-all': () => {
    // The right-clicked images only, each counted: the batch restores its own next (./batch.ts).
    for (const img of elementsShowing('right-click')) clearOverlay(img);
    return restoreAll('right-click');
  },
} satisfies Pick<Handlers<'backgroundToContent'>, RightClickMessage>;
