/**
 * What the content scripts answered the service worker, recorded in the worker itself: the popup's
 * requests end in the worker, which keeps some answers to itself (the count `batch-restore-all`
 * gets from the page, for one), so a test that drives the popup for real reads them here.
 */
import type { WebWorker } from 'puppeteer-core';

export interface ContentReply {
  type: string;
  frameId: number | undefined;
  reply: unknown;
}

declare global {
  /** In the service worker, once recordContentReplies ran: every answer a content script gave, in order. */
  var contentReplies: ContentReply[] | undefined;
}

/** Wraps the worker's `chrome.tabs.sendMessage` (what `browser.tabs.sendMessage` is in Chrome) to record answers from now on. */
export async function recordContentReplies(worker: WebWorker): Promise<void> {
  await worker.evaluate(() => {
    const tabs = globalThis.chrome.tabs;
    const send = tabs.sendMessage.bind(tabs) as (...args: unknown[]) => Promise<unknown>;
    globalThis.contentReplies = [];
    (tabs as { sendMessage: unknown }).sendMessage = async (...args: unknown[]) => {
      const reply = await send(...args);
      const msg = args[1] as { type?: unknown };
      const options = args[2] as { frameId?: number } | undefined;
      globalThis.contentReplies?.push({ type: String(msg?.type), frameId: options?.frameId, reply });
      return reply;
    };
  });
}

/** The answers recorded so far. */
export const contentReplies = (worker: WebWorker) => worker.evaluate(() => globalThis.contentReplies ?? []);
