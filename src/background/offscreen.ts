/** The offscreen document's lifecycle: created on demand, reused, closed when it says it is idle. */
import { browser } from 'wxt/browser';

const PATH = '/offscreen.html';
let creating: Promise<void> | undefined;

async function exists(): Promise<boolean> {
  const url = browser.runtime.getURL(PATH);
  const contexts = await browser.runtime.getContexts({ contextTypes: ['OFFSCREEN_DOCUMENT'], documentUrls: [url] });
  return contexts.length > 0;
}

export async function ensureOffscreen(): Promise<void> {
  if (await exists()) return;
  creating ??= browser.offscreen
    .createDocument({
      url: PATH,
      reasons: ['WORKERS'],
      justification: 'Runs the segmentation and style-transfer models (WebAssembly with worker threads) locally.',
    })
    .catch(async (e) => {
      // Two callers raced: the document exists now, which is all we wanted.
      if (!(await exists())) throw e;
    })
    .finally(() => {
      creating = undefined;
    });
  await creating;
}

export async function closeOffscreen(): Promise<void> {
  if (await exists()) await browser.offscreen.closeDocument();
}
