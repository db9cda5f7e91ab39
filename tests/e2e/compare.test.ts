/**
 * Compare (issue 20): on a stylized image, press and hold shows the page's own picture, release the
 * result again; so does holding O while the image has the focus. For every way a result is shown:
 * an <img> in place (right-click, inside a link), an <img> the page may not read (its view frame),
 * a batch's <img> and CSS backgrounds (in place, and in a view frame). What the person sees is read
 * from screenshots of the element's box, compared with the same box before Backdrop touched it. A
 * plain click behaves as before (the link is followed, nothing flashes); a hold does not follow
 * it; no request is made for the original; after a restore, holding does nothing.
 * Real browser, the built extension and the real models.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Page } from 'puppeteer-core';
import { launchWithExtension, type ExtensionBrowser } from '../support/browser';
import { meanAbsDiff, readImagePixels, type Rgba } from '../support/pixels';
import { keepScreenshot } from '../support/screenshots';
import { startServer, type TestServer } from '../support/server';

let ext: ExtensionBrowser;
let site: TestServer;
let other: TestServer;
/** The other server as a second site (localhost, not 127.0.0.1): images the page may not read. */
let otherOrigin: string;
/** Two photos side by side, right-clicked: the <img> cases, and the docs' picture. */
let pair: Page;
/** A view-frame <img> (right-click), then a batch: an <img>, a background in place, one in a view frame. */
let mixed: Page;
/** A page of the test's own, where screenshots are decoded. */
let helper: Page;

const DANCER = '/fixtures/pexels-jansel-ferma-3949761.jpg';
const YOGA = '/fixtures/pexels-elly-fairytale-3822220.jpg';
const DOG = '/fixtures/pytorchhub_dog.jpg';
const SHEEP = '/fixtures/pytorchhub_deeplab1_person_sheep.png';
const STREET = '/fixtures/tfexamples_style_transfer_input_image.jpg';

const pairHtml = `<!doctype html><meta charset="utf-8"><title>compare</title>
<style>
  body { margin: 0; font: 15px/1.4 sans-serif; color: #333; background: #fff }
  .row { display: flex; gap: 16px; padding: 16px }
  figure { margin: 0 } img { display: block; width: 352px } figcaption { margin-top: 6px; text-align: center }
</style>
<div class="row" id="row">
  <figure><a id="link" href="#followed"><img id="left" src="${DANCER}" alt="dancer"></a><figcaption>Held: the original</figcaption></figure>
  <figure><img id="right" src="${YOGA}" alt="yoga"><figcaption>Stylized</figcaption></figure>
</div>`;

const mixedHtml = (o: string) => `<!doctype html><meta charset="utf-8"><title>mixed</title>
<style>
  body { margin: 0 } #row { display: flex; flex-wrap: wrap; gap: 8px; padding: 8px; align-items: flex-start }
  img { display: block } .bg { width: 300px; height: 200px; background-size: cover; background-position: center; background-repeat: no-repeat }
</style>
<div id="row">
  <img id="cross" src="${o}${DOG}" style="width: 200px" alt="">
  <img id="sheep" src="${SHEEP}" style="width: 300px" alt="">
  <div id="bg" class="bg" style="background-image: url(${STREET})"></div>
  <div id="bgx" class="bg" style="background-image: url('${o}${YOGA}')"></div>
</div>`;

/** Below this mean difference (0…255) two screenshots of a box show the same picture. */
const SAME = 1;
/** Above this, the box shows another picture (a stylized background against the original). */
const DIFFERENT = 5;

/** How far into the box a focus ring may reach (the browser's own, after Tab). */
const RING = 4;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const boxOf = (p: Page, sel: string) => p.$eval(sel, (el) => {
  const r = el.getBoundingClientRect();
  return { x: r.x, y: r.y, width: r.width, height: r.height };
});

/** A screenshot of the element's box, as RGBA: what the person sees there. */
async function seen(p: Page, sel: string): Promise<Rgba> {
  const png = await p.screenshot({ clip: await boxOf(p, sel), encoding: 'base64' });
  return readImagePixels(helper, { url: `data:image/png;base64,${png}` });
}

/** The picture without its outer `inset` pixels (where a focused element's focus ring is drawn). */
function inner(r: Rgba, inset: number): Rgba {
  const width = r.width - 2 * inset, height = r.height - 2 * inset;
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) data.set(r.data.subarray(((y + inset) * r.width + inset) * 4, ((y + inset) * r.width + inset + width) * 4), y * width * 4);
  return { width, height, data };
}

/**
 * Waits until the element's box shows `want` (the screenshot of what should be there), and returns
 * how far it still is: the browser paints a change a frame or two after the page makes it.
 * `inset`: compares inside the box's edge only (a keyboard's focus ring is drawn there).
 */
async function shows(p: Page, sel: string, want: Rgba, inset = 0): Promise<number> {
  let mad = Infinity;
  for (const end = Date.now() + 15_000; Date.now() < end; await sleep(100)) {
    mad = meanAbsDiff(inner(await seen(p, sel), inset), inner(want, inset)).mad;
    if (mad < SAME) break;
  }
  return mad;
}

/** Presses and holds the primary button on the element's centre, runs `during`, then releases. */
async function holding<T>(p: Page, sel: string, during: () => Promise<T>): Promise<T> {
  const b = await boxOf(p, sel);
  await p.mouse.move(b.x + b.width / 2, b.y + b.height / 2);
  await p.mouse.down();
  try {
    return await during();
  } finally {
    await p.mouse.up();
  }
}

/** Tabs through the page until `id` has the focus (the stylized element must be reachable so). */
async function tabTo(p: Page, id: string) {
  await p.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  for (let i = 0; i < 12; i++) {
    await p.keyboard.press('Tab');
    if (await p.evaluate(() => document.activeElement?.id) === id) return;
  }
  throw new Error(`Tab never reached #${id}`);
}

/** Starts recording every attribute change and node added or removed under #row, in the page. */
const recordMutations = (p: Page) => p.evaluate(() => {
  const w = window as unknown as { mutations: string[]; observer?: MutationObserver };
  w.observer?.disconnect();
  w.mutations = [];
  w.observer = new MutationObserver((records) => {
    for (const r of records) w.mutations.push(`${(r.target as Element).id || (r.target as Element).localName} ${r.type} ${r.attributeName ?? ''}`);
  });
  w.observer.observe(document.getElementById('row')!, { attributes: true, childList: true, subtree: true });
});
const mutations = (p: Page) => p.evaluate(() => (window as unknown as { mutations: string[] }).mutations);

const rowHtml = (p: Page) => p.$eval('#row', (el) => el.outerHTML);
const frames = (p: Page) => p.$$eval('iframe[data-backdrop-view-frame]', (f) => f.length);

/** Requests the test server had for a path (any query): an original taken back from memory makes none. */
const requests = (server: TestServer, path: string) => server.requests.filter((r) => r.path === path).length;

/** A message from an extension page (the popup's sender), as the popup sends it. */
async function fromPopup(msg: Record<string, unknown>, back: Page, tabId: number) {
  const popup = await ext.openPage(`/popup.html?tab=${tabId}`);
  const reply = await popup.evaluate((m) => globalThis.chrome.runtime.sendMessage(m), msg);
  await popup.close();
  await back.bringToFront();
  return reply;
}

/** Holds each way (pointer, then O), checking the original shows while held and the result after. */
async function expectCompare(p: Page, sel: string, original: Rgba, stylized: Rgba) {
  const held = await holding(p, sel, () => shows(p, sel, original));
  expect(held, `${sel} held shows the original`).toBeLessThan(SAME);
  expect(await shows(p, sel, stylized), `${sel} released shows the result`).toBeLessThan(SAME);
}

/** Screenshots of every box before Backdrop touches them, and after it stylized them. */
const originals = new Map<string, Rgba>();
const stylized = new Map<string, Rgba>();

async function stylizedNow(p: Page, sel: string) {
  const shot = await seen(p, sel);
  const mad = meanAbsDiff(shot, originals.get(sel)!).mad;
  expect(mad, `${sel} shows a stylized picture`).toBeGreaterThan(DIFFERENT);
  stylized.set(sel, shot);
}

beforeAll(async () => {
  other = await startServer();
  otherOrigin = other.origin.replace('127.0.0.1', 'localhost');
  site = await startServer(undefined, async (path) => {
    if (path === '/pair.html') return { type: 'text/html; charset=utf-8', body: pairHtml };
    if (path === '/mixed.html') return { type: 'text/html; charset=utf-8', body: mixedHtml(otherOrigin) };
    return undefined;
  });
  ext = await launchWithExtension();
  helper = await ext.browser.newPage();
  await helper.goto(`${site.origin}/blank.html`);
  pair = await ext.browser.newPage();
  await pair.setViewport({ width: 752, height: 416 });
  await pair.goto(`${site.origin}/pair.html`, { waitUntil: 'load' });
});

afterAll(async () => {
  await ext?.close();
  await site?.close();
  await other?.close();
});

describe('compare an <img> shown in place (right-click)', () => {
  let pairOriginal: string;

  test('two photos stylized; holding one shows its original while held, the result after, without a request or following its link', async () => {
    await pair.bringToFront();
    pairOriginal = await rowHtml(pair);
    for (const sel of ['#left', '#right']) originals.set(sel, await seen(pair, sel));
    for (const id of ['left', 'right']) {
      const src = await pair.$eval(`#${id}`, (el) => (el as HTMLImageElement).currentSrc);
      expect(await ext.click('stylize-background', pair, src), id).toMatchObject({ ok: true });
    }
    for (const sel of ['#left', '#right']) await stylizedNow(pair, sel);

    // Focusable while stylized (inside a link, the link takes the focus), saying how to compare.
    const hint = (sel: string) => pair.$eval(sel, (el) => ({
      tabindex: el.getAttribute('tabindex'), description: el.getAttribute('aria-description'), title: el.getAttribute('title'),
    }));
    const right = await hint('#right');
    expect(right.tabindex).toBe('0');
    expect(right.description).toMatch(/\bO\b/);
    expect(right.title).toBe(right.description);
    expect(await hint('#left')).toEqual({ ...right, tabindex: null });

    const asked = requests(site, DANCER);
    await recordMutations(pair);
    await holding(pair, '#left', async () => {
      expect(await shows(pair, '#left', originals.get('#left')!), 'held: the original').toBeLessThan(SAME);
      // Only the held one: its neighbour still shows its result.
      expect(meanAbsDiff(await seen(pair, '#right'), stylized.get('#right')!).mad).toBeLessThan(SAME);
      await keepScreenshot(pair, 'compare-held');
    });
    expect(await shows(pair, '#left', stylized.get('#left')!), 'released: the result').toBeLessThan(SAME);
    // The original came from memory (the server says no-store: a new load would have asked again).
    expect(requests(site, DANCER)).toBe(asked);
    // The click that ended the hold did not follow the link around the image.
    expect(await pair.evaluate(() => location.hash)).toBe('');
    // Only the <img> changed meanwhile: its src, there and back.
    expect(new Set(await mutations(pair))).toEqual(new Set(['left attributes src']));
  });

  test('a plain click changes nothing and follows the link as before', async () => {
    await recordMutations(pair);
    const before = await rowHtml(pair);
    const b = await boxOf(pair, '#left');
    await pair.mouse.click(b.x + b.width / 2, b.y + b.height / 2);
    await pair.waitForFunction(() => location.hash === '#followed');
    // Longer than a hold: a click must not show the original late either.
    await sleep(1000);
    expect(await mutations(pair)).toEqual([]);
    expect(await rowHtml(pair)).toBe(before);
    expect(meanAbsDiff(await seen(pair, '#left'), stylized.get('#left')!).mad).toBeLessThan(SAME);
    await pair.evaluate(() => history.replaceState(null, '', location.pathname));
  });

  test('keyboard: Tab reaches the stylized image; holding O shows the original, letting go the result', async () => {
    // Tab goes on from the stylized image (no trap), to it, and holding O on it compares it.
    await tabTo(pair, 'right');
    await pair.keyboard.down('o');
    try {
      expect(await shows(pair, '#right', originals.get('#right')!, RING), 'O held: the original').toBeLessThan(SAME);
    } finally {
      await pair.keyboard.up('o');
    }
    expect(await shows(pair, '#right', stylized.get('#right')!, RING), 'O let go: the result').toBeLessThan(SAME);
  });

  test('keyboard: O held on a focused link compares the stylized image inside it', async () => {
    await tabTo(pair, 'link');
    await pair.keyboard.down('o');
    try {
      expect(await shows(pair, '#left', originals.get('#left')!, RING), 'O held: the original').toBeLessThan(SAME);
    } finally {
      await pair.keyboard.up('o');
    }
    expect(await shows(pair, '#left', stylized.get('#left')!, RING), 'O let go: the result').toBeLessThan(SAME);
  });

  test('Restore original after a compare puts the page’s image back exactly; then holding does nothing', async () => {
    const shown = await pair.$eval('#left', (el) => el.getAttribute('src')!);
    expect(shown).toMatch(/^blob:/);
    expect(await ext.click('restore-original', pair, shown)).toBe(true);
    await pair.$eval('#left', (img) => (img as HTMLImageElement).decode());
    const right = await pair.$eval('#right', (el) => el.getAttribute('src')!);
    expect(await ext.click('restore-original', pair, right)).toBe(true);
    await pair.$eval('#right', (img) => (img as HTMLImageElement).decode());
    // No tabindex, hint or title left: every attribute as the page wrote it.
    expect(await rowHtml(pair)).toBe(pairOriginal);
    expect(meanAbsDiff(await seen(pair, '#left'), originals.get('#left')!).mad).toBeLessThan(SAME);

    await recordMutations(pair);
    await holding(pair, '#left', async () => {
      await sleep(1000);
      expect(await mutations(pair)).toEqual([]);
    });
    await pair.focus('#right');
    await pair.keyboard.down('o');
    await sleep(500);
    await pair.keyboard.up('o');
    expect(await mutations(pair)).toEqual([]);
    expect(await rowHtml(pair)).toBe(pairOriginal);
  });
});

describe('compare a view frame’s result and a batch’s', () => {
  let mixedOriginal: string;
  let tabId: number;
  const SELS = ['#cross', '#sheep', '#bg', '#bgx'];

  test('a right-clicked image the page may not read, then a batch: every one is stylized', async () => {
    mixed = await ext.browser.newPage();
    await mixed.setViewport({ width: 1280, height: 800 });
    await mixed.goto(`${site.origin}/mixed.html`, { waitUntil: 'load' });
    tabId = await ext.tabId(mixed);
    mixedOriginal = await rowHtml(mixed);
    for (const sel of SELS) originals.set(sel, await seen(mixed, sel));

    expect(await ext.click('stylize-background', mixed, `${otherOrigin}${DOG}`)).toMatchObject({ ok: true });
    const started = await (await ext.worker()).evaluate(
      (id) => globalThis.backdrop.handleBatchCommand({ to: 'background', type: 'batch-start', tabId: id }), tabId,
    ) as { total: number };
    expect(started.total).toBe(3);
    await mixed.waitForFunction(() => ['sheep', 'bg', 'bgx'].every((id) => document.getElementById(id)?.getAttribute('data-backdrop-batch') === 'done'),
      { timeout: 110_000, polling: 250 });
    // #cross and #bgx in view frames; #sheep and #bg in place.
    expect(await frames(mixed)).toBe(2);
    for (const sel of SELS) await stylizedNow(mixed, sel);
    expect(await mixed.$eval('#bg', (el) => [el.getAttribute('tabindex'), el.hasAttribute('aria-description'), el.hasAttribute('title')]))
      .toEqual(['0', true, false]);
  });

  test('view frame (<img>): held, the frame hides over the page’s own image; nothing new is handed to the page', async () => {
    const before = await mixed.$eval('#cross', (el) => el.getAttribute('src'));
    await recordMutations(mixed);
    await expectCompare(mixed, '#cross', originals.get('#cross')!, stylized.get('#cross')!);
    // Only the frame's style changed: the image kept the page's own source throughout.
    expect(new Set(await mutations(mixed))).toEqual(new Set(['iframe attributes style']));
    expect(await mixed.$eval('#cross', (el) => el.getAttribute('src'))).toBe(before);
  });

  test('view frame (<img>), keyboard: O held on the focused image shows the original', async () => {
    await tabTo(mixed, 'cross');
    await mixed.keyboard.down('o');
    try {
      expect(await shows(mixed, '#cross', originals.get('#cross')!, RING)).toBeLessThan(SAME);
    } finally {
      await mixed.keyboard.up('o');
    }
    expect(await shows(mixed, '#cross', stylized.get('#cross')!, RING)).toBeLessThan(SAME);
  });

  test('batch <img>, CSS background in place, CSS background in a view frame: held, each shows its original', async () => {
    const asked = [requests(site, SHEEP), requests(site, STREET)];
    for (const sel of ['#sheep', '#bg', '#bgx']) await expectCompare(mixed, sel, originals.get(sel)!, stylized.get(sel)!);
    expect([requests(site, SHEEP), requests(site, STREET)]).toEqual(asked);
  });

  test('Restore all after compares puts every attribute back and leaves no frame; then holding does nothing', async () => {
    // As the popup's Restore all does it: the right-clicked image, then the batch's.
    expect(await fromPopup({ to: 'background', type: 'restore-page', tabId }, mixed, tabId)).toBe(1);
    await fromPopup({ to: 'background', type: 'batch-restore-all', tabId }, mixed, tabId);
    expect(await frames(mixed)).toBe(0);
    expect(await rowHtml(mixed)).toBe(mixedOriginal);

    await recordMutations(mixed);
    for (const sel of SELS) {
      await holding(mixed, sel, async () => {
        await sleep(700);
        expect(meanAbsDiff(await seen(mixed, sel), originals.get(sel)!).mad, sel).toBeLessThan(SAME);
      });
    }
    expect(await mutations(mixed)).toEqual([]);
    expect(await rowHtml(mixed)).toBe(mixedOriginal);
  });
});
