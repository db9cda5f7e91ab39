/**
 * Forged messages: every runtime message and port handler of the service worker and the offscreen
 * document is driven through WXT's fake browser with senders that have no business sending what
 * they send, and must do nothing; the right sender gets an answer. The sender objects are shaped as
 * Chrome fills them in (the service worker: its script's URL and no tab; a page's: a tab).
 */
import { beforeEach, describe, expect, test, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import type { Browser } from 'wxt/browser';

vi.mock('../../src/background/warm-up', () => ({ warmUp: vi.fn() }));
vi.mock('../../src/background/offscreen', () => ({ ensureOffscreen: vi.fn(async () => {}), closeOffscreen: vi.fn(async () => {}) }));

type Sender = Browser.runtime.MessageSender;
const ID = fakeBrowser.runtime.id;
const ext = (path: string) => `chrome-extension://${ID}${path}`;
const tab = (id: number, url: string) => ({ id, url, index: 0, highlighted: true, active: true, pinned: false, incognito: false, windowId: 1 }) as Browser.tabs.Tab;
const PAGE = 'https://site.example/gallery.html';

const SENDERS: Record<string, Sender> = {
  serviceWorker: { id: ID, url: ext('/background.js') },
  popup: { id: ID, url: ext('/popup.html'), origin: ext(''), frameId: 0 },
  popupInTab: { id: ID, url: ext('/popup.html?tab=7'), frameId: 0, tab: tab(3, ext('/popup.html?tab=7')) },
  offscreen: { id: ID, url: ext('/offscreen.html'), origin: ext('') },
  welcome: { id: ID, url: ext('/welcome.html'), frameId: 0, tab: tab(4, ext('/welcome.html')) },
  // The extension frame Backdrop puts over cross-origin results: an extension page inside a web page's tab.
  viewFrame: { id: ID, url: ext('/view.html'), frameId: 12, tab: tab(7, PAGE) },
  contentTop: { id: ID, url: PAGE, frameId: 0, tab: tab(7, PAGE), origin: 'https://site.example' },
  contentFrame: { id: ID, url: 'https://ads.example/frame.html', frameId: 5, tab: tab(7, PAGE) },
  otherExtension: { id: 'someone-else', url: 'chrome-extension://someone-else/background.js' },
  noUrl: { id: ID, tab: tab(7, PAGE), frameId: 0 },
};

const senders = await import('../../src/messaging/senders');

describe('who is who', () => {
  const table = Object.fromEntries(Object.entries(SENDERS).map(([name, s]) => [name, [
    senders.fromServiceWorker(s), senders.fromPopup(s), senders.fromOffscreen(s),
    senders.fromContentScript(s), senders.fromContentScript(s, { topFrame: true }), senders.fromWelcome(s),
  ]]));
  test.each(Object.keys(SENDERS))('%s', (name) => {
    const want: Record<string, boolean[]> = {
      //             worker popup  offscreen content top-content welcome
      serviceWorker: [true, false, false, false, false, false],
      popup: [false, true, false, false, false, false],
      popupInTab: [false, true, false, false, false, false],
      offscreen: [false, false, true, false, false, false],
      welcome: [false, false, false, false, false, true],
      viewFrame: [false, false, false, false, false, false],
      contentTop: [false, false, false, true, true, false],
      contentFrame: [false, false, false, true, false, false],
      otherExtension: [false, false, false, false, false, false],
      noUrl: [false, false, false, false, false, false],
    };
    expect(table[name]).toEqual(want[name]);
  });

  test('a look-alike path is not the page', () => {
    expect(senders.fromPopup({ id: ID, url: ext('/popup.html.evil') })).toBe(false);
    expect(senders.fromWelcome({ id: ID, url: ext('/welcome.html.evil'), tab: tab(4, ext('/welcome.html.evil')) })).toBe(false);
    expect(senders.fromWelcome({ id: 'someone-else', url: 'chrome-extension://someone-else/welcome.html' })).toBe(false);
    // A web page at a look-alike path is a content script's sender, never the welcome page.
    expect(senders.fromWelcome({ ...SENDERS.contentTop, url: 'https://site.example/welcome.html' })).toBe(false);
    expect(senders.fromServiceWorker({ id: ID, url: `https://site.example/background.js` })).toBe(false);
    expect(senders.fromOffscreen({ ...SENDERS.offscreen, tab: tab(1, PAGE) })).toBe(false);
  });
});

/** An event the fake browser does not implement (runtime.onConnect), with the same trigger. */
function fakeEvent() {
  const listeners: ((...args: any[]) => unknown)[] = [];
  return {
    addListener: (l: (...args: any[]) => unknown) => void listeners.push(l),
    removeListener: (l: (...args: any[]) => unknown) => void listeners.splice(listeners.indexOf(l) >>> 0, 1),
    hasListener: (l: (...args: any[]) => unknown) => listeners.includes(l),
    trigger: async (...args: unknown[]) => Promise.all(listeners.map((l) => l(...args))),
  };
}
let onConnect = fakeEvent();

describe('the service worker refuses forged messages', async () => {
  const sendMessage = vi.fn(async (..._args: unknown[]): Promise<unknown> => {
    throw new Error('Could not establish connection. Receiving end does not exist.');
  });
  const { warmUp } = await import('../../src/background/warm-up');
  const { closeOffscreen } = await import('../../src/background/offscreen');
  const background = (await import('../../entrypoints/background')).default;

  beforeEach(() => {
    fakeBrowser.reset();
    vi.mocked(warmUp).mockClear();
    vi.mocked(closeOffscreen).mockClear();
    sendMessage.mockClear();
    fakeBrowser.tabs.sendMessage = sendMessage as never;
    fakeBrowser.runtime.getContexts = vi.fn(async () => []) as never;
    // Events the fake browser does not implement, which these tests never fire.
    const inert = { addListener: vi.fn(), removeListener: vi.fn(), hasListener: vi.fn() };
    Object.assign(fakeBrowser.contextMenus, { onClicked: inert });
    Object.assign(fakeBrowser, { commands: { onCommand: inert } });
    onConnect = fakeEvent();
    Object.assign(fakeBrowser.runtime, { onConnect });
    background.main();
  });

  const stored = async (tabId: number) => (await fakeBrowser.storage.session.get(`batch:${tabId}`))[`batch:${tabId}`] as { items: { url: string; state: string }[] };
  const send = async (message: unknown, sender: Sender) => (await fakeBrowser.runtime.onMessage.trigger(message, sender, () => {})).find((r) => r !== undefined);

  test('popup requests: only from the popup page', async () => {
    for (const name of ['contentTop', 'contentFrame', 'viewFrame', 'offscreen', 'serviceWorker', 'otherExtension']) {
      expect(await send({ to: 'background', type: 'restore-page', tabId: 7 }, SENDERS[name]), name).toBeUndefined();
      expect(await send({ to: 'background', type: 'restyle-tab', tabId: 7 }, SENDERS[name]), name).toBeUndefined();
      expect(await send({ to: 'background', type: 'add-style-file', dataUrl: 'data:image/png;base64,AA', fileName: 'x.png' }, SENDERS[name]), name).toBeUndefined();
    }
    expect(sendMessage).not.toHaveBeenCalled();
    for (const name of ['popup', 'popupInTab']) {
      sendMessage.mockResolvedValueOnce(2);
      expect(await send({ to: 'background', type: 'restore-page', tabId: 7 }, SENDERS[name]), name).toBe(2);
    }
    expect(sendMessage).toHaveBeenCalledTimes(2);
    expect(sendMessage.mock.calls[0].slice(0, 2)).toEqual([7, { to: 'content', type: 'restore-all' }]);
  });

  test('batch commands: only from the popup page', async () => {
    for (const name of ['contentTop', 'contentFrame', 'viewFrame', 'offscreen', 'otherExtension']) {
      for (const type of ['batch-start', 'batch-cancel', 'batch-restore-all', 'batch-status']) {
        expect(await send({ to: 'background', type, tabId: 7 }, SENDERS[name]), `${name} ${type}`).toBeUndefined();
      }
    }
    expect(sendMessage).not.toHaveBeenCalled();
    expect(await send({ to: 'background', type: 'batch-status', tabId: 7 }, SENDERS.popup)).toMatchObject({ tabId: 7, active: false, total: 0 });
  });

  test('images found in batch mode: only from the top page of the tab the batch is for', async () => {
    await fakeBrowser.storage.session.set({ 'batch:7': { tabId: 7, active: true, items: [], nextSeq: 0, startedAt: 0 } });
    const found = { to: 'background', type: 'batch-found', images: [{ url: 'https://site.example/a.jpg', visible: true }] };
    for (const name of ['contentFrame', 'viewFrame', 'popup', 'popupInTab', 'offscreen', 'otherExtension', 'noUrl']) {
      expect(await send(found, SENDERS[name]), name).toBeUndefined();
    }
    expect((await stored(7)).items).toEqual([]);
    expect(await send(found, SENDERS.contentTop)).toBe(1);
    expect((await stored(7)).items.map((i) => i.url)).toEqual(['https://site.example/a.jpg']);
  });

  test('a right-click hint: only from a content script', async () => {
    for (const name of ['popup', 'popupInTab', 'viewFrame', 'offscreen', 'otherExtension', 'noUrl']) {
      await send({ to: 'background', type: 'warm', srcUrl: 'https://site.example/a.jpg' }, SENDERS[name]);
    }
    expect(warmUp).not.toHaveBeenCalled();
    await send({ to: 'background', type: 'warm', srcUrl: 'https://site.example/a.jpg' }, SENDERS.contentFrame);
    expect(warmUp).toHaveBeenCalledTimes(1);
    expect(vi.mocked(warmUp).mock.calls[0][0]).toBe('https://site.example/a.jpg');
  });

  test('"offscreen idle": only from the offscreen document', async () => {
    for (const name of ['contentTop', 'popup', 'popupInTab', 'viewFrame', 'serviceWorker', 'otherExtension']) {
      await send({ to: 'background', type: 'offscreen-idle' }, SENDERS[name]);
    }
    expect(closeOffscreen).not.toHaveBeenCalled();
    await send({ to: 'background', type: 'offscreen-idle' }, SENDERS.offscreen);
    expect(closeOffscreen).toHaveBeenCalledTimes(1);
  });

  test('the batch port wakes the worker only for a top page\'s own tab', async () => {
    const working = { tabId: 7, active: true, items: [{ url: 'https://site.example/a.jpg', state: 'working', visible: true, seq: 0 }], nextSeq: 1, startedAt: 0 };
    await fakeBrowser.storage.session.set({ 'batch:7': working });
    const port = (sender: Sender) => ({ name: 'backdrop-batch', sender, onDisconnect: { addListener() {} }, onMessage: { addListener() {} }, postMessage() {}, disconnect() {} });
    for (const name of ['contentFrame', 'viewFrame', 'popupInTab', 'otherExtension']) await onConnect.trigger(port(SENDERS[name]) as never);
    await new Promise((r) => setTimeout(r, 0));
    expect((await stored(7)).items[0].state).toBe('working');
    // The top page's content script: its tab's batch resumes (the working item goes back to the queue and runs again).
    await onConnect.trigger(port(SENDERS.contentTop) as never);
    await vi.waitFor(() => expect(sendMessage).toHaveBeenCalledWith(7, expect.objectContaining({ type: 'batch-begin', url: 'https://site.example/a.jpg' }), { frameId: 0 }));
  });
});
