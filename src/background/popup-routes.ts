/** Requests from the popup (an extension page), validated before anything acts on them. */
import { browser, type Browser } from 'wxt/browser';
import { parsePopupMessage } from '../messaging/validate';
import { addStyleFromFile, restoreTab, restyleTab } from './styles';

/**
 * True when a message comes from one of the extension's own pages (the popup, also when opened in a
 * tab), never a content script: a content script's sender URL is its page's.
 */
export function fromExtensionPage(sender: Browser.runtime.MessageSender): boolean {
  return sender.id === browser.runtime.id && Boolean(sender.url?.startsWith(browser.runtime.getURL('/')));
}

/** Handles a popup request; undefined when the message is not one (so other listeners may answer). */
export function routePopupMessage(message: unknown, sender: Browser.runtime.MessageSender): Promise<unknown> | undefined {
  if (!fromExtensionPage(sender)) return undefined;
  const msg = parsePopupMessage(message);
  switch (msg?.type) {
    case 'restyle-tab': return restyleTab(msg.tabId);
    case 'restore-page': return restoreTab(msg.tabId);
    case 'add-style-file': return addStyleFromFile(msg.dataUrl, msg.fileName);
    default: return undefined;
  }
}
