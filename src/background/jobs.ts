/** Routing jobs: content script (target, progress, swap) ⇄ offscreen document (pipeline). */
import { browser } from 'wxt/browser';
import type { ImageSource, JobError, PageContext, PickPoint, StylizeOptions, ToldError } from '../messaging/protocol';
import { isEngineLost, jobError } from '../messaging/protocol';
import { withText } from '../i18n/errors';
import { isFetchableUrl } from '../messaging/validate';
import { getSettings, subjectClasses, updateSettings, withRecent } from '../settings/settings';
import { styleName } from '../styles/names';
import { ensureOffscreen } from './offscreen';
import { recipeOf, rememberRecipe } from './save-recipes';
import { sendToContent, sendToOffscreen, type TabTarget } from './send';

/**
 * The painting options from the settings, with `styleId` overriding the active style when given.
 * `click`: for a right-clicked image, where the click was (when known), which "What I right-click
 * on" needs; without it (a batch) every object is the subject.
 */
export async function resolveOptions(styleId?: string, click?: { point?: PickPoint }): Promise<StylizeOptions> {
  const s = await getSettings();
  return {
    ...(click && s.subject === 'clicked' ? { pick: click.point ?? null } : {}),
    styleId: styleId ?? s.styleId,
    mixStyleId: styleId ? undefined : s.mixStyleId,
    mixRatio: s.mixRatio,
    strength: s.strength,
    subject: subjectClasses(s),
    invert: s.invert,
    transferModel: s.transferModel,
    detail: s.detail,
    threads: s.threads,
  };
}

/**
 * The page a tab's top frame shows, as the browser reports it (host access lets Backdrop see a
 * tab's URL): what the extension's request for an image of that page may carry depends on it.
 */
export async function topPageOf(tabId: number): Promise<PageContext | undefined> {
  const url = await browser.tabs.get(tabId).then((t) => t?.url, () => undefined);
  return url ? { frameUrl: url, topUrl: url } : undefined;
}

/**
 * Stylizes the image at `srcUrl` in the given frame, end to end. Resolves when the page shows the
 * outcome (a failure with its text, for the caller's logs). `page`: the frame and top page as the
 * browser reported them (the context menu's click).
 */
export async function stylizeImage(target: TabTarget, srcUrl: string, styleId?: string, page?: PageContext): Promise<{ ok: boolean; error?: ToldError }> {
  // A job whose offscreen document went away mid-job runs once more from the start, in a fresh
  // document with a fresh result port; lost again, the page is told.
  let outcome = await runJob(target, srcUrl, styleId, page, false);
  if (outcome.lost) outcome = await runJob(target, srcUrl, styleId, page, true);
  return outcome.error ? { ok: false, error: withText(outcome.error) } : { ok: outcome.ok };
}

async function runJob(target: TabTarget, srcUrl: string, styleId: string | undefined, page: PageContext | undefined, last: boolean): Promise<{ ok: boolean; error?: JobError; lost?: boolean }> {
  const jobId = crypto.randomUUID();
  const fail = async (error: JobError) => {
    await sendToContent(target, { to: 'content', type: 'job-failed', jobId, error }).catch(() => {});
    return { ok: false, error };
  };
  // The offscreen document must be listening before the page opens the job's result port. The
  // options and the style's name are looked up meanwhile.
  const offscreenReady = ensureOffscreen();
  const optionsReady = resolveOptions(styleId, {});
  const nameReady = optionsReady.then((o) => styleName(o.styleId)).catch(() => 'style');
  await offscreenReady.catch(() => {});
  const beginReply = sendToContent(target, { to: 'content', type: 'job-begin', jobId, srcUrl });
  const options = await optionsReady;
  let used: ImageSource | undefined;
  const stylize = (source: ImageSource) => {
    used = source;
    return sendToOffscreen({ to: 'offscreen', type: 'stylize', jobId, source, options, deliverTo: target });
  };
  // An address the offscreen document can fetch is the image's source already (a stylized or
  // page-local image has a blob: or data: one, which the page must answer for), so that job starts
  // while the page gets ready, and is cancelled if the page says no.
  // "What I right-click on" waits for the page to say where the click was (the image itself has
  // been read and segmented ahead while the menu was open).
  const early = isFetchableUrl(srcUrl) && options.pick === undefined ? stylize({ kind: 'url', url: srcUrl, page }) : undefined;
  const cancelEarly = () => early && void sendToOffscreen({ to: 'offscreen', type: 'cancel', jobId }).catch(() => {});
  let begin;
  try {
    begin = await beginReply;
  } catch {
    cancelEarly();
    return { ok: false, error: jobError('no-target', 'errNotRunning') };
  }
  if (!begin.ok) {
    cancelEarly();
    return fail(begin.error);
  }
  if (options.pick === null && begin.point) options.pick = begin.point;

  let reply;
  if (early) reply = await early;
  else if (begin.dataUrl) reply = await stylize({ kind: 'data', dataUrl: begin.dataUrl });
  else if (begin.sourceUrl && isFetchableUrl(begin.sourceUrl)) reply = await stylize({ kind: 'url', url: begin.sourceUrl, page });
  else if (!begin.sourceUrl && isFetchableUrl(srcUrl)) reply = await stylize({ kind: 'url', url: srcUrl, page });
  else return fail(jobError('blocked', 'errAddressUnreadable'));
  // Not retried yet: the page keeps its veil, and the next attempt's job-begin takes the image over.
  if (!reply.ok && isEngineLost(reply.error) && !last) return { ok: false, error: reply.error, lost: true };
  if (!reply.ok) return fail(reply.error);
  // The style as recent, and how the job painted (a later save may need to paint it again).
  const remembered = Promise.all([rememberRecent(options.styleId), used && rememberRecipe(jobId, target, recipeOf(used, options))]);
  await sendToContent(target, { to: 'content', type: 'job-done', jobId, result: reply.result, styleName: await nameReady });
  await remembered;
  return { ok: true };
}

/** Puts a style first in the recently used list (the context menu's submenu). */
async function rememberRecent(styleId: string) {
  const recent = (await getSettings()).recentStyleIds;
  if (recent[0] !== styleId) await updateSettings({ recentStyleIds: withRecent(recent, styleId) });
}

export async function restoreImage(target: TabTarget, srcUrl: string): Promise<boolean> {
  return sendToContent(target, { to: 'content', type: 'restore', srcUrl }).catch(() => false);
}
