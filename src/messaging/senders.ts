/**
 * Who may send what. Every runtime message and port handler checks its sender with one of these
 * before it reads the message: the browser fills `sender` in (a page cannot forge it), while the
 * message itself is whatever the sending context chose to write.
 *
 * - The background: no tab, its URL (Chrome: the service worker's script; Firefox: its event page;
 *   src/platform/browser.ts).
 * - The popup: the extension's `/popup.html` (with a tab when opened as a page).
 * - The welcome page: the extension's `/welcome.html`, in a tab (no web page may frame it: it is not
 *   web-accessible).
 * - The offscreen document: `/offscreen.html`, never in a tab.
 * - A content script: a tab, and the URL of the web page (or frame) it runs in — never an
 *   extension page (the view frame Backdrop puts in pages is one, and is not a content script).
 *
 * Firefox fills in the same fields. Its offscreen document is a frame of the background's event page
 * (src/background/offscreen.ts), with the same URL.
 */
import { browser, type Browser } from 'wxt/browser';
import { BACKGROUND_PATH } from '../platform/browser';

type Sender = Browser.runtime.MessageSender;

const ownExtension = (s: Sender | undefined): s is Sender => s?.id === browser.runtime.id;

/** The path of an extension URL of this extension (query and hash ignored); undefined for any other URL. */
function extensionPath(url: string | undefined): string | undefined {
  if (!url) return undefined;
  const root = browser.runtime.getURL('/');
  if (!url.startsWith(root)) return undefined;
  return `/${url.slice(root.length).replace(/[?#].*$/, '')}`;
}

/** One of the extension's own pages at `path` (e.g. '/popup.html'). */
export const fromExtensionPage = (s: Sender | undefined, path: string) =>
  ownExtension(s) && extensionPath(s.url) === path;

/** The popup, also when opened as a page in a tab. */
export const fromPopup = (s: Sender | undefined) => fromExtensionPage(s, '/popup.html');

/** The welcome page the background opens on install (src/ui/welcome). */
export const fromWelcome = (s: Sender | undefined) => fromExtensionPage(s, '/welcome.html');

/** The offscreen document (it is never in a tab). */
export const fromOffscreen = (s: Sender | undefined) => fromExtensionPage(s, '/offscreen.html') && !s?.tab;

/** The background (Chrome's service worker, Firefox's event page): its URL, no tab. */
export const fromServiceWorker = (s: Sender | undefined) => fromExtensionPage(s, BACKGROUND_PATH) && !s?.tab;

/**
 * Backdrop's content script in a web page's tab: a tab is set, and the sending document is no
 * extension page. `topFrame`: only the tab's top frame.
 */
export function fromContentScript(s: Sender | undefined, opts: { topFrame?: boolean } = {}): s is Sender & { tab: Browser.tabs.Tab & { id: number } } {
  if (!ownExtension(s) || s.tab?.id === undefined || s.tab.id < 0) return false;
  if (!s.url || extensionPath(s.url) !== undefined || s.url.startsWith('chrome-extension:') || s.url.startsWith('moz-extension:')) return false;
  return !opts.topFrame || s.frameId === 0;
}
