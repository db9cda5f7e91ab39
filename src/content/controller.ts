/** The content script's side of a right-click job: find the image, show progress, swap or show the error. */
import type { BackgroundToContent, JobBeginReply } from '../messaging/protocol';
import { isPageLocalUrl } from '../messaging/validate';
import { clearOverlay, overlayFor } from './overlay';
import { isStylized, originalUrl, restoreImage, STYLIZED_ATTR, swapImage } from './swap';
import { findImage, imageMatches } from './targets';

const jobs = new Map<string, HTMLImageElement>();

async function readPageLocal(url: string): Promise<string> {
  const blob = await (await fetch(url)).blob();
  return new Promise((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => resolve(r.result as string);
    r.onerror = () => reject(r.error);
    r.readAsDataURL(blob);
  });
}

async function begin(jobId: string, srcUrl: string): Promise<JobBeginReply> {
  const img = findForRestore(srcUrl);
  if (!img) return { ok: false, error: { code: 'no-target', message: 'The image is no longer on the page.' } };
  jobs.set(jobId, img);
  overlayFor(img).show({ kind: 'working' });
  // Restyling a stylized image starts again from its original.
  const source = isStylized(img) ? originalUrl(img)! : srcUrl;
  if (!isPageLocalUrl(source)) return source === srcUrl ? { ok: true } : { ok: true, sourceUrl: source };
  try {
    return { ok: true, dataUrl: await readPageLocal(source) };
  } catch {
    const error = { code: 'blocked' as const, message: 'The page does not let Backdrop read this image.' };
    overlayFor(img).show({ kind: 'error', text: error.message });
    jobs.delete(jobId);
    return { ok: false, error };
  }
}

const stylizedImages = () => [...document.querySelectorAll<HTMLImageElement>(`img[${STYLIZED_ATTR}]`)].filter(isStylized);

/** The image a URL refers to: what it shows now, or the original it was stylized from. */
function findForRestore(srcUrl: string) {
  const img = findImage(srcUrl);
  if (img) return img;
  return stylizedImages().find((c) => originalUrl(c) === srcUrl || imageMatches(c, srcUrl));
}

export async function handleMessage(msg: BackgroundToContent): Promise<unknown> {
  switch (msg.type) {
    case 'job-begin':
      return begin(msg.jobId, msg.srcUrl);
    case 'job-done': {
      const img = jobs.get(msg.jobId);
      jobs.delete(msg.jobId);
      if (!img) return false;
      try {
        await swapImage(img, msg.result.dataUrl);
        img.dataset.backdropStyle = msg.styleName;
      } catch (e) {
        overlayFor(img).show({ kind: 'error', text: (e as Error).message });
        return false;
      }
      const from = msg.result.downscaledFrom;
      if (from) overlayFor(img).show({ kind: 'note', text: `Processed at ${msg.result.width}×${msg.result.height} (the original is ${from.width}×${from.height}).` });
      else clearOverlay(img);
      return true;
    }
    case 'job-failed': {
      const img = jobs.get(msg.jobId);
      jobs.delete(msg.jobId);
      if (img) overlayFor(img).show({ kind: 'error', text: msg.error.message });
      return true;
    }
    case 'restore': {
      const img = findForRestore(msg.srcUrl);
      if (!img) return false;
      clearOverlay(img);
      return restoreImage(img);
    }
    case 'list-stylized':
      return stylizedImages().map((img) => originalUrl(img)!);
    case 'stylized-info': {
      const img = findForRestore(msg.srcUrl);
      if (!img || !isStylized(img)) return null;
      return { dataUrl: img.src, originalUrl: originalUrl(img)!, styleName: img.dataset.backdropStyle ?? 'style' };
    }
    case 'restore-all': {
      let n = 0;
      for (const img of stylizedImages()) {
        clearOverlay(img);
        if (restoreImage(img)) n++;
      }
      return n;
    }
  }
}
