/**
 * The service worker's batch runner (src/background/batch-runner.ts) on WXT's fake browser: the queue
 * is the real one in storage.session, the content script and the offscreen document are fakes at the
 * message boundary (tests/support/worker.ts) that answer when the test says so. No model runs here:
 * these tests are about the order, the overlap, the bookkeeping and the worker stopping; what the
 * models make of an image is covered end to end (tests/e2e/batch.test.ts).
 */
import { beforeEach, describe, expect, test, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import type { Browser } from 'wxt/browser';
import { ENGINE_LOST } from '../../src/messaging/protocol';
import { errorText } from '../../src/i18n/errors';
import { MAX_RETRIES, type TabBatch } from '../../src/background/batch-queue';
import { updateSettings } from '../../src/settings/settings';
import {
  deferred, fakeContent, fakeEvent, fakeOffscreen, fakeTab, settled, SENDERS, sourceUrl, stylized, whenStored,
} from '../support/worker';

// The offscreen document's lifecycle is the boundary: its creation is not what these tests are about.
const { ensureOffscreen } = vi.hoisted(() => ({ ensureOffscreen: vi.fn(async () => {}) }));
vi.mock('../../src/background/offscreen', () => ({ ensureOffscreen, closeOffscreen: vi.fn(async () => {}) }));

const PAGE = 'https://site.example/gallery.html';
const img = (name: string) => `https://img.example/${name}.jpg`;
const nameOf = (url: string) => url.replace(/^https:\/\/img\.example\/(.*)\.jpg$/, '$1');
const key = (tabId: number) => `batch:${tabId}`;

let runner: typeof import('../../src/background/batch-runner');
let onConnect: ReturnType<typeof fakeEvent<(port: Browser.runtime.Port) => void>>;
let tabId: number;

/**
 * A service worker starting: its modules evaluated afresh (no loop running, no lock held) and its
 * entrypoint's main() run, which registers its listeners. storage.session is left as it is.
 */
async function startWorker() {
  vi.resetModules();
  onConnect = fakeEvent();
  Object.assign(fakeBrowser.runtime, { onConnect });
  Object.assign(fakeBrowser, { commands: { onCommand: fakeEvent() } });
  Object.assign(fakeBrowser.contextMenus, { onClicked: fakeEvent() });
  runner = await import('../../src/background/batch-runner');
  (await import('../../entrypoints/background')).default.main();
}

/** A runtime message to the worker, through its onMessage listener; resolves with its reply. */
const send = async (message: unknown, sender: Browser.runtime.MessageSender) =>
  (await fakeBrowser.runtime.onMessage.trigger(message, sender, () => {})).find((r) => r !== undefined);

/** A tab whose content script reports `found` (name → in view) and answers the batch's messages. */
function page(found: [string, boolean][], begin: (url: string) => unknown = () => ({ ok: true })) {
  return fakeContent({
    'batch-scan': () => found.map(([name, visible]) => ({ url: img(name), visible })),
    'batch-begin': (msg) => begin(msg.url as string),
    'batch-apply': () => true,
    'batch-fail': () => true,
    'batch-stop': () => true,
    'batch-restore-all': () => 0,
  });
}

const stored = async (id = tabId) => (await fakeBrowser.storage.session.get(key(id)))[key(id)] as TabBatch | undefined;
const states = (b: TabBatch | undefined) => Object.fromEntries((b?.items ?? []).map((i) => [nameOf(i.url), i.state]));
const allFinished = (b: TabBatch | undefined) => !!b && b.items.every((i) => i.state === 'done' || i.state === 'error');
const badge = () => fakeBrowser.action.getBadgeText({ tabId });
const port = (sender: Browser.runtime.MessageSender) => ({
  name: 'backdrop-batch', sender, onDisconnect: fakeEvent(), onMessage: fakeEvent(), postMessage() {}, disconnect() {},
}) as unknown as Browser.runtime.Port;

/** The largest number of images between their batch-begin and their batch-apply or batch-fail, over the log. */
function mostBegun(log: { msg: { type: string } }[]) {
  let now = 0;
  let most = 0;
  for (const { msg } of log) {
    if (msg.type === 'batch-begin') most = Math.max(most, ++now);
    if (msg.type === 'batch-apply' || msg.type === 'batch-fail') now--;
  }
  return most;
}

beforeEach(async () => {
  fakeBrowser.reset();
  ensureOffscreen.mockClear();
  tabId = (await fakeBrowser.tabs.create({ url: PAGE })).id!;
  await startWorker();
});

describe('a batch runs', () => {
  test('every image, those in view first, two at a time; the badge counts', async () => {
    const content = page([['h1', false], ['v1', true], ['h2', false], ['v2', true], ['h3', false]]);
    const offscreen = fakeOffscreen(); // every stylize held until the test answers it
    const order = ['v1', 'v2', 'h1', 'h2', 'h3'];

    expect(await runner.startBatch(tabId)).toEqual({ tabId, active: true, total: 5, done: 0, failed: 0, queued: 5, working: 0 });
    // Two begin at once; the third waits until one of them has finished.
    await offscreen.log.until(() => offscreen.calls('stylize').length === 2);
    await settled();
    expect(content.urls('batch-begin').map(nameOf)).toEqual(['v1', 'v2']);
    expect(states(await stored())).toEqual({ h1: 'queued', v1: 'working', h2: 'queued', v2: 'working', h3: 'queued' });
    expect(await badge()).toBe('0/5');

    for (const [i, name] of order.entries()) {
      (await offscreen.pending(img(name))).reply.resolve(stylized());
      await whenStored(key(tabId), (b: TabBatch | undefined) => b?.items.find((it) => it.url === img(name))?.state === 'done');
      await settled();
      expect(await badge()).toBe(`${i + 1}/5`);
    }
    expect(content.urls('batch-begin').map(nameOf)).toEqual(order);
    expect(content.urls('batch-apply').map(nameOf)).toEqual(order);
    expect(offscreen.state.maxInFlight).toBe(2);
    expect(mostBegun(content.log.entries)).toBe(2);
    expect(await runner.batchStatus(tabId)).toEqual({ tabId, active: true, total: 5, done: 5, failed: 0, queued: 0, working: 0 });
    expect(await fakeBrowser.action.getBadgeBackgroundColor({ tabId })).toEqual([0x3a, 0x2d, 0x7d, 255]);

    // The page is told in its top frame; each job goes to the offscreen document with the jobId of the
    // port the page opened, to be delivered to that frame, read with the tab's page as the context.
    expect(content.log.entries.every((e) => e.tabId === tabId && e.frameId === 0)).toBe(true);
    const begins = content.of('batch-begin');
    for (const call of offscreen.calls('stylize')) {
      const begun = begins.find((m) => m.url === sourceUrl(call.msg));
      expect(call.msg).toMatchObject({
        to: 'offscreen', jobId: begun?.jobId, deliverTo: { tabId, frameId: 0 },
        source: { kind: 'url', url: begun?.url, page: { frameUrl: PAGE, topUrl: PAGE } },
      });
    }
    expect(new Set(begins.map((m) => m.jobId)).size).toBe(5);
  });

  test('a failing image is reported to the page and counted; the others go on', async () => {
    const blob = 'blob:https://site.example/4f1c';
    const blobData = 'data:image/png;base64,iVBORw0KGgo=';
    const content = page([['ok', true], ['broken', true], ['small', true], ['refused', true]], (url) => {
      if (url === img('small')) return { ok: false, error: { code: 'blocked', key: 'errPageRefusesRead' } };
      if (url === blob) return { ok: true, dataUrl: blobData };
      return { ok: true };
    });
    content.handlers['batch-scan'] = () => [
      ...['ok', 'broken', 'small', 'refused'].map((n) => ({ url: img(n), visible: true })),
      { url: blob, visible: true },
      { url: 'blob:https://site.example/unread', visible: true },
    ];
    content.handlers['batch-apply'] = (msg) => msg.url !== img('refused');
    fakeOffscreen((msg) => (msg.type !== 'stylize' ? undefined
      : sourceUrl(msg) === img('broken') ? { ok: false, error: { code: 'decode-failed', key: 'errDamaged' } }
        : stylized()));

    await runner.startBatch(tabId);
    const batch = await whenStored(key(tabId), allFinished);
    await settled();

    expect(Object.fromEntries(batch!.items.map((i) => [i.url, [i.state, i.error]]))).toEqual({
      [img('ok')]: ['done', undefined],
      [img('broken')]: ['error', 'The image could not be decoded: the file is damaged or incomplete.'],
      [img('small')]: ['error', 'The page does not let Backdrop read this image.'],
      [img('refused')]: ['error', 'The page refused to show the stylized image.'],
      [blob]: ['done', undefined],
      // The page handed over no bytes for a blob: image, and the offscreen document cannot read it.
      'blob:https://site.example/unread': ['error', 'Backdrop cannot read images from this kind of address.'],
    });
    const fails = Object.fromEntries(content.of('batch-fail').map((m) => [m.url, m.error]));
    // The page gets each error as its key: the content script makes the words.
    expect(fails).toEqual({
      [img('broken')]: { code: 'decode-failed', key: 'errDamaged' },
      [img('small')]: { code: 'blocked', key: 'errPageRefusesRead' },
      [img('refused')]: { code: 'internal', key: 'errPageRefusedResult' },
      'blob:https://site.example/unread': { code: 'blocked', key: 'errAddressUnreadable' },
    });
    expect(content.urls('batch-apply').sort()).toEqual([img('ok'), img('refused'), blob].sort());
    expect(await runner.batchStatus(tabId)).toMatchObject({ total: 6, done: 2, failed: 4, queued: 0, working: 0 });
    expect(await badge()).toBe('6/6');
    expect(await fakeBrowser.action.getBadgeBackgroundColor({ tabId })).toEqual([0xb3, 0x26, 0x1e, 255]);
  });

  test('the bytes of a blob: image the page handed over are what the offscreen document paints', async () => {
    const blob = 'blob:https://site.example/4f1c';
    const blobData = 'data:image/png;base64,iVBORw0KGgo=';
    page([], () => ({ ok: true, dataUrl: blobData })).handlers['batch-scan'] = () => [{ url: blob, visible: true }];
    const offscreen = fakeOffscreen((msg) => (msg.type === 'stylize' ? stylized() : undefined));
    await runner.startBatch(tabId);
    await whenStored(key(tabId), allFinished);
    expect(offscreen.calls('stylize').map((c) => c.msg.source)).toEqual([{ kind: 'data', dataUrl: blobData }]);
  });

  test('with "What I right-click on" chosen, a batch (no click) keeps every object, even if a page names a point', async () => {
    await updateSettings({ subject: 'clicked' });
    page([], () => ({ ok: true, point: { x: 0.5, y: 0.5 } })).handlers['batch-scan'] = () => [{ url: img('a'), visible: true }];
    const offscreen = fakeOffscreen((msg) => (msg.type === 'stylize' ? stylized() : undefined));
    await runner.startBatch(tabId);
    await whenStored(key(tabId), allFinished);
    expect(offscreen.calls('stylize')[0].msg.options).not.toHaveProperty('pick');
  });

  test('an image gone from the page leaves the batch, with no error', async () => {
    const content = page([['a', true], ['gone', true], ['c', true]],
      (url) => (url === img('gone') ? { ok: false, error: { code: 'no-target', key: 'errImageGone' } } : { ok: true }));
    const offscreen = fakeOffscreen((msg) => (msg.type === 'stylize' ? stylized() : undefined));

    await runner.startBatch(tabId);
    const batch = await whenStored(key(tabId), (b: TabBatch | undefined) => allFinished(b) && b!.items.length === 2);
    await settled();

    expect(states(batch)).toEqual({ a: 'done', c: 'done' });
    expect(offscreen.stylizeOf(img('gone'))).toEqual([]);
    expect(content.of('batch-fail')).toEqual([]);
    expect(await runner.batchStatus(tabId)).toMatchObject({ total: 2, done: 2, failed: 0 });
    expect(await badge()).toBe('2/2');
  });

  test('a tab without Backdrop\'s content script has no batch', async () => {
    fakeContent({}); // every message rejects: no listener in this tab
    const offscreen = fakeOffscreen();
    expect(await runner.startBatch(tabId)).toEqual({ tabId, active: false, total: 0, done: 0, failed: 0, queued: 0, working: 0 });
    await settled();
    expect(await stored()).toBeUndefined();
    expect(offscreen.log.entries).toEqual([]);
    expect(await badge()).toBe('');
  });
});

describe('stopping a batch', () => {
  test('cancel mid-batch: nothing queued runs afterwards, results in flight are dropped, finished stay', async () => {
    const content = page([['a', true], ['b', true], ['c', true], ['d', true]]);
    const offscreen = fakeOffscreen();
    await runner.startBatch(tabId);
    (await offscreen.pending(img('a'))).reply.resolve(stylized());
    const b = await offscreen.pending(img('b'));
    const c = await offscreen.pending(img('c')); // a done, b and c in flight, d queued
    expect(states(await stored())).toEqual({ a: 'done', b: 'working', c: 'working', d: 'queued' });

    expect(await runner.cancelBatch(tabId)).toEqual({ tabId, active: false, total: 1, done: 1, failed: 0, queued: 0, working: 0 });
    expect(content.of('batch-stop')).toHaveLength(1);
    // The offscreen document is told to skip both jobs in flight (one may still wait in its queue).
    expect(offscreen.calls('cancel').map((c) => c.msg.jobId).sort()).toEqual([b.msg.jobId, c.msg.jobId].sort());
    b.reply.resolve(stylized());
    c.reply.resolve(stylized());
    // Images the page adds now do not join a cancelled batch.
    const more = { to: 'background', type: 'batch-found', images: [{ url: img('e'), visible: true }] };
    expect(await send(more, SENDERS.contentTop(tabId, PAGE))).toBe(0);
    await settled();

    expect(content.urls('batch-begin').map(nameOf)).toEqual(['a', 'b', 'c']);
    expect(content.urls('batch-apply').map(nameOf)).toEqual(['a']);
    expect(content.of('batch-fail')).toEqual([]);
    expect(offscreen.calls('stylize')).toHaveLength(3);
    expect(states(await stored())).toEqual({ a: 'done' });
    expect(await badge()).toBe('1/1');
  });

  test('restore-all: the batch is forgotten and the page told to put every image back', async () => {
    const content = page([['a', true], ['b', true], ['c', true], ['d', true]]);
    const offscreen = fakeOffscreen();
    await runner.startBatch(tabId);
    (await offscreen.pending(img('a'))).reply.resolve(stylized());
    const b = await offscreen.pending(img('b'));
    const c = await offscreen.pending(img('c')); // a done, b and c in flight, d queued

    expect(await runner.restoreAll(tabId)).toEqual({ tabId, active: false, total: 0, done: 0, failed: 0, queued: 0, working: 0, restored: 0 });
    expect(await stored()).toBeUndefined();
    expect(content.of('batch-restore-all')).toHaveLength(1);
    expect(offscreen.calls('cancel').map((call) => call.msg.jobId).sort()).toEqual([b.msg.jobId, c.msg.jobId].sort());
    b.reply.resolve(stylized());
    c.reply.resolve(stylized());
    await settled();

    expect(content.urls('batch-begin').map(nameOf)).toEqual(['a', 'b', 'c']);
    expect(content.urls('batch-apply').map(nameOf)).toEqual(['a']);
    expect(await stored()).toBeUndefined();
    expect(await badge()).toBe('');
  });

  test.each([
    ['closed', (id: number) => fakeBrowser.tabs.onRemoved.trigger(id, { windowId: 1, isWindowClosing: false })],
    ['navigated', (id: number) => fakeBrowser.tabs.onUpdated.trigger(id, { status: 'loading' }, fakeTab(id, PAGE))],
  ] as const)('a tab %s takes its batch with it', async (how, event) => {
    const content = page([['a', true], ['b', true], ['c', true]]);
    const offscreen = fakeOffscreen();
    await runner.startBatch(tabId);
    const a = await offscreen.pending(img('a'));
    const b = await offscreen.pending(img('b'));

    await event(tabId);
    await whenStored(key(tabId), (batch) => batch === undefined);
    a.reply.resolve(stylized());
    b.reply.resolve(stylized());
    await settled();

    expect(content.urls('batch-begin').map(nameOf)).toEqual(['a', 'b']);
    expect(content.of('batch-apply')).toEqual([]);
    expect(await stored()).toBeUndefined();
    if (how === 'navigated') expect(await badge()).toBe('');
  });

  test('a tab that only changes its title keeps its batch', async () => {
    page([['a', true]]);
    const offscreen = fakeOffscreen();
    await runner.startBatch(tabId);
    const a = await offscreen.pending(img('a'));
    await fakeBrowser.tabs.onUpdated.trigger(tabId, { title: 'Gallery' }, fakeTab(tabId, PAGE));
    await fakeBrowser.tabs.onUpdated.trigger(tabId, { status: 'complete' }, fakeTab(tabId, PAGE));
    a.reply.resolve(stylized());
    expect(states(await whenStored(key(tabId), allFinished))).toEqual({ a: 'done' });
  });
});

describe('faults the runner must not swallow', () => {
  test('the engine failing to start does not drop the image: its job still goes and reports', async () => {
    const content = page([['a', true]]);
    const offscreen = fakeOffscreen(() => stylized());
    ensureOffscreen.mockRejectedValueOnce(new Error('no offscreen document'));
    await runner.startBatch(tabId);
    expect(states(await whenStored(key(tabId), allFinished))).toEqual({ a: 'done' });
    expect(content.urls('batch-apply').map(nameOf)).toEqual(['a']);
    expect(offscreen.calls('stylize')).toHaveLength(1);
  });

  test('cancelled while the page begins an image: no model runs for it', async () => {
    const begun = deferred<unknown>();
    const content = page([['a', true]], () => begun.promise);
    const offscreen = fakeOffscreen(() => stylized());
    await runner.startBatch(tabId);
    await content.log.until(() => content.of('batch-begin').length === 1);
    await runner.cancelBatch(tabId);
    begun.resolve({ ok: true });
    await settled();
    await settled();
    expect(offscreen.calls('stylize')).toEqual([]);
    expect(content.of('batch-apply')).toEqual([]);
  });

  test('an unexpected error fails the image (reported, counted) instead of leaving it working', async () => {
    const content = page([['a', true], ['b', true]]);
    fakeOffscreen(() => stylized());
    // Chrome rejects tabs.get for a tab it no longer has; any throw inside one image's run will do.
    vi.spyOn(fakeBrowser.tabs, 'get').mockRejectedValueOnce(new Error('No tab with id')).mockImplementationOnce(() => {
      throw new TypeError('boom');
    });
    await runner.startBatch(tabId);
    const batch = await whenStored(key(tabId), allFinished);
    expect(Object.values(states(batch)).sort()).toEqual(['done', 'error']);
    expect(content.of('batch-fail')).toHaveLength(1);
    expect(await badge()).toBe('2/2');
  });
});

describe('the offscreen document lost a job', () => {
  const LOST = {
    'answers ENGINE_LOST': (call: { reply: { resolve: (v: unknown) => void } }) => call.reply.resolve({ ok: false, error: ENGINE_LOST }),
    // The document closed or crashed while it held the request: sendToOffscreen makes that ENGINE_LOST.
    'drops the request': (call: { reply: { reject: (e: unknown) => void } }) =>
      call.reply.reject(new Error('A listener indicated an asynchronous response by returning true, but the message channel closed before a response was received')),
  };

  test.each(Object.keys(LOST) as (keyof typeof LOST)[])('it %s: the image runs again in front, then fails after MAX_RETRIES', async (how) => {
    const content = page([['v1', true], ['h1', false], ['h2', false]]);
    const offscreen = fakeOffscreen();
    await runner.startBatch(tabId);
    await offscreen.pending(img('v1')); // held until the end
    await offscreen.pending(img('h1'));
    // An image in view joins meanwhile: it would run before h1, had h1 not been at work already.
    const found = { to: 'background', type: 'batch-found', images: [{ url: img('v9'), visible: true }] };
    expect(await send(found, SENDERS.contentTop(tabId, PAGE))).toBe(1);

    for (let attempt = 0; attempt <= MAX_RETRIES; attempt++) LOST[how](await offscreen.pending(img('h1')));
    const failed = await whenStored(key(tabId), (b: TabBatch | undefined) => states(b).h1 === 'error');
    for (const name of ['v1', 'v9', 'h2']) (await offscreen.pending(img(name))).reply.resolve(stylized());
    await whenStored(key(tabId), allFinished);

    // Lost, it went back in front of the images queued meanwhile, each time as a new job.
    const runs = 1 + MAX_RETRIES;
    expect(content.urls('batch-begin').map(nameOf)).toEqual(['v1', ...Array(runs).fill('h1'), 'v9', 'h2']);
    expect(new Set(content.of('batch-begin').filter((m) => m.url === img('h1')).map((m) => m.jobId)).size).toBe(runs);
    expect(offscreen.stylizeOf(img('h1'))).toHaveLength(runs);
    expect(failed!.items.find((i) => i.url === img('h1'))).toMatchObject({ state: 'error', error: errorText(ENGINE_LOST), retries: MAX_RETRIES });
    expect(content.of('batch-fail')).toEqual([{ to: 'content', type: 'batch-fail', url: img('h1'), error: ENGINE_LOST }]);
    expect(await runner.batchStatus(tabId)).toMatchObject({ total: 4, done: 3, failed: 1 });
  });

  test('lost once, the image runs again and is shown', async () => {
    const content = page([['a', true], ['b', true]]);
    let lost = false;
    fakeOffscreen((msg) => {
      if (msg.type !== 'stylize') return undefined;
      if (sourceUrl(msg) === img('a') && !lost) return (lost = true), { ok: false, error: ENGINE_LOST };
      return stylized();
    });
    await runner.startBatch(tabId);
    const batch = await whenStored(key(tabId), allFinished);
    expect(batch!.items.map((i) => [nameOf(i.url), i.state, i.retries])).toEqual([['a', 'done', 1], ['b', 'done', undefined]]);
    expect(content.urls('batch-begin').filter((u) => u === img('a'))).toHaveLength(2);
    expect(content.of('batch-fail')).toEqual([]);
  });
});

describe('the service worker is stopped and started again', () => {
  test('the page\'s batch port wakes a fresh worker: images that were working go back in front and run', async () => {
    page([['a', false], ['b', false]]);
    const before = fakeOffscreen(); // the old worker never hears back: it is stopped mid-job
    await runner.startBatch(tabId);
    await before.pending(img('a'));
    await before.pending(img('b'));
    // The page adds an image in view meanwhile; it is queued behind the two at work.
    const found = { to: 'background', type: 'batch-found', images: [{ url: img('c'), visible: true }] };
    expect(await send(found, SENDERS.contentTop(tabId, PAGE))).toBe(1);
    await settled();
    expect(states(await stored())).toEqual({ a: 'working', b: 'working', c: 'queued' });

    // The worker stops: its loop, its listeners and the replies it waited for are gone; storage.session stays.
    const session = await fakeBrowser.storage.session.get();
    fakeBrowser.reset();
    await fakeBrowser.storage.session.set(session);
    expect((await fakeBrowser.tabs.create({ url: PAGE })).id).toBe(tabId); // the same tab, still showing the page
    const content = page([]);
    const after = fakeOffscreen((msg) => (msg.type === 'stylize' ? stylized() : undefined));
    await startWorker();
    await settled();
    expect(content.log.entries).toEqual([]); // nothing runs until the page reconnects

    // Ports that are not the top page of this tab wake nothing.
    for (const sender of [SENDERS.contentFrame(tabId, PAGE), SENDERS.viewFrame(tabId, PAGE), SENDERS.contentTop(tabId + 1, PAGE),
      SENDERS.popupInTab(), SENDERS.otherExtension()]) {
      await onConnect.trigger(port(sender));
    }
    await settled();
    expect(content.log.entries).toEqual([]);
    expect(states(await stored())).toEqual({ a: 'working', b: 'working', c: 'queued' });

    await onConnect.trigger(port(SENDERS.contentTop(tabId, PAGE)));
    const batch = await whenStored(key(tabId), allFinished);
    expect(states(batch)).toEqual({ a: 'done', b: 'done', c: 'done' });
    expect(content.urls('batch-begin').map(nameOf)).toEqual(['a', 'b', 'c']);
    expect(after.calls('stylize')).toHaveLength(3);
  });

  test('resumeBatch in the worker that runs the batch changes nothing (no image runs twice)', async () => {
    const content = page([['a', true], ['b', true], ['c', true]]);
    const offscreen = fakeOffscreen();
    await runner.startBatch(tabId);
    const a = await offscreen.pending(img('a'));
    const b = await offscreen.pending(img('b'));

    // The content script reconnects (its port dropped for some other reason) while this worker runs the batch.
    await onConnect.trigger(port(SENDERS.contentTop(tabId, PAGE)));
    await runner.resumeBatch(tabId);
    await settled();
    expect(states(await stored())).toEqual({ a: 'working', b: 'working', c: 'queued' });

    a.reply.resolve(stylized());
    b.reply.resolve(stylized());
    (await offscreen.pending(img('c'))).reply.resolve(stylized());
    await whenStored(key(tabId), allFinished);
    await settled();
    expect(content.urls('batch-begin').map(nameOf)).toEqual(['a', 'b', 'c']);
    expect(offscreen.calls('stylize')).toHaveLength(3);
  });

  test('resumeBatch of a cancelled batch runs nothing', async () => {
    await fakeBrowser.storage.session.set({
      [key(tabId)]: { tabId, active: false, nextSeq: 2, startedAt: 0, items: [
        { url: img('a'), state: 'done', visible: true, seq: 0 }, { url: img('b'), state: 'queued', visible: true, seq: 1 },
      ] },
    });
    const content = page([]);
    await runner.resumeBatch(tabId);
    await settled();
    expect(content.log.entries).toEqual([]);
  });
});
