/**
 * The right-click path of the service worker (src/background/menus.ts → src/background/jobs.ts) on
 * WXT's fake browser: the click's frame gets the job, the offscreen document is asked to deliver to
 * that frame, and whatever goes wrong is told to the page there. The content script and the offscreen
 * document are fakes at the message boundary; no model runs (tests/e2e/right-click.test.ts does that).
 */
import { beforeEach, describe, expect, test, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { ENGINE_LOST } from '../../src/messaging/protocol';
import { withText } from '../../src/i18n/errors';
import { DEFAULT_STYLE_ID } from '../../src/styles/builtins';
import { getSettings, updateSettings } from '../../src/settings/settings';
import { deferred, fakeContent, fakeOffscreen, settled, stylized } from '../support/worker';

const { ensureOffscreen } = vi.hoisted(() => ({ ensureOffscreen: vi.fn(async () => {}) }));
vi.mock('../../src/background/offscreen', () => ({ ensureOffscreen, closeOffscreen: vi.fn(async () => {}) }));

const { handleContextMenuClick, MENU } = await import('../../src/background/menus');
const { handleCommand } = await import('../../src/background/batch-runner');

const TAB = 7;
const FRAME = 3;
const TOP = 'https://news.example/story.html';
const FRAME_URL = 'https://gallery.example/embed.html';
const PHOTO = 'https://cdn.example/photo.jpg';
/** What the menus call the default style (builtin:style19), in English. */
const DEFAULT_NAME = 'Style 20';

/** A right-click on `srcUrl` inside frame FRAME of tab TAB, as contextMenus.onClicked reports it. */
const click = (menuItemId: string, srcUrl = PHOTO) => ({ menuItemId, srcUrl, frameId: FRAME, frameUrl: FRAME_URL, pageUrl: TOP });

/** The content script of the clicked frame: the image is there unless `begin` says otherwise. */
const page = (begin: () => unknown = () => ({ ok: true })) => fakeContent({
  'job-begin': begin,
  'job-done': () => true,
  'job-failed': () => true,
  restore: () => true,
  'batch-scan': () => [],
});

/** The offscreen document: `stylize` answers with `reply` (held when undefined); the rest answer ok. */
const engine = (reply: (msg: { type: string; [k: string]: unknown }) => unknown = () => stylized()) =>
  fakeOffscreen((msg) => (msg.type === 'stylize' ? reply(msg) : { ok: true }));

beforeEach(() => {
  fakeBrowser.reset();
  ensureOffscreen.mockClear();
});

describe('a right-click on an image', () => {
  test('the job goes to the clicked frame, is delivered there, and the page is told it is done', async () => {
    const content = page();
    const offscreen = engine();
    expect(await handleContextMenuClick(click(MENU.stylize), { id: TAB })).toEqual({ ok: true });

    const [begin] = content.of('job-begin');
    expect(content.log.entries.map((e) => [e.tabId, e.frameId, e.msg.type])).toEqual([[TAB, FRAME, 'job-begin'], [TAB, FRAME, 'job-done']]);
    expect(begin).toMatchObject({ to: 'content', type: 'job-begin', srcUrl: PHOTO });
    expect(offscreen.calls('stylize').map((c) => c.msg)).toEqual([expect.objectContaining({
      to: 'offscreen', jobId: begin.jobId, deliverTo: { tabId: TAB, frameId: FRAME },
      // The page context is the browser's (the click's frame and top page), never the page's word.
      source: { kind: 'url', url: PHOTO, page: { frameUrl: FRAME_URL, topUrl: TOP, framed: true } },
      options: expect.objectContaining({ styleId: DEFAULT_STYLE_ID }),
    })]);
    expect(content.of('job-done')).toEqual([{ to: 'content', type: 'job-done', jobId: begin.jobId, result: stylized().result, styleName: DEFAULT_NAME }]);
    expect(ensureOffscreen).toHaveBeenCalled();
    expect((await getSettings()).recentStyleIds).toEqual([DEFAULT_STYLE_ID]);
  });

  test('a failure in the offscreen document is reported to the page as job-failed, in the clicked frame', async () => {
    const error = { code: 'not-found', key: 'errHttpNotFound', subs: ['404'] } as const;
    const content = page();
    engine(() => ({ ok: false, error }));
    // The caller hears it in words; the page gets the key, and makes the words itself.
    expect(await handleContextMenuClick(click(MENU.stylize), { id: TAB })).toEqual({ ok: false, error: { ...error, message: 'Image not found (HTTP 404).' } });

    const [begin] = content.of('job-begin');
    expect(content.log.entries.map((e) => [e.tabId, e.frameId, e.msg.type])).toEqual([[TAB, FRAME, 'job-begin'], [TAB, FRAME, 'job-failed']]);
    expect(content.of('job-failed')).toEqual([{ to: 'content', type: 'job-failed', jobId: begin.jobId, error }]);
    expect((await getSettings()).recentStyleIds).toEqual([]);
  });

  test('the page says no (the image is gone): the page is told, and the job already sent is cancelled', async () => {
    const error = { code: 'no-target', key: 'errImageGone' } as const;
    const content = page(() => ({ ok: false, error }));
    const offscreen = engine(() => undefined); // the early stylize never answers
    expect(await handleContextMenuClick(click(MENU.stylize), { id: TAB })).toEqual({ ok: false, error: { ...error, message: 'The image is no longer on the page.' } });

    const [begin] = content.of('job-begin');
    expect(content.of('job-failed')).toEqual([{ to: 'content', type: 'job-failed', jobId: begin.jobId, error }]);
    expect(offscreen.calls('cancel').map((c) => c.msg)).toEqual([{ to: 'offscreen', type: 'cancel', jobId: begin.jobId }]);
  });

  test('no content script in the tab: nothing to tell, the job is cancelled, the caller hears why', async () => {
    const content = fakeContent({}); // every message rejects
    const offscreen = engine(() => undefined);
    const outcome = await handleContextMenuClick(click(MENU.stylize), { id: TAB });
    expect(outcome).toMatchObject({ ok: false, error: { code: 'no-target' } });
    expect(content.log.entries.map((e) => e.msg.type)).toEqual(['job-begin']);
    expect(offscreen.calls('cancel')).toHaveLength(1);
  });

  test('an image only the page can read: its bytes are painted, and only once the page handed them over', async () => {
    const local = 'blob:https://news.example/0d9e';
    const dataUrl = 'data:image/png;base64,iVBORw0KGgo=';
    const handedOver = deferred<unknown>();
    const content = page(() => handedOver.promise);
    const offscreen = engine();
    const done = handleContextMenuClick(click(MENU.stylize, local), { id: TAB });
    await content.log.until((log) => log.some((e) => e.msg.type === 'job-begin'));
    await settled();
    expect(offscreen.calls('stylize')).toEqual([]);
    handedOver.resolve({ ok: true, dataUrl });
    expect(await done).toEqual({ ok: true });
    expect(offscreen.calls('stylize').map((c) => c.msg.source)).toEqual([{ kind: 'data', dataUrl }]);
  });

  test('a page-local image the page does not hand over is refused without a job', async () => {
    const content = page();
    const offscreen = engine();
    const outcome = await handleContextMenuClick(click(MENU.stylize, 'blob:https://news.example/0d9e'), { id: TAB });
    const error = { code: 'blocked', key: 'errAddressUnreadable' };
    expect(outcome).toEqual({ ok: false, error: { ...error, message: 'Backdrop cannot read images from this kind of address.' } });
    expect(content.of('job-failed')).toEqual([expect.objectContaining({ error })]);
    expect(offscreen.calls('stylize')).toEqual([]);
  });

  test('the engine lost the job once: it runs again as a new job, and the page sees it done', async () => {
    const content = page();
    let lost = false;
    const offscreen = engine(() => (lost ? stylized() : ((lost = true), { ok: false, error: ENGINE_LOST })));
    expect(await handleContextMenuClick(click(MENU.stylize), { id: TAB })).toEqual({ ok: true });
    const jobs = content.of('job-begin').map((m) => m.jobId);
    expect(new Set(jobs).size).toBe(2);
    expect(offscreen.calls('stylize').map((c) => c.msg.jobId)).toEqual(jobs);
    expect(content.of('job-failed')).toEqual([]);
    expect(content.of('job-done').map((m) => m.jobId)).toEqual([jobs[1]]);
  });

  test('the engine lost it twice: the page is told so (once, for the second job)', async () => {
    const content = page();
    const offscreen = engine(() => ({ ok: false, error: ENGINE_LOST }));
    expect(await handleContextMenuClick(click(MENU.stylize), { id: TAB })).toEqual({ ok: false, error: withText(ENGINE_LOST) });
    const jobs = content.of('job-begin').map((m) => m.jobId);
    expect(jobs).toHaveLength(2);
    expect(offscreen.calls('stylize')).toHaveLength(2);
    expect(content.of('job-failed')).toEqual([{ to: 'content', type: 'job-failed', jobId: jobs[1], error: ENGINE_LOST }]);
  });

  test('"Stylize background with ▸ a style" paints with that style alone', async () => {
    page();
    const offscreen = engine();
    await handleContextMenuClick(click(`${MENU.stylizeWith}:builtin:style3`), { id: TAB });
    expect(offscreen.calls('stylize')[0].msg.options).toMatchObject({ styleId: 'builtin:style3', mixStyleId: undefined });
  });

  test('"What I right-click on": the job waits for where the page says the click was, and paints only that object', async () => {
    await updateSettings({ subject: 'clicked' });
    const point = { x: 0.25, y: 0.5 };
    const answer = deferred<unknown>();
    const content = page(() => answer.promise);
    const offscreen = engine();
    const done = handleContextMenuClick(click(MENU.stylize), { id: TAB });
    await content.log.until((log) => log.some((e) => e.msg.type === 'job-begin'));
    await settled();
    expect(offscreen.calls('stylize')).toEqual([]); // no early start: the point is not known yet
    answer.resolve({ ok: true, point });
    expect(await done).toEqual({ ok: true });
    expect(offscreen.calls('stylize').map((c) => c.msg.options)).toEqual([expect.objectContaining({ pick: point })]);
  });

  test('"What I right-click on" with no point from the page (or a malformed one): the engine is told the point is unknown', async () => {
    await updateSettings({ subject: 'clicked' });
    page(() => ({ ok: true, point: { x: 2, y: 'top' } }));
    const offscreen = engine();
    expect(await handleContextMenuClick(click(MENU.stylize), { id: TAB })).toEqual({ ok: true });
    expect(offscreen.calls('stylize').map((c) => c.msg.options)).toEqual([expect.objectContaining({ pick: null })]);
  });

  test('in the other subject modes a point from the page changes nothing', async () => {
    page(() => ({ ok: true, point: { x: 0.5, y: 0.5 } }));
    const offscreen = engine();
    await handleContextMenuClick(click(MENU.stylize), { id: TAB });
    expect(offscreen.calls('stylize')[0].msg.options).not.toHaveProperty('pick');
  });

  test('"Restore original" goes to the clicked frame', async () => {
    const content = page();
    expect(await handleContextMenuClick(click(MENU.restore), { id: TAB })).toBe(true);
    expect(content.log.entries.map((e) => [e.tabId, e.frameId, e.msg])).toEqual([[TAB, FRAME, { to: 'content', type: 'restore', srcUrl: PHOTO }]]);
  });

  test('a click without a tab (or not in a tab) does nothing', async () => {
    const content = page();
    const offscreen = engine();
    expect(await handleContextMenuClick(click(MENU.stylize))).toBeUndefined();
    expect(await handleContextMenuClick(click(MENU.stylize), { id: -1 })).toBeUndefined();
    expect(await handleContextMenuClick({ menuItemId: MENU.stylize, frameId: 0, pageUrl: TOP }, { id: TAB })).toBeUndefined();
    expect(content.log.entries).toEqual([]);
    expect(offscreen.log.entries).toEqual([]);
  });
});

describe('a batch from the menu or the keyboard', () => {
  test('"Stylize every image on this page" and Alt+Shift+Y scan the tab\'s top frame', async () => {
    const content = page();
    expect(await handleContextMenuClick(click(MENU.stylizePage), { id: TAB })).toMatchObject({ tabId: TAB });
    expect(await handleCommand('stylize-page', { id: TAB + 1 })).toMatchObject({ tabId: TAB + 1 });
    expect(handleCommand('something-else', { id: TAB })).toBeUndefined();
    expect(handleCommand('stylize-page', {})).toBeUndefined();
    expect(content.log.entries.map((e) => [e.tabId, e.frameId, e.msg.type])).toEqual([[TAB, 0, 'batch-scan'], [TAB + 1, 0, 'batch-scan']]);
  });
});
