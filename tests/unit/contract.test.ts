/**
 * The message contract at run time (src/messaging/contract.ts): a receiver takes only messages of
 * its address and types, and the service worker reads content scripts' answers only through the
 * contract's parsers, whatever a page made its content script's world send back.
 */
import { beforeEach, describe, expect, test, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { browser } from 'wxt/browser';
import { dispatch, isMessageTo, type Handlers } from '../../src/messaging/contract';
import { CONTENT_REPLIES } from '../../src/messaging/validate';
import { sendToContent } from '../../src/background/send';

const handlers = {
  'offscreen-idle': vi.fn(() => undefined),
  'offscreen-awake': vi.fn(() => undefined),
} satisfies Handlers<'offscreenToBackground'>;

describe('isMessageTo', () => {
  test('takes a message of its address and a type it handles', () => {
    const msg = { to: 'background', type: 'offscreen-idle' };
    expect(isMessageTo('background', handlers, msg)).toBe(msg);
  });

  test('leaves another context’s message, an unknown type and inherited names alone', () => {
    for (const msg of [
      { to: 'offscreen', type: 'offscreen-idle' },
      { to: 'background', type: 'explode' },
      { to: 'background', type: 'toString' },
      { to: 'background', type: '__proto__' },
      { to: 'background', type: 'constructor' },
      { to: 'background' },
      'offscreen-idle', null, undefined, 7,
    ]) expect(isMessageTo('background', handlers, msg), JSON.stringify(msg)).toBeUndefined();
  });

  test('dispatch runs the message’s own handler with the sender', async () => {
    await dispatch<'offscreenToBackground', void>(handlers, { to: 'background', type: 'offscreen-idle' }, undefined);
    expect(handlers['offscreen-idle']).toHaveBeenCalledWith({ to: 'background', type: 'offscreen-idle' }, undefined);
  });
});

describe('content replies, as the service worker reads them', () => {
  test('counts are sane non-negative integers, else 0', () => {
    expect(CONTENT_REPLIES['restore-all'](3)).toBe(3);
    for (const v of ['3', -1, 1.5, NaN, Infinity, null, { n: 3 }]) expect(CONTENT_REPLIES['restore-all'](v), String(v)).toBe(0);
    expect(CONTENT_REPLIES['batch-restore-all'](1e12)).toBe(1_000_000);
  });

  test('an acknowledgement is true only when it is true', () => {
    expect(CONTENT_REPLIES['batch-apply'](true)).toBe(true);
    for (const v of ['true', 1, {}, [true]]) expect(CONTENT_REPLIES['batch-apply'](v)).toBe(false);
  });

  test('junk becomes the safe stand-in of each reply', () => {
    expect(CONTENT_REPLIES['stylized-info']({ dataUrl: 'javascript:alert(1)', originalUrl: 'x' })).toBeNull();
    expect(CONTENT_REPLIES['list-stylized'](['https://a.example/x.jpg', 'javascript:1', 5])).toEqual(['https://a.example/x.jpg']);
    expect(CONTENT_REPLIES['batch-scan']([{ url: 'file:///etc/passwd', visible: true }, { url: 'https://a.example/y.jpg', visible: false }]))
      .toEqual([{ url: 'https://a.example/y.jpg', visible: false }]);
    expect(CONTENT_REPLIES['job-begin']({ ok: true, dataUrl: 'https://a.example/not-data' }))
      .toMatchObject({ ok: false, error: { code: 'internal' } });
  });
});

describe('sendToContent', () => {
  beforeEach(() => fakeBrowser.reset());

  test('reads the answer through the contract’s parser for that message', async () => {
    const answers: Record<string, unknown> = { 'restore-all': '12', 'list-stylized': ['https://a.example/x.jpg', 'chrome://settings'] };
    const spy = vi.spyOn(browser.tabs, 'sendMessage').mockImplementation(async (_tab, msg) => answers[(msg as { type: string }).type]);
    expect(await sendToContent({ tabId: 4, frameId: 2 }, { to: 'content', type: 'restore-all' })).toBe(0);
    expect(await sendToContent({ tabId: 4, frameId: 2 }, { to: 'content', type: 'list-stylized' })).toEqual(['https://a.example/x.jpg']);
    expect(spy).toHaveBeenCalledWith(4, { to: 'content', type: 'restore-all' }, { frameId: 2 });
  });
});
