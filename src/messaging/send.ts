/**
 * Sending to the service worker, typed by the contract (./contract.ts): the reply's type follows
 * from the message. The worker is the extension's own code, so its replies are taken as typed;
 * the other way round, the worker validates what content scripts send (src/background/router.ts)
 * and parses their replies (src/background/send.ts).
 */
import { browser } from 'wxt/browser';
import type { Direction, MessageOf, MessageType, ReplyOf } from './contract';

type ToBackground = Extract<Direction, `${string}ToBackground`>;

function sender<D extends ToBackground>() {
  return <K extends MessageType<D>>(msg: MessageOf<D, K>) =>
    browser.runtime.sendMessage(msg) as Promise<ReplyOf<D, K>>;
}

/** The popup asks the service worker. */
export const sendFromPopup = sender<'popupToBackground'>();
/** The welcome page asks the service worker. */
export const sendFromWelcome = sender<'welcomeToBackground'>();
/** A content script tells the service worker. */
export const sendFromContent = sender<'contentToBackground'>();
/** The offscreen document tells the service worker. */
export const sendFromOffscreen = sender<'offscreenToBackground'>();
