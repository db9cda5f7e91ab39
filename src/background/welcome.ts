/**
 * The welcome page's background side: opening it on a first install, and painting its live example.
 *
 * The example is a right-click's painting without a page: the offscreen document's own `stylize`,
 * with the options a right-click resolves from the settings (src/background/jobs.ts), over the
 * sample photo bundled with the extension (public/welcome/sample.jpg, provisioned at install). Its
 * result comes back in the reply, as a data: URL, instead of going to a tab's result port.
 */
import { browser } from 'wxt/browser';
import { storage } from 'wxt/utils/storage';
import { jobError, type WelcomeExampleReply } from '../messaging/protocol';
import { extensionUrl } from '../platform/extension-url';
import { styleName } from '../styles/names';
import { resolveOptions } from './jobs';
import { sendToOffscreen } from './send';

export const WELCOME_PAGE = '/welcome.html';
export const WELCOME_SAMPLE = '/welcome/sample.jpg';

/**
 * Set once the page has been opened: it never opens again in this profile, whether the person
 * closed it or not (a browser restart, an extension reload, a second install event). Removing the
 * extension clears it with the rest of storage.local.
 */
const welcomeShown = storage.defineItem<boolean>('local:welcomeShown', { fallback: false });

/**
 * runtime.onInstalled's part: on a first install only (never an update, of the extension or of the
 * browser), the welcome page in a new tab, once. True when it opened it.
 */
export async function openWelcomeOnInstall(details: { reason: string }): Promise<boolean> {
  if (details.reason !== 'install' || await welcomeShown.getValue()) return false;
  // The flag first, so two install events in a row cannot both open it.
  await welcomeShown.setValue(true);
  try {
    await browser.tabs.create({ url: extensionUrl(WELCOME_PAGE) });
    return true;
  } catch {
    await welcomeShown.removeValue(); // not shown: the next install may try again
    return false;
  }
}

/**
 * The live example: the sample painted with the person's settings (their style and mix, strength,
 * subject, detail), or with the built-in `styleId` instead of their style. The settings are left
 * as they were (the style is not recorded as recently used: nothing on a page was stylized).
 */
export async function paintWelcomeExample(styleId?: string): Promise<WelcomeExampleReply> {
  const options = await resolveOptions(styleId);
  const reply = await sendToOffscreen({
    to: 'offscreen', type: 'stylize', jobId: crypto.randomUUID(),
    source: { kind: 'url', url: extensionUrl(WELCOME_SAMPLE) }, options,
  });
  if (!reply.ok) return reply;
  const { dataUrl } = reply.result;
  if (!dataUrl) return { ok: false, error: jobError('internal', 'errExampleNoPicture') };
  return { ok: true, dataUrl, styleId: options.styleId, styleName: await styleName(options.styleId) };
}
