/** Routing a right-click job: content script (target, progress) ⇄ offscreen document (pipeline). */
import { browser } from 'wxt/browser';
import type { BackgroundToContent, BackgroundToOffscreen, ImageSource, JobError, StylizeOptions, StylizeReply } from '../messaging/protocol';
import { isFetchableUrl, parseJobBeginReply } from '../messaging/validate';
import { getSettings } from '../settings/settings';
import { BUILTIN_STYLES, builtinStyle } from '../styles/builtins';
import { ensureOffscreen } from './offscreen';
import { extensionUrl } from '../extension-url';

export interface TabTarget {
  tabId: number;
  frameId: number;
}

export function sendToContent(target: TabTarget, msg: BackgroundToContent): Promise<unknown> {
  return browser.tabs.sendMessage(target.tabId, msg, { frameId: target.frameId });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Sends a job to the offscreen document, waiting briefly for a document that is still starting. */
export async function sendToOffscreen(msg: BackgroundToOffscreen): Promise<StylizeReply> {
  await ensureOffscreen();
  for (let attempt = 0; ; attempt++) {
    try {
      const reply = (await browser.runtime.sendMessage(msg)) as StylizeReply | undefined;
      if (reply) return reply;
      throw new Error('no reply');
    } catch (e) {
      if (attempt >= 20) return { ok: false, error: { code: 'internal', message: `The inference engine did not answer: ${(e as Error).message}` } };
      await sleep(100);
      await ensureOffscreen();
    }
  }
}

export async function resolveOptions(): Promise<StylizeOptions> {
  const s = await getSettings();
  const style = builtinStyle(s.styleId) ?? BUILTIN_STYLES[0];
  return {
    styleId: style.id,
    styleUrl: extensionUrl(style.path),
    transferModel: s.transferModel,
    threads: s.threads,
  };
}

export async function styleName(styleId: string) {
  return builtinStyle(styleId)?.name ?? styleId;
}

/** Stylizes the image at `srcUrl` in the given frame, end to end. Resolves when the page shows the outcome. */
export async function stylizeImage(target: TabTarget, srcUrl: string): Promise<{ ok: boolean; error?: JobError }> {
  const jobId = crypto.randomUUID();
  const fail = async (error: JobError) => {
    await sendToContent(target, { to: 'content', type: 'job-failed', jobId, error }).catch(() => {});
    return { ok: false, error };
  };
  let begin;
  try {
    begin = parseJobBeginReply(await sendToContent(target, { to: 'content', type: 'job-begin', jobId, srcUrl }));
  } catch {
    return { ok: false, error: { code: 'no-target', message: 'Backdrop is not running in this page yet: reload the page.' } };
  }
  if (!begin.ok) return fail(begin.error);

  let source: ImageSource;
  if (begin.dataUrl) source = { kind: 'data', dataUrl: begin.dataUrl };
  else if (isFetchableUrl(srcUrl)) source = { kind: 'url', url: srcUrl };
  else return fail({ code: 'blocked', message: 'Backdrop cannot read images from this kind of address.' });

  const options = await resolveOptions();
  const reply = await sendToOffscreen({ to: 'offscreen', type: 'stylize', jobId, source, options });
  if (!reply.ok) return fail(reply.error);
  await sendToContent(target, {
    to: 'content', type: 'job-done', jobId, result: reply.result, styleName: await styleName(options.styleId),
  });
  return { ok: true };
}

export async function restoreImage(target: TabTarget, srcUrl: string): Promise<boolean> {
  return Boolean(await sendToContent(target, { to: 'content', type: 'restore', srcUrl }).catch(() => false));
}
