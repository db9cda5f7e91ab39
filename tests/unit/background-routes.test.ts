/**
 * Who may ask the service worker for what: every message the worker takes, sent on the wire
 * (`{ to: 'background', type, ... }` through its runtime.onMessage listener, as registered by
 * entrypoints/background.ts) by every kind of sender Chrome names (src/messaging/senders.ts). Each
 * must act for the senders it is meant for, and for no other: not reply, and not touch a page, the
 * offscreen document or a batch. The effect is what is checked, not only the reply.
 */
import { beforeEach, describe, expect, test, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import type { Browser } from 'wxt/browser';
import { fakeContent, fakeEvent, fakeOffscreen, fakeTab, settled, SENDERS } from '../support/worker';

const { ensureOffscreen, closeOffscreen } = vi.hoisted(() => ({ ensureOffscreen: vi.fn(async () => {}), closeOffscreen: vi.fn(async () => {}) }));
vi.mock('../../src/background/offscreen', () => ({ ensureOffscreen, closeOffscreen }));

const TAB = 7;
const PAGE = 'https://site.example/gallery.html';
type Sender = Browser.runtime.MessageSender;

const SENDER_OF: Record<string, () => Sender> = {
  serviceWorker: SENDERS.serviceWorker,
  popup: SENDERS.popup,
  popupInTab: SENDERS.popupInTab,
  offscreen: SENDERS.offscreen,
  welcome: SENDERS.welcome,
  viewFrame: () => SENDERS.viewFrame(TAB, PAGE),
  contentTop: () => SENDERS.contentTop(TAB, PAGE),
  contentFrame: () => SENDERS.contentFrame(TAB, PAGE),
  otherExtension: SENDERS.otherExtension,
};

let onConnect: ReturnType<typeof fakeEvent<(port: Browser.runtime.Port) => void>>;
let content: ReturnType<typeof fakeContent>;
let offscreen: ReturnType<typeof fakeOffscreen>;

/** storage.session's batch for TAB, on, with no images: batch-found has something to join. */
const ACTIVE = { tabId: TAB, active: true, items: [], nextSeq: 0, startedAt: 0 };

beforeEach(async () => {
  fakeBrowser.reset();
  ensureOffscreen.mockClear();
  closeOffscreen.mockClear();
  vi.resetModules();
  onConnect = fakeEvent();
  Object.assign(fakeBrowser.runtime, { onConnect });
  Object.assign(fakeBrowser, { commands: { onCommand: fakeEvent() } });
  Object.assign(fakeBrowser.contextMenus, { onClicked: fakeEvent() });
  content = fakeContent({
    'restore-all': () => 2, 'list-stylized': () => [], 'batch-scan': () => [], 'batch-stop': () => true, 'batch-restore-all': () => 0,
  });
  offscreen = fakeOffscreen((msg) => (msg.type === 'add-style' ? { ok: true, id: 'user:1', name: 'x' }
    : msg.type === 'stylize' ? { ok: true, result: { width: 257, height: 257, timings: {}, dataUrl: 'data:image/bmp;base64,Qk0=' } } : { ok: true }));
  // As Chrome does, tabs.get rejects for a tab that does not exist (the fake resolves undefined).
  fakeBrowser.tabs.get = (async (id: number) => {
    if (id === TAB) return fakeTab(TAB, PAGE);
    throw new Error(`No tab with id: ${id}.`);
  }) as never;
  await fakeBrowser.storage.session.set({ [`batch:${TAB}`]: ACTIVE });
  (await import('../../entrypoints/background')).default.main();
});

const send = async (message: unknown, sender: Sender) =>
  (await fakeBrowser.runtime.onMessage.trigger(message, sender, () => {})).find((r) => r !== undefined);

/** What a message did, besides its reply: messages to pages and the offscreen document, the batch, the document closed. */
async function effects() {
  await settled();
  const batch = (await fakeBrowser.storage.session.get(`batch:${TAB}`))[`batch:${TAB}`];
  return {
    toPage: content.log.entries.map((e) => e.msg.type),
    toOffscreen: offscreen.log.entries.map((c) => c.msg.type),
    batchChanged: JSON.stringify(batch) !== JSON.stringify(ACTIVE),
    closed: closeOffscreen.mock.calls.length > 0,
  };
}
const NOTHING: Awaited<ReturnType<typeof effects>> = { toPage: [], toOffscreen: [], batchChanged: false, closed: false };

const POPUP = ['popup', 'popupInTab'];
const CASES: { message: Record<string, unknown>; from: string[]; did: Partial<typeof NOTHING>; reply?: unknown }[] = [
  { message: { type: 'restore-page', tabId: TAB }, from: POPUP, did: { toPage: ['restore-all'] }, reply: 2 },
  { message: { type: 'restyle-tab', tabId: TAB }, from: POPUP, did: { toPage: ['list-stylized'] }, reply: 0 },
  { message: { type: 'add-style-file', dataUrl: 'data:image/png;base64,AA', fileName: 'x.png' }, from: POPUP, did: { toOffscreen: ['add-style'] } },
  { message: { type: 'batch-start', tabId: TAB }, from: POPUP, did: { toPage: ['batch-scan'] } },
  { message: { type: 'batch-cancel', tabId: TAB }, from: POPUP, did: { toPage: ['batch-stop'], batchChanged: true } },
  { message: { type: 'batch-restore-all', tabId: TAB }, from: POPUP, did: { toPage: ['batch-restore-all'], batchChanged: true } },
  { message: { type: 'batch-status', tabId: TAB }, from: POPUP, did: {}, reply: { tabId: TAB, active: true, total: 0, done: 0, failed: 0, queued: 0, working: 0 } },
  // Batch mode covers the top page: only its content script reports images, for its own tab.
  // (It joins the batch, which runs it: this page's fake content script has no image to begin.)
  { message: { type: 'batch-found', images: [{ url: 'https://img.example/a.jpg', visible: true }] }, from: ['contentTop'], did: { batchChanged: true, toPage: ['batch-begin'] }, reply: 1 },
  // A right-click hint, from a content script in any frame: the engine warms (and reads the image ahead).
  { message: { type: 'warm', srcUrl: 'https://img.example/a.jpg' }, from: ['contentTop', 'contentFrame'], did: { toOffscreen: ['read-ahead', 'warm'] } },
  { message: { type: 'offscreen-idle' }, from: ['offscreen'], did: { closed: true } },
  // The welcome page's live example: the engine paints the bundled sample, for that page only.
  {
    message: { type: 'welcome-example', styleId: 'builtin:style2' }, from: ['welcome'], did: { toOffscreen: ['stylize'] },
    reply: { ok: true, dataUrl: 'data:image/bmp;base64,Qk0=', styleId: 'builtin:style2', styleName: 'Style 3' },
  },
  // Firefox's engine keeping the event page awake: answered, and nothing else happens.
  { message: { type: 'offscreen-awake' }, from: ['offscreen'], did: {} },
];

describe('the worker acts on a message only from the senders it is for', () => {
  for (const { message, from, did, reply } of CASES) {
    describe(String(message.type), () => {
      test.each(Object.keys(SENDER_OF))('from %s', async (name) => {
        const got = await send({ to: 'background', ...message }, SENDER_OF[name]());
        const seen = await effects();
        if (from.includes(name)) {
          expect({ ...seen, toOffscreen: [...seen.toOffscreen].sort() }).toEqual({ ...NOTHING, ...did });
          if (reply !== undefined) expect(got).toEqual(reply);
        } else {
          expect(seen).toEqual(NOTHING);
          expect(got === undefined || got === 0).toBe(true); // refused: no answer, or "nothing queued"
        }
      });
    });
  }

  test('a message addressed to another context is not the worker\'s, whoever sends it', async () => {
    for (const name of Object.keys(SENDER_OF)) {
      expect(await send({ to: 'offscreen', type: 'add-style-file', dataUrl: 'data:image/png;base64,AA', fileName: 'x.png' }, SENDER_OF[name]())).toBeUndefined();
      expect(await send({ to: 'content', type: 'batch-status', tabId: TAB }, SENDER_OF[name]())).toBeUndefined();
    }
    expect(await effects()).toEqual(NOTHING);
  });
});

describe('the batch port', () => {
  const port = (sender: Sender, name = 'backdrop-batch') => ({
    name, sender, onDisconnect: fakeEvent(), onMessage: fakeEvent(), postMessage() {}, disconnect() {},
  }) as unknown as Browser.runtime.Port;

  test('wakes the worker only for the top page of its own tab', async () => {
    const working = { ...ACTIVE, items: [{ url: 'https://img.example/a.jpg', state: 'working', visible: false, seq: 0 }], nextSeq: 1 };
    await fakeBrowser.storage.session.set({ [`batch:${TAB}`]: working });
    for (const name of Object.keys(SENDER_OF).filter((n) => n !== 'contentTop')) await onConnect.trigger(port(SENDER_OF[name]()));
    await onConnect.trigger(port(SENDER_OF.contentTop(), 'another-port'));
    await settled();
    expect(content.log.entries).toEqual([]);

    await onConnect.trigger(port(SENDER_OF.contentTop()));
    await content.log.until((log) => log.some((e) => e.msg.type === 'batch-begin'));
    expect(content.of('batch-begin')).toEqual([expect.objectContaining({ url: 'https://img.example/a.jpg' })]);
  });
});
