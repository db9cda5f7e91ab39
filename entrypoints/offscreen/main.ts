import { browser } from 'wxt/browser';
import { extensionUrl } from '../../src/platform/extension-url';
import { debugApi } from '../../src/offscreen/debug';
import { InferenceHost } from '../../src/offscreen/host';
import { IdleTimer } from '../../src/offscreen/idle';
import { keepBackgroundAwake } from '../../src/offscreen/keep-awake';
import { FIREFOX } from '../../src/platform/browser';
import { listenForResultPorts } from '../../src/offscreen/delivery';
import { fromServiceWorker } from '../../src/messaging/senders';
import { isMessageTo } from '../../src/messaging/contract';
import { sendFromOffscreen } from '../../src/messaging/send';

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
  void sendFromOffscreen({ to: 'background', type: 'offscreen-idle' }).catch(() => {});
});

// Firefox: this page is a frame of the background's event page, which must outlive a short pause.
const awake = FIREFOX ? keepBackgroundAwake(() => sendFromOffscreen({ to: 'background', type: 'offscreen-awake' })) : undefined;

browser.runtime.onMessage.addListener((message: unknown, sender) => {
  // Only the service worker gives this document work: a job fetches with the extension's host
  // access and delivers to a tab, which no content script, view frame or popup may ask for. The
  // worker is the extension's own code: its messages are typed by the contract, not re-validated.
  const msg = isMessageTo('offscreen', host.handlers, message);
  if (!msg || !fromServiceWorker(sender)) return undefined;
  idle.busy();
  return host.handle(msg).finally(() => idle.done());
});

listenForResultPorts();

// The test build's debug surface; the production build drops this line and src/offscreen/debug.ts (src/probe.ts).
if (import.meta.env.MODE === 'test') Object.assign(globalThis, { backdropDebug: debugApi(host, awake) });
