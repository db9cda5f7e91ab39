/**
 * Swapping a result into an element and back (src/content/swap.ts), in happy-dom: `srcset`, `sizes`
 * and <picture> sources set aside while the result shows, then every attribute back exactly as the
 * page wrote it (values, the inline style's text, the order). happy-dom loads no images: an <img>
 * set to a blob: URL counts as shown at once (complete, currentSrc), which is all the swap waits for.
 */
import { afterEach, describe, expect, test } from 'vitest';
import {
  BG_STYLIZED_ATTR, endPeek, isSwapped, originalUrl, peekOriginal, restoreSwap, STYLIZED_ATTR, swapBackground, swapImage,
} from '../../src/content/swap';

const RESULT = 'blob:http://localhost:3000/result-1';
const NEWER = 'blob:http://localhost:3000/result-2';

function page(html: string) {
  document.body.innerHTML = `<div id="root">${html}</div>`;
  return document.getElementById('root')!;
}
/** Every attribute of every element under `root`, in order: what "exactly as the page wrote it" means here. */
const markup = (root: Element) => root.outerHTML;
const byId = <T extends Element>(id: string) => document.getElementById(id) as unknown as T;

afterEach(() => {
  document.body.innerHTML = '';
});

describe('an <img> swapped and restored', () => {
  test('srcset and sizes are set aside while the result shows, and come back exactly, in their place', async () => {
    const root = page('<img id="a" src="/photo.jpg?small" srcset="/photo.jpg?w640 640w, /photo.jpg?w1280 1280w" sizes="(min-width: 800px) 50vw, 100vw" style="width:220px;border:1px solid red" alt="a photo">');
    const before = markup(root);
    const img = byId<HTMLImageElement>('a');
    await swapImage(img, RESULT);
    expect(img.getAttribute('src')).toBe(RESULT);
    expect(img.getAttribute('srcset')).toBeNull();
    expect(img.getAttribute('sizes')).toBeNull();
    expect(img.hasAttribute(STYLIZED_ATTR)).toBe(true);
    expect(isSwapped(img)).toBe(true);
    expect(originalUrl(img)).toBe('http://localhost:3000/photo.jpg?small');

    expect(restoreSwap(img)).toBe(true);
    expect(markup(root)).toBe(before);
    expect(isSwapped(img)).toBe(false);
    expect(restoreSwap(img)).toBe(false); // nothing left to restore
  });

  test('<picture>: every <source> candidate is set aside and comes back, with its other attributes where they were', async () => {
    const root = page(`<picture id="p">
      <source srcset="/dog.avif 1x, /dog@2x.avif 2x" type="image/avif" media="(min-width: 1px)">
      <source srcset="/dog.webp" sizes="100vw" type="image/webp">
      <img id="a" src="/dog.jpg" style="width: 200px" alt="">
    </picture>`);
    const before = markup(root);
    const img = byId<HTMLImageElement>('a');
    await swapImage(img, RESULT);
    for (const source of root.querySelectorAll('source')) {
      expect(source.getAttribute('srcset')).toBeNull();
      expect(source.getAttribute('sizes')).toBeNull();
      expect(source.getAttribute('type')).not.toBeNull(); // the rest stays
    }
    expect(restoreSwap(img)).toBe(true);
    expect(markup(root)).toBe(before);
  });

  test('a newer result replaces the first, and restore still brings back the page’s original', async () => {
    const root = page('<img id="a" srcset="/a.jpg 2x" alt="">');
    const before = markup(root);
    const img = byId<HTMLImageElement>('a');
    await swapImage(img, RESULT);
    await swapImage(img, NEWER);
    expect(img.getAttribute('src')).toBe(NEWER);
    expect(isSwapped(img)).toBe(true);
    expect(restoreSwap(img)).toBe(true);
    expect(markup(root)).toBe(before); // no src attribute: none added
  });

  test('a lazy image loads its result eagerly, and keeps loading="lazy" as the page wrote it', async () => {
    const root = page('<img id="a" loading="lazy" src="/far.jpg" style="width: 300px; height: 300px" alt="">');
    const before = markup(root);
    const img = byId<HTMLImageElement>('a');
    await swapImage(img, RESULT);
    expect(img.getAttribute('loading')).toBe('lazy');
    restoreSwap(img);
    expect(markup(root)).toBe(before);
  });

  test('a page that shows a picture of its own meanwhile has taken the image back: restore leaves it', async () => {
    page('<img id="a" src="/a.jpg" srcset="/a.jpg 1x" alt="">');
    const img = byId<HTMLImageElement>('a');
    await swapImage(img, RESULT);
    img.src = '/mine.jpg';
    expect(isSwapped(img)).toBe(false);
    expect(restoreSwap(img)).toBe(false);
    expect(img.getAttribute('src')).toBe('/mine.jpg');
    expect(img.hasAttribute(STYLIZED_ATTR)).toBe(false);
  });
});

describe('a CSS background swapped and restored', () => {
  test('an inline background-image: the result is set !important, and the style attribute’s very text comes back', async () => {
    const root = page(`<div id="bg" class="bg" style="width:240px;height:160px; background-image:url('/b3.jpg')"></div>`);
    const before = markup(root);
    const el = byId<HTMLElement>('bg');
    swapBackground(el, RESULT);
    expect(el.style.getPropertyValue('background-image')).toBe(`url("${RESULT}")`);
    expect(el.style.getPropertyPriority('background-image')).toBe('important');
    expect(el.hasAttribute(BG_STYLIZED_ATTR)).toBe(true);
    expect(isSwapped(el)).toBe(true);
    swapBackground(el, NEWER);
    expect(el.style.getPropertyValue('background-image')).toBe(`url("${NEWER}")`);

    expect(restoreSwap(el)).toBe(true);
    expect(markup(root)).toBe(before);
  });

  test('a background from a stylesheet: no style attribute before, none after; an empty one stays empty', async () => {
    const root = page('<div id="bg" class="hero" data-x="1"></div><div id="empty" class="hero" style=""></div>');
    const before = markup(root);
    for (const id of ['bg', 'empty']) {
      const el = byId<HTMLElement>(id);
      swapBackground(el, RESULT);
      expect(el.getAttribute('style')).toContain(RESULT);
      expect(restoreSwap(el)).toBe(true);
    }
    expect(markup(root)).toBe(before);
  });

  test('what the page changed in the inline style meanwhile stays (only the background goes back)', async () => {
    page('<div id="bg" style="background-image: url(/b.jpg); width: 100px"></div>');
    const el = byId<HTMLElement>('bg');
    swapBackground(el, RESULT);
    el.style.setProperty('opacity', '0.5');
    expect(restoreSwap(el)).toBe(true);
    expect(el.style.getPropertyValue('opacity')).toBe('0.5');
    expect(el.style.getPropertyValue('background-image')).toMatch(/^url\("?\/b\.jpg"?\)$/);
    expect(el.style.getPropertyPriority('background-image')).toBe('');
  });
});

describe('a compare: the original for a moment, then the result again', () => {
  test('<img>: the source it showed, then the result; still its result meanwhile, and restore is exact after', async () => {
    const root = page('<img id="a" src="/a.jpg?small" srcset="/a.jpg?w640 640w" sizes="50vw" style="width:220px" alt="">');
    const before = markup(root);
    const img = byId<HTMLImageElement>('a');
    await swapImage(img, RESULT);
    const original = originalUrl(img)!;
    expect(peekOriginal(img)).toBe(true);
    expect(img.getAttribute('src')).toBe(original);
    expect(img.getAttribute('srcset')).toBeNull(); // still set aside: the one candidate it showed
    expect(isSwapped(img)).toBe(true);
    expect(peekOriginal(img)).toBe(false); // shows it already
    endPeek(img);
    expect(img.getAttribute('src')).toBe(RESULT);
    expect(peekOriginal(img)).toBe(true);
    expect(restoreSwap(img)).toBe(true); // a restore while held
    expect(markup(root)).toBe(before);
    expect(peekOriginal(img)).toBe(false); // after restore: nothing
    endPeek(img);
    expect(markup(root)).toBe(before);
  });

  test('a background: the page\'s own styles meanwhile, then the result; the style attribute\'s text back after', async () => {
    const root = page(`<div id="bg" style="width:240px; background-image:url('/b3.jpg')"></div><div id="css" class="hero"></div>`);
    const before = markup(root);
    for (const id of ['bg', 'css']) {
      const el = byId<HTMLElement>(id);
      const inline = el.style.getPropertyValue('background-image');
      swapBackground(el, RESULT);
      expect(peekOriginal(el)).toBe(true);
      expect(el.style.getPropertyValue('background-image')).toBe(inline);
      expect(isSwapped(el)).toBe(true);
      endPeek(el);
      expect(el.style.getPropertyValue('background-image')).toBe(`url("${RESULT}")`);
      expect(el.style.getPropertyPriority('background-image')).toBe('important');
      expect(restoreSwap(el)).toBe(true);
    }
    expect(markup(root)).toBe(before);
  });

  test('a page that shows a picture of its own during a compare keeps it', async () => {
    page('<img id="a" src="/a.jpg" alt="">');
    const img = byId<HTMLImageElement>('a');
    await swapImage(img, RESULT);
    peekOriginal(img);
    img.src = '/mine.jpg';
    endPeek(img);
    expect(img.getAttribute('src')).toBe('/mine.jpg');
    expect(isSwapped(img)).toBe(false);
  });
});
