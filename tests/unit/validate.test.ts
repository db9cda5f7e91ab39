import { describe, expect, test } from 'vitest';
import { isFetchableUrl, isPageLocalUrl, MAX_READ_AHEAD_URL, parseJobBeginReply, parsePickPoint, parseWarmHint } from '../../src/messaging/validate';

describe('validating the content script’s answers (page-facing)', () => {
  test('accepts the two good shapes', () => {
    expect(parseJobBeginReply({ ok: true })).toEqual({ ok: true });
    expect(parseJobBeginReply({ ok: true, dataUrl: 'data:image/png;base64,AAAA' })).toEqual({ ok: true, dataUrl: 'data:image/png;base64,AAAA' });
    expect(parseJobBeginReply({ ok: false, error: { code: 'no-target', key: 'errImageGone' } }))
      .toEqual({ ok: false, error: { code: 'no-target', key: 'errImageGone' } });
  });
  test('drops extra fields from errors: a page sends a key, never text of its own', () => {
    expect(parseJobBeginReply({ ok: false, error: { code: 'blocked', key: 'errPageRefusesRead', message: 'Click here', html: '<img onerror>', subs: [] } }))
      .toEqual({ ok: false, error: { code: 'blocked', key: 'errPageRefusesRead' } });
  });
  test.each([
    [undefined], [null], ['ok'], [[]], [{ ok: 'true' }],
    [{ ok: true, dataUrl: 'javascript:alert(1)' }],
    [{ ok: true, dataUrl: 'https://evil.example/x.png' }],
    [{ ok: true, dataUrl: 42 }],
    [{ ok: false, error: { code: 'pwned', key: 'errImageGone' } }],
    // The old shape: text of the page's choosing.
    [{ ok: false, error: { code: 'not-found', message: 'gone' } }],
    // Keys a page may not name: the engine's (with words of its choosing in them), another kind of message, none at all.
    [{ ok: false, error: { code: 'internal', key: 'errEngineFailed', subs: ['visit evil.example'] } }],
    [{ ok: false, error: { code: 'internal', key: 'errEngineLost' } }],
    [{ ok: false, error: { code: 'internal', key: 'extName' } }],
    [{ ok: false, error: { code: 'internal', key: 'errNoSuchKey' } }],
    [{ ok: false, error: { code: 'internal', key: 'toString' } }],
    // A page key with substitutions it does not take.
    [{ ok: false, error: { code: 'no-target', key: 'errImageGone', subs: ['x'] } }],
    [{ ok: false }],
  ])('rejects %j as an internal error', (v) => {
    const r = parseJobBeginReply(v);
    expect(r).toEqual({ ok: false, error: { code: 'internal', key: 'errPageAnswer' } });
  });
  test('which URLs the offscreen document fetches and which only the page can read', () => {
    expect(isFetchableUrl('https://a.example/x.jpg')).toBe(true);
    expect(isFetchableUrl('http://127.0.0.1:8080/x.jpg')).toBe(true);
    expect(isFetchableUrl('file:///etc/passwd')).toBe(false);
    expect(isFetchableUrl('chrome-extension://abc/x.png')).toBe(false);
    expect(isFetchableUrl('not a url')).toBe(false);
    expect(isPageLocalUrl('data:image/png;base64,AA')).toBe(true);
    expect(isPageLocalUrl('blob:https://a.example/123')).toBe(true);
    expect(isPageLocalUrl('https://a.example/x.jpg')).toBe(false);
  });
});

describe('validating the right-click hint (page-facing)', () => {
  test('a tab’s hint with an http(s) image URL asks for a read-ahead', () => {
    expect(parseWarmHint({ to: 'background', type: 'warm', srcUrl: 'https://a.example/x.jpg' }, true))
      .toEqual({ to: 'background', type: 'warm', srcUrl: 'https://a.example/x.jpg' });
    expect(parseWarmHint({ to: 'background', type: 'warm' }, true)).toEqual({ to: 'background', type: 'warm' });
  });
  test.each([
    ['javascript:alert(1)'], ['data:image/png;base64,AAAA'], ['blob:https://a.example/1'], ['file:///etc/passwd'],
    ['chrome-extension://abc/offscreen.html'], [42], [{ href: 'https://a.example' }],
    [`https://a.example/${'x'.repeat(MAX_READ_AHEAD_URL)}`],
  ])('a srcUrl of %j is dropped: the engine warms, nothing is read ahead', (srcUrl) => {
    expect(parseWarmHint({ to: 'background', type: 'warm', srcUrl, extra: 1 }, true)).toEqual({ to: 'background', type: 'warm' });
  });
  test('not a hint: from outside a tab, or another shape', () => {
    expect(parseWarmHint({ to: 'background', type: 'warm', srcUrl: 'https://a.example/x.jpg' }, false)).toBeUndefined();
    for (const v of [undefined, null, 'warm', [], { to: 'offscreen', type: 'warm' }, { to: 'background', type: 'stylize' }]) {
      expect(parseWarmHint(v, true)).toBeUndefined();
    }
  });
});

describe('where the person right-clicked, as the page reports it', () => {
  test('two fractions in 0…1 pass; anything else is dropped, not the message', () => {
    expect(parsePickPoint({ x: 0, y: 1 })).toEqual({ x: 0, y: 1 });
    expect(parsePickPoint({ x: 0.5, y: 0.25, extra: '<b>' })).toEqual({ x: 0.5, y: 0.25 });
    for (const bad of [null, 'x', [0.5, 0.5], { x: -0.1, y: 0.5 }, { x: 0.5, y: 1.5 }, { x: NaN, y: 0 }, { x: '0.5', y: 0.5 }, { x: Infinity, y: 0 }]) {
      expect(parsePickPoint(bad)).toBeUndefined();
    }
    expect(parseJobBeginReply({ ok: true, point: { x: 0.2, y: 0.3 } })).toEqual({ ok: true, point: { x: 0.2, y: 0.3 } });
    expect(parseJobBeginReply({ ok: true, point: { x: 7, y: 0.3 } })).toEqual({ ok: true });
    expect(parseJobBeginReply({ ok: true, sourceUrl: 'https://a.example/p.jpg', point: { x: 0.2, y: 0.3 } }))
      .toEqual({ ok: true, sourceUrl: 'https://a.example/p.jpg', point: { x: 0.2, y: 0.3 } });
    expect(parseWarmHint({ to: 'background', type: 'warm', srcUrl: 'https://a.example/p.jpg', point: { x: 0.2, y: 0.3 } }, true))
      .toEqual({ to: 'background', type: 'warm', srcUrl: 'https://a.example/p.jpg', point: { x: 0.2, y: 0.3 } });
    expect(parseWarmHint({ to: 'background', type: 'warm', point: { x: 0.2 } }, true)).toEqual({ to: 'background', type: 'warm' });
  });
});
