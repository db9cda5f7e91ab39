/** Which results a page may read, and what the view frame accepts (src/offscreen/delivery.ts, src/messaging/view.ts). */
import { describe, expect, test } from 'vitest';
import { pageMayRead } from '../../src/offscreen/delivery';
import { parseViewMessage } from '../../src/messaging/view';

const PAGE = { url: 'https://site.example/gallery.html', origin: 'https://site.example' };
const url = (finalUrl: string, redirected = false) => ({ kind: 'url' as const, finalUrl, redirected });

describe('pageMayRead', () => {
  test('bytes the page handed over, and its own origin without a redirect: readable', () => {
    expect(pageMayRead({ kind: 'data' }, PAGE)).toBe(true);
    expect(pageMayRead(url('https://site.example/a.jpg'), PAGE)).toBe(true);
    expect(pageMayRead(url('https://site.example/a.jpg'), { url: PAGE.url })).toBe(true);
  });

  test('another origin, the same site included, is not', () => {
    expect(pageMayRead(url('https://cdn.site.example/a.jpg'), PAGE)).toBe(false);
    expect(pageMayRead(url('http://site.example/a.jpg'), PAGE)).toBe(false);
    expect(pageMayRead(url('https://site.example:8443/a.jpg'), PAGE)).toBe(false);
  });

  test('a redirect is not, even back to the page’s origin (it may have crossed one on the way)', () => {
    expect(pageMayRead(url('https://site.example/a.jpg', true), PAGE)).toBe(false);
  });

  test('a sandboxed document (opaque origin) or an unknown sender reads nothing', () => {
    expect(pageMayRead(url('https://site.example/a.jpg'), { url: PAGE.url, origin: 'null' })).toBe(false);
    expect(pageMayRead(url('https://site.example/a.jpg'), undefined)).toBe(false);
    expect(pageMayRead(url('https://site.example/a.jpg'), { url: 'about:blank' })).toBe(false);
    expect(pageMayRead(url('not a url'), PAGE)).toBe(false);
  });
});

describe('parseViewMessage', () => {
  const file = new Blob([new Uint8Array([0x42, 0x4d])], { type: 'image/bmp' });
  const img = { kind: 'img', objectFit: 'cover', objectPosition: '50% 50%' };
  const bg = { kind: 'background', size: 'cover', position: '50% 50%', repeat: 'no-repeat', inset: { top: 0, right: 0, bottom: 0, left: 4 } };

  test('takes a file and a layout', () => {
    expect(parseViewMessage({ type: 'backdrop-view', file, layout: img })).toEqual({ type: 'backdrop-view', file, layout: img });
    expect(parseViewMessage({ type: 'backdrop-view', file, layout: bg })?.layout).toEqual(bg);
  });

  test('refuses anything else: no file, not an image, CSS that could load something, odd insets', () => {
    expect(parseViewMessage({ type: 'backdrop-view', layout: img })).toBeUndefined();
    expect(parseViewMessage({ type: 'backdrop-view', file: new Blob(['<svg/>'], { type: 'text/html' }), layout: img })).toBeUndefined();
    expect(parseViewMessage({ type: 'backdrop-view', file, layout: { ...img, objectFit: 'url(https://x/)' } })).toBeUndefined();
    expect(parseViewMessage({ type: 'backdrop-view', file, layout: { ...bg, size: 'cover; background: url(x)' } })).toBeUndefined();
    expect(parseViewMessage({ type: 'backdrop-view', file, layout: { ...bg, inset: { ...bg.inset, top: -1 } } })).toBeUndefined();
    expect(parseViewMessage({ type: 'other', file, layout: img })).toBeUndefined();
    expect(parseViewMessage(null)).toBeUndefined();
  });
});
