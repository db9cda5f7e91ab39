/** The content script's side of a right-click job: find the image, show progress, swap or show the error. */
import type { BackgroundToContent, JobBeginReply } from '../messaging/protocol';
import { isPageLocalUrl } from '../messaging/validate';
import { clearOverlay, overlayFor } from './overlay';
import { isStylized, originalUrl, restoreImage, swapImage } from './swap';
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
  const img = findImage(srcUrl);
  if (!img) return { ok: false, error: { code: 'no-target', message: 'The image is no longer on the page.' } };
  jobs.set(jobId, img);
  overlayFor(img).show({ kind: 'working' });
  // Restyling a stylized image starts again from its original.
  const source = isStylized(img) ? originalUrl(img)! : srcUrl;
  if (!isPageLocalUrl(source)) return { ok: true };
  try {
    return { ok: true, dataUrl: await readPageLocal(source) };
  } catch {
    const error = { code: 'blocked' as const, message: 'The page does not let Backdrop read this image.' };
    overlayFor(img).show({ kind: 'error', text: error.message });
    jobs.delete(jobId);
    return { ok: false, error };
  }
}

/** The image a stylized/original URL refers to, for restore. */
function findForRestore(srcUrl: string) {
  const img = findImage(srcUrl);
  if (img) return img;
  for (const candidate of document.querySelectorAll<HTMLImageElement>('img[data-backdrop-stylized]')) {
    if (originalUrl(candidate) === srcUrl || imageMatches(candidate, srcUrl)) return candidate;
  }
  return undefined;
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
  }
}
