/** Reading bytes on the page's side: images only the page can read, and results as data: URLs. */

import { blobToDataUrl } from '../inference/encode';

/** A Blob as a data: URL (for pages whose CSP refuses blob: images, and for saving). */
export { blobToDataUrl };

/** The bytes of a data: or blob: URL of this page, as a data: URL the extension can fetch. */
export const readPageLocal = async (url: string) => blobToDataUrl(await (await fetch(url)).blob());
