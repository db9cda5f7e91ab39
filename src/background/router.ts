/**
 * Every runtime message the service worker takes, by who sent it. The browser names the sender (a
 * page cannot forge it: src/messaging/senders.ts); the sender decides which of the contract's
 * directions the message may be, and the message is validated for that direction before its handler
 * runs. Each direction's handlers are checked against the contract (src/messaging/contract.ts).
 */
import type { Browser } from 'wxt/browser';
import { dispatch, type Handlers } from '../messaging/contract';
import { isObject } from '../messaging/guards';
import { fromContentScript, fromOffscreen, fromPopup, fromWelcome } from '../messaging/senders';
import { parseContentMessage, parseOffscreenMessage, parsePopupMessage, parseWelcomeMessage } from '../messaging/validate';
import { addFound, handleBatchCommand } from './batch-runner';
import { closeOffscreen } from './offscreen';
import { addStyleFromFile, restoreTab, restyleTab } from './styles';
import { warmUp } from './warm-up';
import { paintWelcomeExample } from './welcome';
import { builtinStyle } from '../styles/builtins';

type Sender = Browser.runtime.MessageSender;
/** A content script's sender: the browser set its tab. */
type ContentSender = Sender & { tab: Browser.tabs.Tab & { id: number } };

/** The popup (also when opened as a page in a tab). */
const popup = {
  'restyle-tab': ({ tabId }) => restyleTab(tabId),
  'restore-page': ({ tabId }) => restoreTab(tabId),
  'add-style-file': ({ dataUrl, fileName }) => addStyleFromFile(dataUrl, fileName),
  'batch-start': handleBatchCommand,
  'batch-cancel': handleBatchCommand,
  'batch-restore-all': handleBatchCommand,
  'batch-status': handleBatchCommand,
} satisfies Handlers<'popupToBackground'>;

/** The welcome page, opened in a tab on install. */
const welcome = {
  'welcome-example': ({ styleId }) => paintWelcomeExample(styleId),
} satisfies Handlers<'welcomeToBackground'>;

/** Backdrop's content script in a web page. */
const content = {
  // A right-click over an image: start the engine, and read the image, while the menu is open. The
  // page's context comes from the browser (the sender's frame and tab), never from the message.
  warm: ({ srcUrl, point }, sender) => {
    void warmUp(srcUrl, sender.url && sender.tab.url
      ? { frameUrl: sender.url, topUrl: sender.tab.url, framed: sender.frameId !== 0 } : undefined, point);
  },
  // Batch mode covers the top page: only its content script reports images (the parser checks the
  // frame), for its own tab.
  'batch-found': ({ images }, sender) => addFound(sender.tab.id, images),
} satisfies Handlers<'contentToBackground', ContentSender>;

/** The offscreen document (an extension page, never in a tab). */
const offscreen = {
  'offscreen-idle': () => closeOffscreen(),
  // Nothing to do: in Firefox, a message's arrival is what keeps the event page (and its engine frame) alive.
  'offscreen-awake': async () => {},
} satisfies Handlers<'offscreenToBackground'>;

/**
 * The runtime.onMessage listener's work: the reply's promise, or undefined when the message is not
 * the worker's to answer (another context's, or from a sender that may not send it).
 */
export function routeMessage(message: unknown, sender: Sender): Promise<unknown> | undefined {
  if (!isObject(message) || message.to !== 'background') return undefined;
  if (fromPopup(sender)) {
    const msg = parsePopupMessage(message);
    return msg && dispatch(popup, msg, undefined);
  }
  if (fromWelcome(sender)) {
    const msg = parseWelcomeMessage(message, (id) => builtinStyle(id) !== undefined);
    return msg && dispatch(welcome, msg, undefined);
  }
  if (fromContentScript(sender)) {
    const msg = parseContentMessage(message, sender.frameId);
    return msg && dispatch(content, msg, sender);
  }
  if (fromOffscreen(sender)) {
    const msg = parseOffscreenMessage(message);
    return msg && dispatch(offscreen, msg, undefined);
  }
  return undefined;
}
