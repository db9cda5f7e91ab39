/**
 * "Save stylized image" at the original's size, in the service worker (src/background/styles.ts,
 * save-recipes.ts) on WXT's fake browser, with the content script and the offscreen document faked at
 * the message boundary; the offscreen document's own bookkeeping (src/offscreen/saves.ts); and the
 * validator of what the content script answers. tests/e2e/save.test.ts renders real files.
 */
import { beforeEach, describe, expect, test, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { SAVE_MAX_PIXELS, SAVE_MAX_SIDE, type SaveRecipe, type StylizeOptions } from '../../src/messaging/protocol';
import { CONTENT_REPLIES, isJobId, parseStylizedInfo } from '../../src/messaging/validate';
import { SavedFiles, SaveRecords } from '../../src/offscreen/saves';
import type { Layers } from '../../src/inference/pipeline';
import { fitWithin } from '../../src/inference/preprocess';
import { fakeContent, fakeOffscreen, stylized } from '../support/worker';

const { ensureOffscreen } = vi.hoisted(() => ({ ensureOffscreen: vi.fn(async () => {}) }));
vi.mock('../../src/background/offscreen', () => ({ ensureOffscreen, closeOffscreen: vi.fn(async () => {}) }));

const { handleContextMenuClick, MENU } = await import('../../src/background/menus');
const { MAX_RECIPES, recipeFor, rememberRecipe, withRecipe } = await import('../../src/background/save-recipes');

const TAB = 7;
const FRAME = 3;
const TOP = 'https://news.example/story.html';
const PHOTO = 'https://cdn.example/photo.jpg';
const SHOWN = 'blob:https://news.example/5b0c6f7e-0000-4000-8000-000000000000';
const JOB = '0f8fad5b-d9cb-469f-a165-70867728950e';
const SAVED_URL = 'blob:chrome-extension://backdrop/7c9e6679-7425-40de-944b-e07fc1f90ae7';
/** The shown result re-encoded as PNG, held the same way. */
const SHOWN_PNG_URL = 'blob:chrome-extension://backdrop/1b4e28ba-2fa1-41d2-883f-0016d3cca427';
const RESULT_DATA = 'data:image/bmp;base64,Qk0=';
const OPTIONS = { styleId: 'builtin:style3', mixRatio: 1, strength: 1, subject: [15], invert: false, transferModel: 'fp16', threads: 0 } as StylizeOptions;
const RECIPE: SaveRecipe = { source: { kind: 'url', url: PHOTO, page: { frameUrl: TOP, topUrl: TOP } }, options: OPTIONS };

const click = (srcUrl = SHOWN) => ({ menuItemId: MENU.save, srcUrl, frameId: FRAME, pageUrl: TOP });
const save = () => handleContextMenuClick(click(), { id: TAB }) as Promise<Record<string, unknown>>;

/** The content script of the clicked frame: the image shows job JOB's result (`info` overrides). */
const page = (info: Record<string, unknown> = {}) => fakeContent({
  'stylized-info': (msg) => ({ originalUrl: PHOTO, styleName: 'Kandinsky', jobId: JOB, ...(msg.shown ? { dataUrl: RESULT_DATA } : {}), ...info }),
  'save-note': () => true,
  'job-begin': () => ({ ok: true }),
  'job-done': () => true,
});

/** Downloads: every one completes at once (or is refused when `refuse` is set); what was asked. */
function fakeDownloads() {
  const asked: { url: string; filename?: string }[] & { refuse?: string } = [];
  const download = vi.fn(async (o: { url: string; filename?: string }) => {
    if (asked.refuse) throw new Error(asked.refuse);
    return asked.push(o);
  });
  Object.assign(fakeBrowser, {
    downloads: {
      download,
      search: vi.fn(async () => [{ state: 'complete' }]),
      onChanged: { addListener: vi.fn(), removeListener: vi.fn(), hasListener: vi.fn() },
    },
  });
  return asked;
}

beforeEach(() => {
  fakeBrowser.reset();
  ensureOffscreen.mockClear();
});

describe('Save stylized image, in the service worker', () => {
  test('the offscreen document renders the job at the original’s size; the file is downloaded, then let go; nothing is said on the image', async () => {
    const content = page();
    const downloads = fakeDownloads();
    const offscreen = fakeOffscreen((msg) => (msg.type === 'save' ? { ok: true, url: SAVED_URL, width: 4000, height: 3000 } : { ok: true }));
    expect(await save()).toMatchObject({ ok: true, width: 4000, height: 3000, filename: 'photo-kandinsky.png' });
    expect(offscreen.calls('save').map((c) => c.msg)).toEqual([{ to: 'offscreen', type: 'save', jobId: JOB, from: { tabId: TAB, frameId: FRAME } }]);
    expect(downloads).toEqual([expect.objectContaining({ url: SAVED_URL, filename: 'photo-kandinsky.png' })]);
    await offscreen.log.until((e) => e.some((c) => c.msg.type === 'save-release'), 'save-release');
    expect(offscreen.calls('save-release').map((c) => c.msg)).toEqual([{ to: 'offscreen', type: 'save-release', url: SAVED_URL }]);
    expect(content.of('save-note')).toEqual([]);
    expect(offscreen.calls('to-png')).toEqual([]);
  });

  test('a data: original: the bytes the page hands over again go with the request', async () => {
    const originalData = 'data:image/jpeg;base64,/9j/';
    page({ originalUrl: 'data:', originalData });
    fakeDownloads();
    const offscreen = fakeOffscreen((msg) => (msg.type === 'save' ? { ok: true, url: SAVED_URL, width: 2400, height: 1800 } : { ok: true }));
    expect(await save()).toMatchObject({ ok: true, filename: 'image-kandinsky.png' });
    expect(offscreen.calls('save')[0].msg).toMatchObject({ jobId: JOB, originalData });
  });

  test('the offscreen document let the painting go: it is asked again with the job’s recipe', async () => {
    page();
    fakeDownloads();
    await rememberRecipe(JOB, { tabId: TAB, frameId: FRAME }, RECIPE);
    const offscreen = fakeOffscreen((msg) => {
      if (msg.type !== 'save') return { ok: true };
      return msg.recipe ? { ok: true, url: SAVED_URL, width: 4000, height: 3000 } : { ok: false, missing: true, error: { code: 'internal', key: 'errPaintingGone' } };
    });
    expect(await save()).toMatchObject({ ok: true, width: 4000 });
    expect(offscreen.calls('save').map((c) => c.msg.recipe)).toEqual([undefined, RECIPE]);
  });

  test('over the save’s cap: saved scaled down, and the image says so', async () => {
    const content = page();
    fakeDownloads();
    fakeOffscreen((msg) => (msg.type === 'save'
      ? { ok: true, url: SAVED_URL, width: 7745, height: 5163, downscaledFrom: { width: 12000, height: 8000 } } : { ok: true }));
    expect(await save()).toMatchObject({ ok: true, width: 7745, downscaledFrom: { width: 12000, height: 8000 } });
    expect(content.of('save-note')).toEqual([{
      to: 'content', type: 'save-note', srcUrl: SHOWN, kind: 'note',
      text: `Saved at 7745×5163, scaled down from the original's 12000×8000 (Backdrop saves at most ${SAVE_MAX_PIXELS / 1e6} megapixels, ${SAVE_MAX_SIDE} px a side).`,
    }]);
  });

  test('the original cannot be read again: the result is saved as shown, and the image says why', async () => {
    const content = page();
    const downloads = fakeDownloads();
    const offscreen = fakeOffscreen((msg) => {
      if (msg.type === 'save') return { ok: false, error: { code: 'not-found', key: 'errHttpNotFound', subs: ['404'] } };
      if (msg.type === 'to-png') return { ok: true, url: SHOWN_PNG_URL, width: 1847, height: 1385 };
      return { ok: true };
    });
    expect(await save()).toMatchObject({ ok: true, width: 1847, height: 1385, asShown: 'the original could not be read again (Image not found (HTTP 404))' });
    expect(offscreen.calls('to-png')[0].msg).toMatchObject({ dataUrl: RESULT_DATA });
    // From a blob: URL the offscreen document holds, as a save at full size (Firefox refuses to download a data: URL).
    expect(downloads).toEqual([expect.objectContaining({ url: SHOWN_PNG_URL, filename: 'photo-kandinsky.png' })]);
    await offscreen.log.until((e) => e.some((c) => c.msg.type === 'save-release'), 'save-release');
    expect(offscreen.calls('save-release').map((c) => c.msg)).toEqual([{ to: 'offscreen', type: 'save-release', url: SHOWN_PNG_URL }]);
    expect(content.of('save-note')).toEqual([expect.objectContaining({
      kind: 'note', text: 'Saved at 1847×1385, the size shown: the original could not be read again (Image not found (HTTP 404)).',
    })]);
  });

  test('a save that took the offscreen document down is not tried again: saved as shown, and the image says what happened', async () => {
    const content = page();
    fakeDownloads();
    const offscreen = fakeOffscreen((msg) => {
      if (msg.type === 'to-png') return { ok: true, url: SHOWN_PNG_URL, width: 1847, height: 1385 };
      return msg.type === 'save' ? undefined : { ok: true };
    });
    const saving = save();
    await offscreen.log.until((e) => e.some((c) => c.msg.type === 'save'), 'save');
    offscreen.calls('save')[0].reply.reject(new Error('A listener indicated an asynchronous response by returning true, but the message channel closed before a response was received'));
    expect(await saving).toMatchObject({ ok: true, width: 1847, asShown: expect.stringMatching(/engine stopped/) });
    expect(offscreen.calls('save')).toHaveLength(1);
    expect(content.of('save-note')[0].text).toMatch(/^Saved at 1847×1385, the size shown: Backdrop's engine stopped/);
  });

  test('neither the painting nor its recipe is held: saved as shown, with a word on how to save at full size', async () => {
    const content = page();
    fakeDownloads();
    fakeOffscreen((msg) => {
      if (msg.type === 'save') return { ok: false, missing: true, error: { code: 'internal', key: 'errPaintingGone' } };
      if (msg.type === 'to-png') return { ok: true, url: SHOWN_PNG_URL, width: 1847, height: 1385 };
      return { ok: true };
    });
    expect(await save()).toMatchObject({ ok: true, width: 1847 });
    expect(content.of('save-note')[0].text).toMatch(/^Saved at 1847×1385, the size shown: .*Stylize it again/);
  });

  test('nothing could be saved: an error on the image, and the page keeps its result (nothing restores it)', async () => {
    const content = page({ jobId: undefined });
    const downloads = fakeDownloads();
    fakeOffscreen((msg) => (msg.type === 'to-png' ? { ok: false, error: { code: 'decode-failed', key: 'errDamaged' } } : { ok: true }));
    expect(await save()).toMatchObject({ ok: false, error: { code: 'decode-failed' } });
    expect(downloads).toEqual([]);
    expect(content.of('save-note')).toEqual([expect.objectContaining({ kind: 'error', text: 'Backdrop could not save this image: The image could not be decoded: the file is damaged or incomplete.' })]);
    expect(content.log.entries.map((e) => e.msg.type)).not.toContain('restore');
  });

  test('the browser refuses the download: an error on the image, and the file is let go', async () => {
    const content = page();
    fakeDownloads().refuse = 'Access denied for URL';
    const offscreen = fakeOffscreen((msg) => (msg.type === 'save' ? { ok: true, url: SAVED_URL, width: 4000, height: 3000 } : { ok: true }));
    expect(await save()).toMatchObject({ ok: false, error: { code: 'internal', message: expect.stringMatching(/Access denied/) } });
    expect(content.of('save-note')).toEqual([expect.objectContaining({ kind: 'error', text: expect.stringMatching(/^Backdrop could not save this image: .*Access denied/) })]);
    await offscreen.log.until((e) => e.some((c) => c.msg.type === 'save-release'), 'save-release');
  });
});

describe('recipes (storage.session)', () => {
  test('a right-click job keeps how it painted, for the frame it showed in', async () => {
    fakeContent({ 'job-begin': () => ({ ok: true }), 'job-done': () => true });
    fakeOffscreen((msg) => (msg.type === 'stylize' ? stylized() : { ok: true }));
    await handleContextMenuClick({ menuItemId: MENU.stylize, srcUrl: PHOTO, frameId: 0, pageUrl: TOP }, { id: TAB });
    const stored = (await fakeBrowser.storage.session.get('saveRecipes')).saveRecipes as Record<string, { tabId: number; frameId: number; recipe: SaveRecipe }>;
    const [[jobId, entry]] = Object.entries(stored);
    expect(isJobId(jobId)).toBe(true);
    expect(entry).toMatchObject({ tabId: TAB, frameId: 0, recipe: { source: { kind: 'url', url: PHOTO, page: { frameUrl: TOP, topUrl: TOP } } } });
    expect(await recipeFor(jobId, { tabId: TAB, frameId: 0 })).toEqual(entry.recipe);
    // Another tab or frame cannot use it.
    expect(await recipeFor(jobId, { tabId: TAB + 1, frameId: 0 })).toBeUndefined();
    expect(await recipeFor(jobId, { tabId: TAB, frameId: 2 })).toBeUndefined();
  });

  test('the newest MAX_RECIPES are kept, oldest out first; writing one again makes it the newest', () => {
    const entry = (n: number) => ({ tabId: n, frameId: 0, recipe: { options: OPTIONS } });
    let recipes = {};
    for (let i = 0; i < MAX_RECIPES + 5; i++) recipes = withRecipe(recipes, `job${i}`, entry(i));
    expect(Object.keys(recipes)).toHaveLength(MAX_RECIPES);
    expect(Object.keys(recipes)[0]).toBe('job5');
    recipes = withRecipe(recipes, 'job5', entry(99));
    expect(Object.keys(recipes).at(-1)).toBe('job5');
    expect(Object.keys(recipes)[0]).toBe('job6');
  });

  test('a page-local source is not kept (the page hands its bytes over again)', async () => {
    await rememberRecipe(JOB, { tabId: TAB, frameId: 0 }, { options: OPTIONS });
    expect(await recipeFor(JOB, { tabId: TAB, frameId: 0 })).toEqual({ options: OPTIONS });
  });
});

describe('the offscreen document’s records of delivered jobs', () => {
  const layers = {} as Layers;
  test('a record serves only the tab and frame its result went to', () => {
    const records = new SaveRecords(2);
    records.set('a', { to: { tabId: 1, frameId: 0 }, layers });
    expect(records.get('a', { tabId: 1, frameId: 0 })?.layers).toBe(layers);
    expect(records.get('a', { tabId: 2, frameId: 0 })).toBeUndefined();
    expect(records.get('a', { tabId: 1, frameId: 4 })).toBeUndefined();
    expect(records.get('b', { tabId: 1, frameId: 0 })).toBeUndefined();
  });

  test('the least recently used record goes first', () => {
    const records = new SaveRecords(2);
    const to = { tabId: 1, frameId: 0 };
    records.set('a', { to, layers });
    records.set('b', { to, layers });
    records.get('a', to); // a is used: b is the oldest now
    records.set('c', { to, layers });
    expect(records.size).toBe(2);
    expect(records.get('b', to)).toBeUndefined();
    expect(records.get('a', to)).toBeDefined();
    expect(records.get('c', to)).toBeDefined();
  });

  test('a saved file’s URL is let go when released, or after its time', () => {
    vi.useFakeTimers();
    try {
      const revoke = vi.spyOn(URL, 'revokeObjectURL');
      const files = new SavedFiles(1000);
      const a = files.hold(new Blob(['a']));
      const b = files.hold(new Blob(['b']));
      expect(files.size).toBe(2);
      files.release(a);
      expect(revoke).toHaveBeenCalledWith(a);
      files.release(a); // twice: nothing more
      files.release('blob:elsewhere'); // not ours: nothing
      expect(revoke).toHaveBeenCalledTimes(1);
      vi.advanceTimersByTime(1000);
      expect(revoke).toHaveBeenLastCalledWith(b);
      expect(files.size).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('the save’s size', () => {
  test('the original’s own size up to the cap; over it, scaled to fit with the aspect kept', () => {
    const fit = (w: number, h: number) => fitWithin(w, h, SAVE_MAX_SIDE, SAVE_MAX_PIXELS);
    expect(fit(4000, 3000)).toEqual({ width: 4000, height: 3000, scaled: false });
    expect(fit(7744, 5163)).toEqual({ width: 7744, height: 5163, scaled: false });
    expect(fit(9000, 3000)).toEqual({ width: 8192, height: 2730, scaled: true });
    const big = fit(12000, 8000);
    expect(big.scaled).toBe(true);
    expect(big.width * big.height).toBeLessThanOrEqual(SAVE_MAX_PIXELS);
    expect(Math.abs(big.width / big.height - 1.5)).toBeLessThan(0.001);
  });
});

describe('what the content script answers to stylized-info', () => {
  const base = { originalUrl: PHOTO, styleName: 'Kandinsky' };
  test('the job, a page-local original’s bytes and the result as shown pass when well formed', () => {
    const full = { ...base, jobId: JOB, originalData: 'data:image/jpeg;base64,/9j/', dataUrl: RESULT_DATA };
    expect(parseStylizedInfo(full)).toEqual(full);
    expect(parseStylizedInfo(base)).toEqual(base);
    expect(CONTENT_REPLIES['stylized-info']({ ...base, jobId: JOB })).toEqual({ ...base, jobId: JOB });
  });

  test('any malformed part refuses the whole answer', () => {
    for (const bad of [
      { ...base, jobId: '../../etc' }, { ...base, jobId: 7 }, { ...base, jobId: JOB.toUpperCase() },
      { ...base, originalData: 'https://a.example/x.jpg' }, { ...base, originalData: 'data:' + 'x'.repeat(10) },
      { ...base, dataUrl: 'javascript:alert(1)' }, { ...base, dataUrl: 'data:text/html,<b>' },
      { ...base, originalUrl: 'x'.repeat(9000) }, { styleName: 'x' },
    ]) expect(CONTENT_REPLIES['stylized-info'](bad), JSON.stringify(bad).slice(0, 80)).toBeNull();
  });

  test('a style name is cut to a sane length', () => {
    expect(parseStylizedInfo({ ...base, styleName: 'n'.repeat(500) })?.styleName).toHaveLength(100);
  });
});
