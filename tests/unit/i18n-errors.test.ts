/**
 * How an error reaches the person in their language (src/i18n/errors.ts). The engine has no i18n
 * (Chrome's offscreen document has no chrome.i18n), so it sends an error as data, a messages.json
 * key and its substitutions; the context that shows it makes the text: the content script for what
 * goes on the image, the service worker for what it hands the popup and its callers. A page-facing
 * context names no words of its own: a key it may not use ends as a generic sentence.
 *
 * The service worker's real code runs on WXT's fake browser with the content script's real handlers
 * behind its `tabs.sendMessage` (in happy-dom), and a fake engine at the message boundary.
 */
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { errorText, told, withText } from '../../src/i18n/errors';
import { JobFailure } from '../../src/inference/decode';
import { toJobError } from '../../src/offscreen/host';
import { rightClickHandlers } from '../../src/content/controller';
import { expectResult } from '../../src/content/result-channel';
import { fakeContent, fakeOffscreen, fakeEvent } from '../support/worker';

const { ensureOffscreen } = vi.hoisted(() => ({ ensureOffscreen: vi.fn(async () => {}) }));
vi.mock('../../src/background/offscreen', () => ({ ensureOffscreen, closeOffscreen: vi.fn(async () => {}) }));

const { handleContextMenuClick, MENU } = await import('../../src/background/menus');

const TAB = 4;
const PHOTO = 'https://cdn.example/photo.jpg';

/** A result port as the content script opens it (no engine behind it here); `say` sends it what the engine would. */
function fakePorts() {
  const ports: { name: string; say: (m: unknown) => void; disconnected: boolean }[] = [];
  fakeBrowser.runtime.connect = ((info: { name: string }) => {
    const onMessage = fakeEvent<(m: unknown) => void>();
    const onDisconnect = fakeEvent<() => void>();
    const port = {
      name: info.name, postMessage: () => {}, onMessage, onDisconnect,
      disconnect: () => { entry.disconnected = true; },
    };
    const entry = { name: info.name, say: (m: unknown) => void onMessage.trigger(m), disconnected: false };
    ports.push(entry);
    return port;
  }) as never;
  return ports;
}

/** The content script of the page, its real right-click handlers; `begin` may stand in for its job-begin answer. */
const page = (begin?: () => unknown) => fakeContent({
  'job-begin': (msg) => (begin ? begin() : rightClickHandlers['job-begin'](msg as never)),
  'job-failed': (msg) => rightClickHandlers['job-failed'](msg as never),
  'job-done': () => true,
});

/** The words the error card over the image says. */
const shownError = () => {
  const host = document.querySelector<HTMLElement>('[data-backdrop-overlay]');
  return host?.dataset.state === 'error' ? host.shadowRoot!.querySelector('span')!.textContent : undefined;
};

// happy-dom's document.images cannot be iterated (src/content/targets.ts does): a list of them that can.
Object.defineProperty(document, 'images', { configurable: true, get: () => [...document.querySelectorAll('img')] });

beforeEach(() => {
  fakeBrowser.reset();
  fakePorts();
  document.body.innerHTML = `<img id="photo" src="${PHOTO}" style="width: 200px" alt="">`;
});

afterEach(() => {
  for (const host of document.querySelectorAll<HTMLElement>('[data-backdrop-overlay]')) host.shadowRoot?.querySelector('button')?.click();
  document.body.innerHTML = '';
});

describe('an engine error travels as a key and its substitutions', () => {
  test('the engine makes no text: a JobFailure and any other failure become keys (it has no chrome.i18n)', () => {
    const getMessage = fakeBrowser.i18n.getMessage;
    // As in Chrome's offscreen document: any call to i18n would fail.
    fakeBrowser.i18n.getMessage = (() => { throw new Error('no chrome.i18n here'); }) as never;
    try {
      expect(toJobError(new JobFailure('too-small', 'errTooSmall', 40, 30, 64, 64)))
        .toEqual({ code: 'too-small', key: 'errTooSmall', subs: ['40', '30', '64', '64'] });
      expect(toJobError(new JobFailure('decode-failed', 'errDamaged'))).toEqual({ code: 'decode-failed', key: 'errDamaged' });
      expect(toJobError(new TypeError('memory access out of bounds')))
        .toEqual({ code: 'internal', key: 'errEngineFailed', subs: ['memory access out of bounds'] });
    } finally {
      fakeBrowser.i18n.getMessage = getMessage;
    }
  });

  test('a right-click job the engine refuses: the page shows the English sentence, numbers as the engine formatted them', async () => {
    const content = page();
    fakeOffscreen((msg) => (msg.type === 'stylize'
      ? { ok: false, error: { code: 'too-small', key: 'errTooSmall', subs: ['40', '30', '64', '64'] } } : { ok: true }));
    const sentence = 'The image is too small (40×30); Backdrop needs at least 64×64 px.';

    const outcome = await handleContextMenuClick({ menuItemId: MENU.stylize, srcUrl: PHOTO, frameId: 0, pageUrl: 'https://news.example/' }, { id: TAB });

    // The page was sent the key, not words; it made the words itself.
    expect(content.of('job-failed')).toEqual([expect.objectContaining({ error: { code: 'too-small', key: 'errTooSmall', subs: ['40', '30', '64', '64'] } })]);
    expect(shownError()).toBe(sentence);
    // The service worker's caller hears it in words too (logs, tests).
    expect(outcome).toEqual({ ok: false, error: { code: 'too-small', key: 'errTooSmall', subs: ['40', '30', '64', '64'], message: sentence } });
  });

  test('the engine lost twice: the page says so in its own words', async () => {
    page();
    fakeOffscreen((msg) => (msg.type === 'stylize' ? { ok: false, error: { code: 'internal', key: 'errEngineLost' } } : { ok: true }));
    await handleContextMenuClick({ menuItemId: MENU.stylize, srcUrl: PHOTO, frameId: 0 }, { id: TAB });
    expect(shownError()).toBe('Backdrop’s engine stopped before it finished (it was closed or crashed). Try again.');
  });

  test('over a result port: the content script says the engine\'s error, or that the result did not arrive', async () => {
    const ports = fakePorts();
    const stalled = expectResult('job-1');
    ports[0].say({ kind: 'error', error: { code: 'timeout', key: 'errDownloadStalled', subs: ['15'] } });
    await expect(stalled.result).rejects.toThrow(/^The image's server stopped sending it: nothing came for 15 s\.$/);

    const forged = expectResult('job-2');
    ports[1].say({ kind: 'error', message: 'Your computer is infected: call 555-0100' });
    await expect(forged.result).rejects.toThrow(/^The result did not arrive\.$/);
  });
});

describe('what a page-facing context may make Backdrop say', () => {
  test('a content script\'s own refusal is one of its keys, said on the image and to the caller', async () => {
    page(() => ({ ok: false, error: { code: 'blocked', key: 'errPageRefusesRead' } }));
    fakeOffscreen(() => ({ ok: true }));
    const outcome = await handleContextMenuClick({ menuItemId: MENU.stylize, srcUrl: 'blob:https://news.example/1', frameId: 0 }, { id: TAB });
    expect(outcome).toMatchObject({ ok: false, error: { code: 'blocked', message: 'The page does not let Backdrop read this image.' } });
  });

  test.each([
    ['text of its own', { code: 'blocked', message: 'Your computer is infected: call 555-0100' }],
    ['the engine\'s key with words of its own in it', { code: 'internal', key: 'errEngineFailed', subs: ['call 555-0100'] }],
    ['a key of another kind', { code: 'internal', key: 'extDescription' }],
    ['a key that does not exist', { code: 'internal', key: 'errCallUs' }],
  ])('%s is refused: the page hears that its answer was not understood', async (_, error) => {
    const content = page(() => ({ ok: false, error }));
    fakeOffscreen(() => ({ ok: true }));
    const outcome = await handleContextMenuClick({ menuItemId: MENU.stylize, srcUrl: 'blob:https://news.example/1', frameId: 0 }, { id: TAB });
    expect(content.of('job-failed')).toEqual([expect.objectContaining({ error: { code: 'internal', key: 'errPageAnswer' } })]);
    expect(outcome).toMatchObject({ ok: false, error: { message: 'The page sent an answer Backdrop does not understand.' } });
  });

  test('a key errorText does not know, of another kind, or no string at all: the generic sentence', () => {
    const generic = 'Something went wrong in Backdrop. Try again.';
    expect(errorText({ key: 'errNoSuchSentence' as never })).toBe(generic);
    expect(errorText({ key: 'extName' as never })).toBe(generic);
    expect(errorText({ key: { toString: () => 'errDamaged' } as never })).toBe(generic);
    expect(errorText({ key: 'errHttpRefused', subs: ['403'] })).toBe('Access to the image was refused (HTTP 403).');
  });

  test('what the service worker hands the popup carries its text', () => {
    expect(told({ ok: false, error: { code: 'not-image', key: 'errNotImageDeclared', subs: ['text/html'] } }))
      .toEqual({ ok: false, error: { code: 'not-image', key: 'errNotImageDeclared', subs: ['text/html'], message: 'This is not an image Backdrop can read (the server said text/html).' } });
    expect(told({ ok: true, id: 'user:1', name: 'Kandinsky' })).toEqual({ ok: true, id: 'user:1', name: 'Kandinsky' });
    expect(withText({ code: 'internal', key: 'errEngineFailed', subs: ['wasm trap'] }).message).toBe('Backdrop failed: wasm trap');
  });
});
