/**
 * Forged messages to the offscreen document (entrypoints/offscreen/main.ts), through WXT's fake
 * browser: only the service worker may give it work, and only a web page's content script may open
 * a result port. The document's script is loaded as it is; no job runs (a cancel is the probe).
 */
import { describe, expect, test, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import type { Browser } from 'wxt/browser';

type Sender = Browser.runtime.MessageSender;
const ID = fakeBrowser.runtime.id;
const ext = (path: string) => `chrome-extension://${ID}${path}`;
const tab = (id: number, url: string) => ({ id, url, index: 0, highlighted: true, active: true, pinned: false, incognito: false, windowId: 1 }) as Browser.tabs.Tab;
const PAGE = 'https://site.example/gallery.html';

const connectListeners: ((port: unknown) => void)[] = [];
Object.assign(fakeBrowser.runtime, { onConnect: { addListener: (l: (port: unknown) => void) => void connectListeners.push(l) } });
await import('../../entrypoints/offscreen/main');
const { openResultPorts } = await import('../../src/offscreen/delivery');
const { resultPortHello } = await import('../../src/messaging/result-channel');

const send = async (message: unknown, sender: Sender) => (await fakeBrowser.runtime.onMessage.trigger(message, sender, () => {})).find((r) => r !== undefined);
const cancel = { to: 'offscreen', type: 'cancel', jobId: 'job-1' };

describe('the offscreen document takes work from the service worker only', () => {
  test.each<[string, Sender]>([
    ['a content script', { id: ID, url: PAGE, frameId: 0, tab: tab(7, PAGE) }],
    ['the popup', { id: ID, url: ext('/popup.html'), frameId: 0 }],
    ['the popup in a tab', { id: ID, url: ext('/popup.html'), frameId: 0, tab: tab(3, ext('/popup.html')) }],
    ['the view frame in a page', { id: ID, url: ext('/view.html'), frameId: 4, tab: tab(7, PAGE) }],
    ['another extension', { id: 'someone-else', url: 'chrome-extension://someone-else/background.js' }],
  ])('%s is refused', async (_name, sender) => {
    expect(await send(cancel, sender)).toBeUndefined();
    expect(await send({ to: 'offscreen', type: 'stylize', jobId: 'j', source: { kind: 'url', url: 'https://intranet.example/cam.jpg' }, options: {}, deliverTo: { tabId: 7, frameId: 0 } }, sender)).toBeUndefined();
  });

  test('the service worker is answered', async () => {
    expect(await send(cancel, { id: ID, url: ext('/background.js') })).toEqual({ ok: true });
  });
});

describe('result ports: only from a content script in a web page', () => {
  const port = (sender: Sender) => {
    const p = { name: 'backdrop-result:job-2', sender, onMessage: { addListener: vi.fn() }, onDisconnect: { addListener: vi.fn() }, postMessage: vi.fn(), disconnect: vi.fn() };
    for (const l of connectListeners) l(p);
    return p;
  };
  test('an extension page in the tab (the view frame) is not taken as a page waiting for a result', async () => {
    const before = openResultPorts();
    const view = port({ id: ID, url: ext('/view.html'), frameId: 4, tab: tab(7, PAGE) });
    expect(view.onMessage.addListener).not.toHaveBeenCalled();
    expect(view.onDisconnect.addListener).not.toHaveBeenCalled();
    const page = port({ id: ID, url: PAGE, frameId: 0, tab: tab(7, PAGE) });
    // The page's hello makes its port the job's channel.
    for (const [listener] of page.onMessage.addListener.mock.calls) (listener as (m: unknown) => void)(resultPortHello());
    expect(openResultPorts()).toBe(before + 1);
  });
});
