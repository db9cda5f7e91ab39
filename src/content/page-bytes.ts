/** Reading bytes on the page's side: images only the page can read, and results as data: URLs. */

import { blobToDataUrl } from '../messaging/bytes';

/** A Blob as a data: URL (for pages whose CSP refuses blob: images, and for saving). */
export { blobToDataUrl };

/**
 * The bytes of a data: or blob: URL of this page, as a data: URL the extension can fetch. A blob:
 * URL of another origin is refused: the page itself cannot read it (a content script's fetch could).
 */
export async function readPageLocal(url: string): Promise<string> {
  if (url.startsWith('blob:')) {
    const origin = new URL(url).origin;
    if (origin === 'null' || origin !== self.origin) throw new Error('a blob: URL of another origin');
  }
  return blobToDataUrl(await (await fetch(url)).blob());
}
