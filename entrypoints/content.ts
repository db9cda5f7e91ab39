import { defineContentScript } from 'wxt/utils/define-content-script';
import { browser } from 'wxt/browser';
import { rightClickHandlers } from '../src/content/controller';
import { batchHandlers } from '../src/content/batch';
import { trackClickPoints } from '../src/content/click-point';
import { trackCompare } from '../src/content/compare';
import { trackContextMenu } from '../src/content/targets';
import { warmOnContextMenu } from '../src/content/warm-up';
import { dispatch, isMessageTo, type Handlers } from '../src/messaging/contract';
import { fromServiceWorker } from '../src/messaging/senders';

export default defineContentScript({
  matches: ['<all_urls>'],
  allFrames: true,
  runAt: 'document_idle',
  main() {
    trackContextMenu();
    trackClickPoints();
    warmOnContextMenu();
    trackCompare();
    // Every message the service worker sends a content script, one handler each.
    const handlers = { ...rightClickHandlers, ...batchHandlers } satisfies Handlers<'backgroundToContent'>;
    browser.runtime.onMessage.addListener((message: unknown, sender) => {
      // Only the extension's own service worker addresses the content script.
      const msg = isMessageTo('content', handlers, message);
      if (!msg || !fromServiceWorker(sender)) return undefined;
      return dispatch(handlers, msg, undefined);
    });
  },
});
