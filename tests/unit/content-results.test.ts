/**
 * The one owner of what the page shows (src/content/results.ts), in happy-dom: a result shown,
 * replaced and restored lets go of each URL it stops showing; a result several elements show lives
 * until the last lets go; the two Restore all messages each restore and count their own flow's
 * images, and between them free every result.
 *
 * happy-dom decodes no images, so only the loading of a result into a detached image
 * (`loadDetached`) is stood in for; the swap itself runs as it does in the page. `releaseResult` is
 * watched, not replaced.
 */
import { afterEach, beforeEach, describe, expect, test, vi, type MockInstance } from 'vitest';
import { loadDetached } from '../../src/content/swap';
import { releaseResult } from '../../src/content/release';
import {
  dropResult, elementsShowing, originalOf, prepareResult, restoreAll, restoreElement, resultOf, showResult, showsResult,
} from '../../src/content/results';
import { rightClickHandlers } from '../../src/content/controller';
import { batchHandlers } from '../../src/content/batch';

vi.mock('../../src/content/swap', async (importOriginal) => ({
  ...await importOriginal<typeof import('../../src/content/swap')>(),
  // A detached image that loaded the URL (happy-dom never fires load for a blob: URL).
  loadDetached: vi.fn(async (url: string) => Object.assign(new Image(), { src: url })),
}));
vi.mock('../../src/content/release', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../src/content/release')>();
  return { ...actual, releaseResult: vi.fn(actual.releaseResult) };
});

/** A delivered result: a small file the page may read (or not). */
const delivered = (n: number, opaque = false) => ({ file: new Blob([new Uint8Array(n)], { type: 'image/bmp' }), opaque });
const byId = <T extends Element>(id: string) => document.getElementById(id) as unknown as T;
const debug = () => (globalThis as unknown as { backdropContentDebug: { results(): { live: number; elements: Record<string, number> } } })
  .backdropContentDebug.results();

let revoke: MockInstance<typeof URL.revokeObjectURL>;
/** Results alive before the test (none, unless an earlier test failed midway): each test counts its own. */
let live0 = 0;
const live = () => debug().live - live0;

beforeEach(() => {
  live0 = debug().live;
  revoke = vi.spyOn(URL, 'revokeObjectURL');
  vi.mocked(releaseResult).mockClear();
});

afterEach(() => {
  restoreAll();
  revoke.mockRestore();
  document.body.innerHTML = '';
});

const revoked = (): string[] => revoke.mock.calls.map(([url]) => url);

describe('one element: show, replace, restore', () => {
  test('each result is let go when it stops showing: its blob: URL revoked, its holder released', async () => {
    document.body.innerHTML = '<img id="a" src="/a.jpg" srcset="/a.jpg 1x, /a@2x.jpg 2x" style="width:220px;" alt="">';
    const before = document.body.innerHTML;
    const img = byId<HTMLImageElement>('a');

    const first = await prepareResult(delivered(100));
    expect(await showResult(img, first, 'right-click')).toBe(true);
    dropResult(first); // the caller's hold: the image keeps it
    expect(img.getAttribute('src')).toBe(first.url);
    expect(showsResult(img)).toBe(true);
    expect(originalOf(img)).toBe('http://localhost:3000/a.jpg');
    expect(revoked()).toEqual([]);

    const second = await prepareResult(delivered(200));
    expect(await showResult(img, second, 'right-click')).toBe(true);
    dropResult(second);
    expect(img.getAttribute('src')).toBe(second.url);
    // Replaced: the first is let go at once, the second shows.
    expect(revoked()).toEqual([first.url]);
    expect(vi.mocked(releaseResult).mock.calls).toEqual([[first.holder, 100]]);
    expect(resultOf(img)?.file).toBe(second.file);

    expect(restoreElement(img)).toBe(true);
    expect(revoked()).toEqual([first.url, second.url]);
    expect(vi.mocked(releaseResult).mock.calls).toEqual([[first.holder, 100], [second.holder, 200]]);
    expect(document.body.innerHTML).toBe(before);
    expect(live()).toBe(0);
  });

  test('a page that refuses blob: images gets a data: URL; the blob: URL made first is revoked', async () => {
    vi.mocked(loadDetached).mockImplementationOnce(async () => undefined);
    const result = await prepareResult(delivered(10));
    expect(result.url).toMatch(/^data:image\/bmp;base64,/);
    expect(revoked()).toHaveLength(1);
    expect(revoked()[0]).toMatch(/^blob:/);
    dropResult(result);
    expect(revoked()).toHaveLength(1); // a data: URL has nothing to revoke
    expect(vi.mocked(releaseResult)).toHaveBeenCalledWith(result.holder, 10);
  });

  test('a restore that overtakes a show wins: the show says so, and its result is let go', async () => {
    document.body.innerHTML = '<img id="a" src="/a.jpg" alt="">';
    const before = document.body.innerHTML;
    const img = byId<HTMLImageElement>('a');
    const result = await prepareResult(delivered(10));
    const showing = showResult(img, result, 'batch');
    expect(restoreElement(img)).toBe(true); // the swap had begun: its src is put back
    expect(await showing).toBe(false);
    dropResult(result);
    expect(revoked()).toEqual([result.url]);
    expect(document.body.innerHTML).toBe(before);
    expect(live()).toBe(0);
  });
});

describe('one result in several elements', () => {
  test('it lives while an element shows it or its flow keeps it', async () => {
    document.body.innerHTML = '<img id="a" src="/same.jpg" alt=""><div id="b" style="background-image: url(/same.jpg)"></div>';
    const result = await prepareResult(delivered(50)); // the batch entry's hold
    await showResult(byId('a'), result, 'batch');
    await showResult(byId('b'), result, 'batch');
    expect(byId<HTMLElement>('b').style.getPropertyValue('background-image')).toBe(`url("${result.url}")`);
    restoreElement(byId('a'));
    dropResult(result);
    expect(revoked()).toEqual([]); // #b still shows it
    restoreElement(byId('b'));
    expect(revoked()).toEqual([result.url]);
    expect(vi.mocked(releaseResult)).toHaveBeenCalledTimes(1);
  });
});

describe('Restore all: each message restores and counts its own flow', () => {
  test('restore-all counts the right-clicked images, batch-restore-all the batch’s; every result is let go', async () => {
    document.body.innerHTML = `<img id="r1" src="/r1.jpg" srcset="/r1.jpg 1x" alt=""><img id="r2" src="/r2.jpg" style="width: 10px" alt="">
      <picture><source srcset="/b1.webp" type="image/webp"><img id="b1" src="/b1.jpg" alt=""></picture>
      <div id="b2" style="width:200px;background-image:url(/b2.jpg)"></div>`;
    const before = document.body.innerHTML;
    const shown: string[] = [];
    for (const [id, flow] of [['r1', 'right-click'], ['r2', 'right-click'], ['b1', 'batch'], ['b2', 'batch']] as const) {
      const result = await prepareResult(delivered(10));
      await showResult(byId(id), result, flow);
      dropResult(result);
      shown.push(result.url!);
    }
    // #r1 stylized again: the replaced result is let go at once, and #r1 stays right-clicked.
    const again = await prepareResult(delivered(10));
    await showResult(byId('r1'), again, 'right-click');
    dropResult(again);
    expect(revoked()).toEqual([shown[0]]);
    expect(elementsShowing('right-click').map((el) => el.id)).toEqual(['r1', 'r2']);
    expect(elementsShowing('batch').map((el) => el.id)).toEqual(['b1', 'b2']);
    expect(debug().elements).toEqual({ 'right-click': 2, batch: 2 });

    // As the popup's Restore all sends them: the right-clicked images first, then the batch.
    expect(await rightClickHandlers['restore-all']()).toBe(2);
    expect(elementsShowing().map((el) => el.id)).toEqual(['b1', 'b2']);
    expect(await batchHandlers['batch-restore-all']()).toBe(2);

    expect(document.body.innerHTML).toBe(before);
    expect(new Set(revoked())).toEqual(new Set([...shown, again.url]));
    expect(vi.mocked(releaseResult)).toHaveBeenCalledTimes(5);
    expect(live()).toBe(0);
    expect(debug().elements).toEqual({ 'right-click': 0, batch: 0 });
  });

  test('batch-restore-all alone puts back anything left too, right-clicked images included', async () => {
    document.body.innerHTML = '<img id="r1" src="/r1.jpg" alt=""><img id="b1" src="/b1.jpg" alt="">';
    const before = document.body.innerHTML;
    for (const [id, flow] of [['r1', 'right-click'], ['b1', 'batch']] as const) {
      const result = await prepareResult(delivered(10));
      await showResult(byId(id), result, flow);
      dropResult(result);
    }
    expect(await batchHandlers['batch-restore-all']()).toBe(2);
    expect(document.body.innerHTML).toBe(before);
    expect(live()).toBe(0);
    expect(await rightClickHandlers['restore-all']()).toBe(0);
  });
});
