/** Requests from the popup (an extension page), validated before anything acts on them. */
import type { Browser } from 'wxt/browser';
import { fromPopup } from '../messaging/senders';
import { parsePopupMessage } from '../messaging/validate';
import { addStyleFromFile, restoreTab, restyleTab } from './styles';

/**
 * Handles a popup request; undefined when the message is not one (so other listeners may answer).
 * Only the popup page may ask (also when opened in a tab): not a content script, whose sender URL
 * is its page's, nor another extension page (the offscreen document, the view frame in web pages).
 */
export function routePopupMessage(message: unknown, sender: Browser.runtime.MessageSender): Promise<unknown> | undefined {
  if (!fromPopup(sender)) return undefined;
  const msg = parsePopupMessage(message);
  switch (msg?.type) {
    case 'restyle-tab': return restyleTab(msg.tabId);
    case 'restore-page': return restoreTab(msg.tabId);
    case 'add-style-file': return addStyleFromFile(msg.dataUrl, msg.fileName);
    default: return undefined;
  }
}
