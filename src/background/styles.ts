/** Style-library actions the background routes: use a web image as a style, save a result, live restyle. */
import { browser } from 'wxt/browser';
import type { AddStyleReply, ImageSource } from '../messaging/protocol';
import { isFetchableUrl, isPageLocalUrl } from '../messaging/validate';
import { stylizeImage, topPageOf } from './jobs';
import { sendToContent, sendToOffscreen, type TabTarget } from './send';

/** "Use image as style": the offscreen document computes the bottleneck and stores the record. */
export async function useAsStyle(target: TabTarget | undefined, srcUrl: string): Promise<AddStyleReply> {
  let source: ImageSource;
  if (isFetchableUrl(srcUrl)) source = { kind: 'url', url: srcUrl };
  else if (isPageLocalUrl(srcUrl) && srcUrl.startsWith('data:')) source = { kind: 'data', dataUrl: srcUrl };
  else return { ok: false, error: { code: 'blocked', message: 'Backdrop cannot read images from this kind of address.' } };
  const name = nameFromUrl(srcUrl) || 'Web style';
  const reply = await sendToOffscreen({
    to: 'offscreen', type: 'add-style', source, name,
    origin: { kind: 'url', url: source.kind === 'url' ? srcUrl : 'data:' },
  });
  if (!reply.ok && target) {
    await sendToContent(target, { to: 'content', type: 'job-failed', jobId: '', error: reply.error }).catch(() => {});
  }
  return reply;
}

export async function addStyleFromFile(dataUrl: string, fileName: string): Promise<AddStyleReply> {
  return sendToOffscreen({
    to: 'offscreen', type: 'add-style', source: { kind: 'data', dataUrl },
    name: fileName.replace(/\.[a-z0-9]+$/i, ''), origin: { kind: 'file', fileName: fileName.slice(0, 200) },
  });
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

/** "Save stylized image": the shown result at full resolution, as a PNG download. */
export async function saveStylized(target: TabTarget, srcUrl: string): Promise<{ ok: boolean; downloadId?: number; filename?: string }> {
  const info = await sendToContent(target, { to: 'content', type: 'stylized-info', srcUrl }).catch(() => null);
  if (!info) return { ok: false };
  const png = await sendToOffscreen({ to: 'offscreen', type: 'to-png', dataUrl: info.dataUrl });
  if (!png.ok) return { ok: false };
  const filename = savedFileName(info.originalUrl, info.styleName);
  const downloadId = await browser.downloads.download({ url: png.dataUrl, filename, saveAs: false });
  return { ok: true, downloadId, filename };
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
