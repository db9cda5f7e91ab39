import { describe, expect, test } from 'vitest';
import { backgroundUrl, classify, inViewport, looksLikeSvg, type ImageFacts } from '../../src/content/batch-rules';
import { isQueueableUrl } from '../../src/messaging/batch';

const photo = (over: Partial<ImageFacts> = {}): ImageFacts => ({
  kind: 'img', url: 'https://example.com/photo.jpg', renderedWidth: 300, renderedHeight: 200,
  naturalWidth: 1200, naturalHeight: 800, stylized: false, ...over,
});

describe('batch eligibility', () => {
  test('a photo rendered at 96×96 or more is eligible', () => {
    expect(classify(photo())).toEqual({ eligible: true });
    expect(classify(photo({ renderedWidth: 96, renderedHeight: 96 }))).toEqual({ eligible: true });
  });

  test.each([
    ['rendered under 96 px wide', { renderedWidth: 95 }, 'small'],
    ['rendered under 96 px high', { renderedHeight: 40 }, 'small'],
    ['a tracking pixel', { renderedWidth: 1, renderedHeight: 1, naturalWidth: 1, naturalHeight: 1 }, 'small'],
    ['an icon blown up by CSS', { naturalWidth: 32, naturalHeight: 32 }, 'icon'],
    ['an SVG file', { url: 'https://example.com/logo.svg?v=2' }, 'svg'],
    ['an SVG data: URL', { url: "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg'/%3E" }, 'svg'],
    ['a data: URL', { url: 'data:image/png;base64,AAAA' }, 'scheme'],
    ['a chrome: URL', { url: 'chrome://favicon/x' }, 'scheme'],
    ['no URL', { url: '' }, 'no-url'],
    ['already stylized', { stylized: true }, 'stylized'],
  ])('skips %s', (_name, over, reason) => {
    expect(classify(photo(over as Partial<ImageFacts>))).toEqual({ eligible: false, reason });
  });

  test('an image that failed to load (natural size unknown) is still queued: the pipeline reports why', () => {
    expect(classify(photo({ naturalWidth: 0, naturalHeight: 0 }))).toEqual({ eligible: true });
  });

  test('sprites: a background pulled into place by a negative offset, or far larger than its box at natural scale', () => {
    const bg = (over: Partial<ImageFacts>) => photo({ kind: 'background', backgroundPosition: '50% 50%', backgroundSize: 'cover', ...over });
    expect(classify(bg({}))).toEqual({ eligible: true });
    expect(classify(bg({ backgroundPosition: '-300px -200px', backgroundSize: 'auto' }))).toEqual({ eligible: false, reason: 'sprite' });
    expect(classify(bg({ backgroundPosition: '0px 0px', backgroundSize: 'auto', naturalWidth: 2000, naturalHeight: 2000 })))
      .toEqual({ eligible: false, reason: 'sprite' });
    // The same negative offset on an <img> (object-position is not a sprite sheet) does not count.
    expect(classify(photo({ backgroundPosition: '-300px 0px' }))).toEqual({ eligible: true });
  });

  test('background-image values: one url() layer only', () => {
    expect(backgroundUrl('url("https://a.test/x.jpg")')).toBe('https://a.test/x.jpg');
    expect(backgroundUrl("url('https://a.test/x y.jpg')")).toBe('https://a.test/x y.jpg');
    expect(backgroundUrl('url(https://a.test/x.jpg)')).toBe('https://a.test/x.jpg');
    expect(backgroundUrl('url("https://a.test/a\\"b.jpg")')).toBe('https://a.test/a"b.jpg');
    expect(backgroundUrl('none')).toBeUndefined();
    expect(backgroundUrl('linear-gradient(red, blue)')).toBeUndefined();
    expect(backgroundUrl('url("https://a.test/a.jpg"), url("https://a.test/b.jpg")')).toBeUndefined();
    expect(backgroundUrl('linear-gradient(red, blue), url("https://a.test/b.jpg")')).toBeUndefined();
  });

  test('queueable addresses and SVG detection', () => {
    expect(isQueueableUrl('http://127.0.0.1:8080/a.jpg')).toBe(true);
    expect(isQueueableUrl('blob:https://a.test/0b9f')).toBe(true);
    expect(isQueueableUrl(`https://a.test/${'x'.repeat(5000)}`)).toBe(false);
    expect(isQueueableUrl('javascript:alert(1)')).toBe(false);
    expect(looksLikeSvg('https://a.test/drawing.SVG')).toBe(true);
    expect(looksLikeSvg('https://a.test/svg/photo.jpg')).toBe(false);
  });

  test('in the viewport: any overlap', () => {
    expect(inViewport({ top: 10, left: 10, bottom: 110, right: 110 }, 1280, 900)).toBe(true);
    expect(inViewport({ top: 850, left: 0, bottom: 950, right: 100 }, 1280, 900)).toBe(true);
    expect(inViewport({ top: 900, left: 0, bottom: 1000, right: 100 }, 1280, 900)).toBe(false);
    expect(inViewport({ top: -200, left: 0, bottom: 0, right: 100 }, 1280, 900)).toBe(false);
    expect(inViewport({ top: 0, left: 1300, bottom: 100, right: 1400 }, 1280, 900)).toBe(false);
  });
});
