/**
 * Every string a person reads comes from here: the browser's own i18n, over
 * public/_locales/<lang>/messages.json (English is the default locale). Works in the background,
 * the content script, the view frame, the popup and the welcome page; not in Chrome's offscreen
 * document (the engine), which has no `chrome.i18n`: the engine names its sentences by key
 * (a JobError) and the context that shows them makes the text (./errors.ts).
 *
 * WXT types browser.i18n.getMessage from the same file (`wxt prepare`, run by `npm install`).
 *
 * Placeholders are `$1`…`$9` in the message, filled in order from `subs`.
 */
import { browser } from 'wxt/browser';

/** The keys of messages.json, as WXT's generated types know them (and the browser's own `@@` keys). */
export type MessageKey = Parameters<typeof browser.i18n.getMessage>[0];

export function t(key: MessageKey, ...subs: (string | number)[]): string {
  return browser.i18n.getMessage(key, subs.map(String));
}
