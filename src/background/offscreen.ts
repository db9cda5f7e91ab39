/**
 * The offscreen document's lifecycle: created on demand, reused, closed when it says it is idle.
 *
 * The document (entrypoints/offscreen, the inference engine) is the same page in both browsers and
 * is spoken to the same way, by runtime messages and ports; only its home differs, here:
 * - Chrome: an offscreen document (chrome.offscreen), since a service worker has no DOM and cannot
 *   start the engine's workers.
 * - Firefox: a frame in the background's event page (Firefox has no offscreen documents). The frame
 *   is a context of its own, so the background's runtime messages reach it as they reach Chrome's
 *   offscreen document; when Firefox suspends the idle event page, the frame goes with it, as
 *   Chrome's document goes when it is closed.
 */
import { browser } from 'wxt/browser';
import { FIREFOX } from '../platform/browser';

const PATH = '/offscreen.html';

interface Home {
  exists(): Promise<boolean>;
  create(): Promise<void>;
  close(): Promise<void>;
}

const chromeHome: Home = {
  async exists() {
    const url = browser.runtime.getURL(PATH);
    const contexts = await browser.runtime.getContexts({ contextTypes: ['OFFSCREEN_DOCUMENT'], documentUrls: [url] });
    return contexts.length > 0;
  },
  async create() {
    await browser.offscreen.createDocument({
      url: PATH,
      reasons: ['WORKERS'],
      justification: 'Runs the segmentation and style-transfer models (WebAssembly with worker threads) locally.',
    });
  },
  async close() {
    await browser.offscreen.closeDocument();
  },
};

const FRAME_ID = 'backdrop-engine';
const engineFrame = () => document.getElementById(FRAME_ID) as HTMLIFrameElement | null;

const firefoxHome: Home = {
  async exists() {
    return engineFrame() !== null;
  },
  create() {
    return new Promise<void>((resolve, reject) => {
      const frame = document.createElement('iframe');
      frame.id = FRAME_ID;
      // Resolves once the page's module scripts ran, i.e. its message listeners are in place.
      frame.addEventListener('load', () => resolve(), { once: true });
      frame.addEventListener('error', () => reject(new Error('The inference engine\'s page did not load')), { once: true });
      frame.src = browser.runtime.getURL(PATH);
      document.body.append(frame);
    });
  },
  async close() {
    engineFrame()?.remove();
  },
};

const home = FIREFOX ? firefoxHome : chromeHome;
let creating: Promise<void> | undefined;

export async function ensureOffscreen(): Promise<void> {
  if (await home.exists()) return;
  creating ??= home
    .create()
    .catch(async (e) => {
      // Two callers raced: the document exists now, which is all we wanted.
      if (!(await home.exists())) throw e;
    })
    .finally(() => {
      creating = undefined;
    });
  await creating;
}

export async function closeOffscreen(): Promise<void> {
  if (await home.exists()) await home.close();
}
