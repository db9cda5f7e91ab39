/**
 * The background side of the batch flow: start, cancel, restore-all and status for a tab, and the
 * loop that feeds the tab's queue to the offscreen document.
 *
 * Surviving the service worker being stopped: the queue is in storage.session (./store.ts), and the
 * content script of a tab in batch mode holds a port open to the worker. When the worker stops, the
 * port drops; the content script reconnects while it still has images waiting, which starts a fresh
 * worker, whose onConnect handler resumes the tab's queue (items that were working go back in front,
 * their offscreen reply was lost with the old worker).
 *
 * Overlap: at most two images are in flight. The offscreen InferenceHost still runs jobs strictly one
 * after another (the runtime's thread pool fits one model run), so the second job waits in its
 * queue: while one image runs the models, the previous result travels to the page and is swapped in.
 */
import { browser } from 'wxt/browser';
import type { MessageOf, MessageType, ReplyOf } from '../messaging/contract';
import { isEngineLost, jobError, type JobError } from '../messaging/protocol';
import { errorText } from '../i18n/errors';
import { isFetchableUrl } from '../messaging/validate';
import { BATCH_PORT, type BatchCommand, type BatchStatus, type FoundImage } from '../messaging/batch';
import { resolveOptions, topPageOf } from './jobs';
import { sendToContent, sendToOffscreen } from './send';
import { ensureOffscreen } from './offscreen';
import { recipeOf, rememberRecipe } from './save-recipes';
import { fromContentScript } from '../messaging/senders';
import {
  addImages, badgeText, cancel, claimNext, dropItem, emptyBatch, finish, isWorking, progress, requeueWorking, retryLost,
  type BatchItem, type TabBatch,
} from './batch-queue';
import { loadBatch, setBatch, updateBatch } from './batch-store';

/** Images in flight at once (one running the models, one waiting in the offscreen queue). */
const IN_FLIGHT = 2;

/** Loops running in this worker instance, by tab. */
const loops = new Map<number, Promise<void>>();

/** Batch mode covers a tab's top page. */
const toContent = <K extends MessageType<'backgroundToContent'>>(tabId: number, msg: MessageOf<'backgroundToContent', K>): Promise<ReplyOf<'backgroundToContent', K>> =>
  sendToContent({ tabId, frameId: 0 }, msg);

/** Badge updates by tab, one after another. */
const badges = new Map<number, Promise<void>>();

/**
 * Shows a tab's progress on the toolbar badge. Images finish concurrently, so each update reads the
 * batch as stored when its turn comes: the last one shows the last state, whatever order the
 * callers' writes and these updates interleave in.
 */
function showBadge(tabId: number): Promise<void> {
  const update = (badges.get(tabId) ?? Promise.resolve()).then(async () => {
    const p = progress(await loadBatch(tabId));
    await browser.action.setBadgeBackgroundColor({ tabId, color: p.failed ? '#b3261e' : '#3a2d7d' }).catch(() => {});
    await browser.action.setBadgeText({ tabId, text: badgeText(p) }).catch(() => {});
  });
  const tail = update.catch(() => {}).finally(() => { if (badges.get(tabId) === tail) badges.delete(tabId); });
  badges.set(tabId, tail);
  return update;
}

export function statusOf(tabId: number, batch: TabBatch | undefined): BatchStatus {
  return { tabId, active: batch?.active ?? false, ...progress(batch) };
}

/** Turns batch mode on for a tab: the page is scanned and its images queued, visible ones first. */
export async function startBatch(tabId: number): Promise<BatchStatus> {
  await setBatch(tabId, (b) => (b?.active ? b : { ...(b ?? emptyBatch(tabId)), active: true }));
  let found;
  try {
    found = await toContent(tabId, { to: 'content', type: 'batch-scan' });
  } catch {
    // No content script in this tab (a browser page, or the page predates the extension).
    const batch = await setBatch(tabId, () => undefined);
    await showBadge(tabId);
    return statusOf(tabId, batch);
  }
  const batch = await setBatch(tabId, (b) => addImages(b ?? emptyBatch(tabId), found));
  await showBadge(tabId);
  ensureLoop(tabId);
  return statusOf(tabId, batch);
}

/** The offscreen jobs of each tab's images in flight, in this worker. */
const jobsInFlight = new Map<number, Set<string>>();

/**
 * Tells the offscreen document to skip a tab's jobs still in flight: one waiting in its queue never
 * runs the models (the one running finishes its model run, and its result is dropped).
 */
function cancelJobsInFlight(tabId: number) {
  for (const jobId of jobsInFlight.get(tabId) ?? []) void sendToOffscreen({ to: 'offscreen', type: 'cancel', jobId }).catch(() => {});
}

/** Stops a tab's batch at once: nothing queued runs, results still in flight are dropped. */
export async function cancelBatch(tabId: number): Promise<BatchStatus> {
  const batch = await setBatch(tabId, (b) => (b ? cancel(b) : b));
  cancelJobsInFlight(tabId);
  await toContent(tabId, { to: 'content', type: 'batch-stop' }).catch(() => {});
  await showBadge(tabId);
  return statusOf(tabId, batch);
}

/** Cancels and puts every image of the page back as it was. */
export async function restoreAll(tabId: number): Promise<BatchStatus> {
  await setBatch(tabId, () => undefined);
  cancelJobsInFlight(tabId);
  const restored = await toContent(tabId, { to: 'content', type: 'batch-restore-all' }).catch(() => 0);
  await showBadge(tabId);
  return { ...statusOf(tabId, undefined), restored };
}

export async function batchStatus(tabId: number): Promise<BatchStatus> {
  return statusOf(tabId, await loadBatch(tabId));
}

/** Images the page added while batch mode is on (already validated: src/messaging/validate.ts). */
export async function addFound(tabId: number, found: FoundImage[]): Promise<number> {
  const batch = await setBatch(tabId, (b) => (b?.active ? addImages(b, found) : b));
  if (!batch?.active) return 0;
  await showBadge(tabId);
  ensureLoop(tabId);
  return found.length;
}

/** Picks a tab's batch up again in a fresh worker (or does nothing if this worker is running it). */
export async function resumeBatch(tabId: number): Promise<void> {
  if (loops.has(tabId)) return;
  const batch = await setBatch(tabId, (b) => (b && !loops.has(tabId) ? requeueWorking(b) : b));
  if (batch?.active) ensureLoop(tabId);
}

function ensureLoop(tabId: number) {
  if (loops.has(tabId)) return;
  const loop = runLoop(tabId).finally(() => loops.delete(tabId));
  loops.set(tabId, loop);
}

async function runLoop(tabId: number) {
  const inFlight = new Set<Promise<void>>();
  for (;;) {
    const item = inFlight.size < IN_FLIGHT
      ? await updateBatch(tabId, (b) => {
        if (!b) return { batch: b, value: undefined };
        const { batch, item } = claimNext(b);
        return { batch, value: item };
      })
      : undefined;
    if (item) {
      const job: Promise<void> = processItem(tabId, item).finally(() => inFlight.delete(job));
      inFlight.add(job);
      continue;
    }
    if (!inFlight.size) return;
    await Promise.race(inFlight);
  }
}

/**
 * One image: the page shows "working", the offscreen document paints it, the page swaps it in. Any
 * failure on the way ends as this image's error, shown on it and counted, never as an image left
 * "working" for good.
 */
async function processItem(tabId: number, item: BatchItem) {
  const fail = async (error: JobError) => {
    await setBatch(tabId, (b) => (b ? finish(b, item.url, { ok: false, error: errorText(error) }) : b));
    // The page makes the text from the key (src/i18n/errors.ts).
    await toContent(tabId, { to: 'content', type: 'batch-fail', url: item.url, error }).catch(() => {});
    await showBadge(tabId);
  };
  try {
    await runItem(tabId, item, fail);
  } catch (e) {
    await fail(jobError('internal', 'errBatchFailed', String((e as Error)?.message ?? e).slice(0, 400))).catch(() => {});
  }
}

async function runItem(tabId: number, item: BatchItem, fail: (error: JobError) => Promise<void>) {
  const jobId = crypto.randomUUID();
  // The offscreen document should be listening before the page opens the job's result port; if it
  // cannot start now, the stylize request below tries again and reports what went wrong.
  await ensureOffscreen().catch(() => {});
  let begin;
  try {
    begin = await toContent(tabId, { to: 'content', type: 'batch-begin', url: item.url, jobId });
  } catch {
    begin = { ok: false as const, error: jobError('no-target', 'errPageGone') };
  }
  if (!begin.ok) {
    // The image left the page: it is no longer part of the batch.
    if (begin.error.code === 'no-target') {
      await setBatch(tabId, (b) => (b ? dropItem(b, item.url) : b));
      await showBadge(tabId);
      return;
    }
    return fail(begin.error);
  }
  // Cancelled or restored while the page got ready: no model runs for it.
  if (!isWorking(await loadBatch(tabId), item.url)) return;
  const source = begin.dataUrl ? { kind: 'data' as const, dataUrl: begin.dataUrl }
    : isFetchableUrl(item.url) ? { kind: 'url' as const, url: item.url, page: await topPageOf(tabId) } : undefined;
  if (!source) return fail(jobError('blocked', 'errAddressUnreadable'));

  const options = await resolveOptions();
  const jobs = jobsInFlight.get(tabId) ?? jobsInFlight.set(tabId, new Set()).get(tabId)!;
  jobs.add(jobId);
  const reply = await sendToOffscreen({ to: 'offscreen', type: 'stylize', jobId, source, options, deliverTo: { tabId, frameId: 0 } })
    .finally(() => {
      jobs.delete(jobId);
      if (!jobs.size && jobsInFlight.get(tabId) === jobs) jobsInFlight.delete(tabId);
    });
  // Cancelled or restored meanwhile: leave the page alone.
  if (!isWorking(await loadBatch(tabId), item.url)) return;
  // The offscreen document went away with the job (and the page's result port): the image goes back
  // to the front of the queue, its veil kept, and its next batch-begin opens a port to a fresh document.
  if (!reply.ok && isEngineLost(reply.error)) {
    const again = await updateBatch(tabId, (b) => {
      if (!b) return { batch: b, value: false };
      const { batch, retried } = retryLost(b, item.url);
      return { batch, value: retried };
    });
    if (again) return;
  }
  if (!reply.ok) return fail(reply.error);
  const shown = await toContent(tabId, { to: 'content', type: 'batch-apply', url: item.url }).catch(() => false);
  if (!shown) return fail(jobError('internal', 'errPageRefusedResult'));
  const remembered = rememberRecipe(jobId, { tabId, frameId: 0 }, recipeOf(source, options)); // for a later save
  await setBatch(tabId, (b) => (b ? finish(b, item.url, { ok: true }) : b));
  await showBadge(tabId);
  await remembered;
}

/** Handles a batch command from the popup (the tests' seam too: globalThis.backdrop.handleBatchCommand). */
export function handleBatchCommand(msg: BatchCommand): Promise<BatchStatus> {
  switch (msg.type) {
    case 'batch-start': return startBatch(msg.tabId);
    case 'batch-cancel': return cancelBatch(msg.tabId);
    case 'batch-restore-all': return restoreAll(msg.tabId);
    case 'batch-status': return batchStatus(msg.tabId);
  }
}

/** The keyboard shortcut (the manifest's `stylize-page` command, Alt+Shift+Y): a batch on the active tab. */
export function handleCommand(command: string, tab?: { id?: number }): Promise<BatchStatus> | undefined {
  if (command === 'stylize-page' && tab?.id !== undefined && tab.id >= 0) return startBatch(tab.id);
  return undefined;
}

/** Registers the batch flow's listeners; call once at the top level of the service worker. */
export function registerBatch() {
  browser.runtime.onConnect.addListener((port) => {
    // A top page's content script in batch mode wakes the worker for its own tab's batch.
    if (port.name !== BATCH_PORT || !fromContentScript(port.sender, { topFrame: true })) return;
    void resumeBatch(port.sender.tab.id);
  });
  browser.commands?.onCommand.addListener((command, tab) => void handleCommand(command, tab));
  // A closed, reloaded or navigated tab takes its batch with it (a new start re-reports what is still pending).
  browser.tabs.onRemoved.addListener((tabId) => void setBatch(tabId, () => undefined));
  browser.tabs.onUpdated.addListener((tabId, change) => {
    if (change.status === 'loading') void setBatch(tabId, () => undefined).then(() => showBadge(tabId));
  });
}
