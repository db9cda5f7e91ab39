import { browser } from 'wxt/browser';
import { extensionUrl } from '../../src/platform/extension-url';
import type { BackgroundToOffscreen } from '../../src/messaging/protocol';
import { debugApi } from '../../src/offscreen/debug';
import { InferenceHost } from '../../src/offscreen/host';
import { IdleTimer } from '../../src/offscreen/idle';
import { listenForResultPorts } from '../../src/offscreen/delivery';
import { fromServiceWorker } from '../../src/messaging/senders';

const host = new InferenceHost({
  wasmDir: extensionUrl('/litert/'),
  modelDir: extensionUrl('/models/'),
  extensionUrl,
  log: (line) => {
    host.log.push(line);
    if (host.log.length > 500) host.log.splice(0, 250);
  },
});

// Tell the background when nothing has run for a while, so it can close this document.
const idle = new IdleTimer(5 * 60_000, () => {
  void browser.runtime.sendMessage({ to: 'background', type: 'offscreen-idle' }).catch(() => {});
});

browser.runtime.onMessage.addListener((message: unknown, sender) => {
  const msg = message as Partial<BackgroundToOffscreen>;
  // Only the service worker gives this document work: a job fetches with the extension's host
  // access and delivers to a tab, which no content script, view frame or popup may ask for.
  if (!fromServiceWorker(sender) || msg?.to !== 'offscreen') return undefined;
  idle.busy();
  return host.handle(msg as BackgroundToOffscreen).finally(() => idle.done());
});

listenForResultPorts();

// The test build's debug surface; the production build drops this line and src/offscreen/debug.ts (src/probe.ts).
if (import.meta.env.MODE === 'test') Object.assign(globalThis, { backdropDebug: debugApi(host) });
