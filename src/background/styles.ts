/** Style-library actions the background routes: use a web image as a style, save a result, live restyle. */
import { browser, type Browser } from 'wxt/browser';
import type { MessageOf } from '../messaging/contract';
import type { AddStyleReply, ImageSource, JobError, Outcome, SaveRecipe, Told, ToldError } from '../messaging/protocol';
import { isEngineLost, jobError, SAVE_MAX_PIXELS, SAVE_MAX_SIDE } from '../messaging/protocol';
import { errorText, told, withText } from '../i18n/errors';
import { t } from '../i18n/t';
import { isFetchableUrl, isPageLocalUrl } from '../messaging/validate';
import { stylizeImage, topPageOf } from './jobs';
import { recipeFor } from './save-recipes';
import { sendToContent, sendToOffscreen, type TabTarget } from './send';

/** "Use image as style": the offscreen document computes the bottleneck and stores the record. */
export async function useAsStyle(target: TabTarget | undefined, srcUrl: string): Promise<Told<AddStyleReply>> {
  let source: ImageSource;
  if (isFetchableUrl(srcUrl)) source = { kind: 'url', url: srcUrl };
  else if (isPageLocalUrl(srcUrl) && srcUrl.startsWith('data:')) source = { kind: 'data', dataUrl: srcUrl };
  else return { ok: false, error: withText(jobError('blocked', 'errAddressUnreadable')) };
  const name = nameFromUrl(srcUrl) || t('styleNameWeb');
  const reply = await sendToOffscreen({
    to: 'offscreen', type: 'add-style', source, name,
    origin: { kind: 'url', url: source.kind === 'url' ? srcUrl : 'data:' },
  });
  if (!reply.ok && target) {
    await sendToContent(target, { to: 'content', type: 'job-failed', jobId: '', error: reply.error }).catch(() => {});
  }
  return told(reply);
}

/** A style from a file the popup hands over; a failure comes back with its text, which the popup shows. */
export async function addStyleFromFile(dataUrl: string, fileName: string): Promise<Told<AddStyleReply>> {
  return told(await sendToOffscreen({
    to: 'offscreen', type: 'add-style', source: { kind: 'data', dataUrl },
    name: fileName.replace(/\.[a-z0-9]+$/i, '').trim().slice(0, 80) || t('styleNameFile'),
    origin: { kind: 'file', fileName: fileName.slice(0, 200) },
  }));
}

/** The last path segment of a URL, without its extension, as a readable name. */
export function nameFromUrl(url: string): string {
  try {
    const seg = decodeURIComponent(new URL(url).pathname.split('/').filter(Boolean).pop() ?? '');
    return seg.replace(/\.[a-z0-9]+$/i, '').replace(/[^\p{L}\p{N} _-]+/gu, ' ').trim().slice(0, 60);
  } catch {
    return '';
  }
}

/** A file name for a saved result: the original's name and the style's. */
export function savedFileName(originalUrl: string, styleName: string): string {
  const slug = (s: string) => s.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '-').replace(/^-+|-+$/g, '').slice(0, 40);
  return `${slug(nameFromUrl(originalUrl)) || 'image'}-${slug(styleName) || 'styled'}.png`;
}

/** What "Save stylized image" did: the file's size, and why it is not the original's own when it is not. */
export interface SaveOutcome {
  ok: boolean;
  downloadId?: number;
  filename?: string;
  width?: number;
  height?: number;
  /** The original was over the save's cap (SAVE_MAX_SIDE, SAVE_MAX_PIXELS) and was saved scaled down from this size. */
  downscaledFrom?: { width: number; height: number };
  /** The result was saved as shown in the page (its size), because it could not be rendered again: why. */
  asShown?: string;
  error?: ToldError;
}

/**
 * "Save stylized image": the result at the original's own size, as a PNG download. The offscreen
 * document renders it again (src/inference/save.ts) from the job's layers, or from the job's recipe
 * when it let them go, over the original read again as the job read it. Failing that (the original
 * is gone, the page no longer hands it over), the result as shown is saved, and the image says so.
 * The file goes to the person's disk only, never back to the page.
 */
export async function saveStylized(target: TabTarget, srcUrl: string): Promise<SaveOutcome> {
  const info = await sendToContent(target, { to: 'content', type: 'stylized-info', srcUrl }).catch(() => null);
  if (!info) return { ok: false };
  const filename = savedFileName(info.originalUrl, info.styleName);
  const note = (kind: 'note' | 'error', text: string) =>
    sendToContent(target, { to: 'content', type: 'save-note', srcUrl, kind, text }).catch(() => false);
  const failed = async (error: JobError): Promise<SaveOutcome> => {
    const shown = withText(error);
    await note('error', t('saveFailed', shown.message));
    return { ok: false, error: shown };
  };

  let why = t('saveWhyForgotten');
  if (info.jobId) {
    const { jobId, originalData } = info;
    const ask = (recipe?: SaveRecipe) => sendToOffscreen({
      to: 'offscreen', type: 'save', jobId, from: target, ...(originalData ? { originalData } : {}), ...(recipe ? { recipe } : {}),
    });
    let reply = await ask();
    if (!reply.ok && 'missing' in reply) {
      const recipe = await recipeFor(jobId, target);
      if (recipe) reply = await ask(recipe);
    }
    if (reply.ok) {
      const { url, width, height, downscaledFrom } = reply;
      const downloaded = await download(url, filename);
      if (!downloaded.ok) return failed(downloaded.error);
      const downloadId = downloaded.id;
      if (downscaledFrom) {
        await note('note', t('saveScaledDown', width, height, downscaledFrom.width, downscaledFrom.height, SAVE_MAX_PIXELS / 1e6, SAVE_MAX_SIDE));
      }
      return { ok: true, downloadId, filename, width, height, ...(downscaledFrom ? { downscaledFrom } : {}) };
    }
    if (!('missing' in reply)) {
      why = isEngineLost(reply.error)
        ? t('saveWhyEngineLost')
        : t('saveWhyUnreadable', errorText(reply.error).replace(/\.$/, ''));
    }
  }

  // Saved as shown: what the page holds is still the person's result (re-encoded as PNG, held as above).
  const shown = await sendToContent(target, { to: 'content', type: 'stylized-info', srcUrl, shown: true }).catch(() => null);
  const png = shown?.dataUrl ? await sendToOffscreen({ to: 'offscreen', type: 'to-png', dataUrl: shown.dataUrl }) : undefined;
  if (!png?.ok) return failed(png && !png.ok ? png.error : jobError('no-target', 'errStylizedGone'));
  const downloaded = await download(png.url, filename);
  if (!downloaded.ok) return failed(downloaded.error);
  await note('note', t('saveAsShown', png.width, png.height, why));
  return { ok: true, downloadId: downloaded.id, filename, width: png.width, height: png.height, asShown: why };
}

/**
 * Downloads a file the offscreen document holds under a blob: URL (never a data: URL, which Firefox
 * refuses to download), then tells it to let the file go (once the download has ended, or after
 * SAVE_DOWNLOAD_WAIT_MS: the document lets it go itself later). Refused or failed: why.
 */
async function download(url: string, filename: string): Promise<Outcome<{ id: number }>> {
  const refused = (why: string): Outcome<{ id: number }> => ({ ok: false, error: jobError('internal', 'errDownloadRefused', why.slice(0, 200)) });
  try {
    const id = await browser.downloads.download({ url, filename, saveAs: false });
    const error = await downloadEnded(id, SAVE_DOWNLOAD_WAIT_MS);
    // Cancelled by the person (a "Save as" dialog): nothing to report.
    return error && error !== 'USER_CANCELED' ? refused(error) : { ok: true, id };
  } catch (e) {
    return refused(e instanceof Error ? e.message : String(e));
  } finally {
    const release: MessageOf<'backgroundToOffscreen', 'save-release'> = { to: 'offscreen', type: 'save-release', url };
    void browser.runtime.sendMessage(release).catch(() => {}); // no document, nothing to let go
  }
}

/** How long the worker waits for a saved file's download to end before letting it go (a "Save as" dialog may be open). */
const SAVE_DOWNLOAD_WAIT_MS = 5 * 60_000;

/** Resolves when download `id` is complete (undefined) or interrupted (its error, e.g. FILE_FAILED), or after `ms` (undefined). */
function downloadEnded(id: number, ms: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const done = (error?: string) => {
      clearTimeout(timer);
      browser.downloads.onChanged.removeListener(changed);
      resolve(error);
    };
    const changed = (d: Browser.downloads.DownloadDelta) => {
      if (d.id === id && d.state && d.state.current !== 'in_progress') done(d.state.current === 'interrupted' ? d.error?.current ?? 'interrupted' : undefined);
    };
    const timer = setTimeout(() => done(), ms);
    browser.downloads.onChanged.addListener(changed);
    // It may have ended before the listener was added.
    void browser.downloads.search({ id }).then(([item]) => {
      if (item && item.state !== 'in_progress') done(item.state === 'interrupted' ? item.error ?? 'interrupted' : undefined);
    }, () => {});
  });
}

/** Re-applies the current settings to every image already stylized in a tab (one transfer each: cached). */
export async function restyleTab(tabId: number): Promise<number> {
  const target = { tabId, frameId: 0 };
  const urls = await sendToContent(target, { to: 'content', type: 'list-stylized' }).catch((): string[] => []);
  // The top frame's page, as the browser reports it: the restyle reads with the authority the first job had.
  const page = await topPageOf(tabId);
  let done = 0;
  for (const url of urls) if ((await stylizeImage(target, url, undefined, page)).ok) done++;
  return done;
}

export async function restoreTab(tabId: number): Promise<number> {
  return sendToContent({ tabId, frameId: 0 }, { to: 'content', type: 'restore-all' }).catch(() => 0);
}
