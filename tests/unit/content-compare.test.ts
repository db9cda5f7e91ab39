/**
 * Compare's marks (src/content/compare.ts) in happy-dom: an element showing a result can take the
 * focus and says how to compare, where the page wrote none of those attributes itself; restore
 * takes off exactly those, so the page's markup comes back as it was. And the results' side of a
 * compare (src/content/results.ts): the original for a moment, the result again, nothing after a
 * restore. The presses themselves (trusted events, what the person sees) are tests/e2e/compare.test.ts's.
 */
import { afterEach, beforeAll, describe, expect, test, vi } from 'vitest';
import { trackCompare } from '../../src/content/compare';
import { dropResult, prepareResult, restoreAll, restoreElement, showOriginal, showResult, showResultAgain } from '../../src/content/results';

vi.mock('../../src/content/swap', async (importOriginal) => ({
  ...await importOriginal<typeof import('../../src/content/swap')>(),
  // A detached image that loaded the URL (happy-dom never fires load for a blob: URL).
  loadDetached: vi.fn(async (url: string) => Object.assign(new Image(), { src: url })),
}));

const byId = (id: string) => document.getElementById(id)!;

async function show(el: Element) {
  const result = await prepareResult({ file: new Blob([new Uint8Array(10)], { type: 'image/bmp' }), opaque: false });
  expect(await showResult(el, result, 'right-click')).toBe(true);
  dropResult(result);
  return result;
}

beforeAll(() => trackCompare());

afterEach(() => {
  restoreAll();
  document.body.innerHTML = '';
});

describe('while an element shows a result', () => {
  test('it takes the focus and carries the hint; inside a link the link keeps the focus; the page’s own attributes win', async () => {
    document.body.innerHTML = '<img id="a" src="/a.jpg" alt=""><a href="/x"><img id="b" src="/b.jpg" alt=""></a>'
      + '<img id="c" src="/c.jpg" tabindex="-1" title="the page’s" alt=""><div id="d" style="background-image: url(/d.jpg)"></div>';
    const before = document.body.innerHTML;
    for (const id of ['a', 'b', 'c', 'd']) await show(byId(id));
    const attrs = (id: string) => ['tabindex', 'aria-description', 'title'].map((n) => byId(id).getAttribute(n));
    const [tabindex, hint, title] = attrs('a');
    expect(tabindex).toBe('0');
    expect(hint).toMatch(/hold.*\bO\b/);
    expect(title).toBe(hint);
    expect(attrs('b')).toEqual([null, hint, hint]);
    expect(attrs('c')).toEqual(['-1', hint, 'the page’s']);
    expect(attrs('d')).toEqual(['0', hint, null]); // no tooltip over a whole section

    // A restyle keeps one set of marks.
    await show(byId('a'));
    expect(attrs('a')).toEqual([tabindex, hint, title]);

    for (const id of ['a', 'b', 'c', 'd']) expect(restoreElement(byId(id))).toBe(true);
    expect(document.body.innerHTML).toBe(before);
  });

  test('what the page changed in those attributes meanwhile stays after restore', async () => {
    document.body.innerHTML = '<img id="a" src="/a.jpg" alt="">';
    await show(byId('a'));
    byId('a').setAttribute('title', 'the page’s own');
    restoreElement(byId('a'));
    expect(byId('a').getAttribute('title')).toBe('the page’s own');
    expect(byId('a').hasAttribute('tabindex')).toBe(false);
  });
});

describe('the original for a moment', () => {
  test('shown, then the result again; a restore while it shows ends it; after restore, nothing', async () => {
    document.body.innerHTML = '<img id="a" src="/a.jpg" alt="">';
    const before = document.body.innerHTML;
    const img = byId('a');
    const result = await show(img);
    expect(showOriginal(img)).toBe(true);
    expect(img.getAttribute('src')).toBe('http://localhost:3000/a.jpg');
    showResultAgain(img);
    expect(img.getAttribute('src')).toBe(result.url);

    expect(showOriginal(img)).toBe(true);
    expect(restoreElement(img)).toBe(true);
    expect(document.body.innerHTML).toBe(before);
    expect(showOriginal(img)).toBe(false);
    showResultAgain(img);
    expect(document.body.innerHTML).toBe(before);
  });

  test('a page’s own (untrusted) press or key does nothing', async () => {
    vi.useFakeTimers();
    try {
      document.body.innerHTML = '<img id="a" src="/a.jpg" alt="">';
      const img = byId('a');
      const result = await show(img);
      img.dispatchEvent(new PointerEvent('pointerdown', { bubbles: true, button: 0, isPrimary: true }));
      img.dispatchEvent(new KeyboardEvent('keydown', { bubbles: true, key: 'o', code: 'KeyO' }));
      vi.advanceTimersByTime(1000);
      expect(img.getAttribute('src')).toBe(result.url);
    } finally {
      vi.useRealTimers();
    }
  });
});
