import { defineContentScript } from 'wxt/utils/define-content-script';
import { browser } from 'wxt/browser';
import { handleMessage } from '../src/content/controller';
import { handleBatchMessage, isBatchMessage } from '../src/content/batch';
import { trackContextMenu } from '../src/content/targets';
import { warmOnContextMenu } from '../src/content/warm-up';
import type { BackgroundToContent } from '../src/messaging/protocol';
import { fromServiceWorker } from '../src/messaging/senders';

export default defineContentScript({
  matches: ['<all_urls>'],
  allFrames: true,
  runAt: 'document_idle',
  main() {
    trackContextMenu();
    warmOnContextMenu();
    browser.runtime.onMessage.addListener((message: unknown, sender) => {
      const msg = message as BackgroundToContent;
      // Only the extension's own service worker addresses the content script.
      if (!fromServiceWorker(sender) || msg?.to !== 'content') return undefined;
      if (isBatchMessage(msg)) return handleBatchMessage(msg);
      return handleMessage(msg);
    });
  },
});
