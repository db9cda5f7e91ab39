/**
 * The popup as a person sees it, light and dark, at its real size (its own width, in a page sized like
 * the browser's popup: Chrome and Firefox cap one at 800×600): nothing overlaps, every control is
 * visible and reached by Tab with a visible focus ring, every style tile is named, dark mode is dark
 * and its text readable. The screenshots in docs/screenshots/ are taken here (`npm run screenshots`).
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Page } from 'puppeteer-core';
import { launchWithExtension, type ExtensionBrowser } from '../support/browser';
import { BROWSER } from '../support/paths';
import { readImagePixels } from '../support/pixels';
import { keepScreenshot } from '../support/screenshots';
import { startServer, type TestServer } from '../support/server';

type Scheme = 'light' | 'dark';

let site: TestServer;
const browsers: Partial<Record<Scheme, ExtensionBrowser>> = {};

beforeAll(async () => {
  site = await startServer(undefined, async (p) => (p === '/plain.html' ? { type: 'text/html', body: '<!doctype html><title>plain</title><p>A page.</p>' } : undefined));
});

afterAll(async () => {
  for (const b of Object.values(browsers)) await b?.close();
  await site?.close();
});

/**
 * A browser showing pages in `scheme`. Chromium emulates the media feature per page; WebDriver BiDi
 * cannot, so Firefox is launched with the colour scheme it gives web content set by pref.
 */
async function browserFor(scheme: Scheme): Promise<ExtensionBrowser> {
  if (BROWSER === 'chromium') return (browsers.light ??= await launchWithExtension());
  return (browsers[scheme] ??= await launchWithExtension(undefined, [], {
    // 0 dark, 1 light.
    'layout.css.prefers-color-scheme.content-override': scheme === 'dark' ? 0 : 1,
    'ui.systemUsesDarkTheme': scheme === 'dark' ? 1 : 0,
  }));
}

/** The popup for a web page's tab, in `scheme`, sized as the browser's popup would be. */
async function openPopup(scheme: Scheme): Promise<Page> {
  const ext = await browserFor(scheme);
  const page = await ext.browser.newPage();
  await page.goto(`${site.origin}/plain.html`);
  const tabId = await ext.tabId(page);
  const popup = await ext.openPage(`/popup.html?tab=${tabId}`);
  if (BROWSER === 'chromium') await popup.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: scheme }]);
  await popup.waitForSelector('[role="radio"]');
  // The batch panel (it asks the page's tab) and the tiles' thumbnails, before anything is measured.
  await popup.waitForSelector('[data-batch-panel]');
  await popup.waitForFunction(() => [...document.images].every((i) => i.complete));
  expect(await popup.evaluate(() => matchMedia('(prefers-color-scheme: dark)').matches)).toBe(scheme === 'dark');
  const width = await popup.evaluate(() => Math.ceil(document.body.getBoundingClientRect().width));
  const height = await popup.evaluate(() => Math.min(600, Math.ceil(document.documentElement.scrollHeight)));
  await popup.setViewport({ width, height });
  await popup.bringToFront();
  return popup;
}

/** Boxes that must not overlap one another: headings, the drop zone, captions and hints, summaries. */
function overlaps(page: Page) {
  return page.evaluate(() => {
    const els = [...document.querySelectorAll<HTMLElement>('h1, h2, legend, p, .hint, .caption, .drop, summary')]
      .filter((e) => e.getClientRects().length > 0);
    const name = (e: HTMLElement) => `${e.tagName.toLowerCase()}${e.className ? `.${e.className.split(' ')[0]}` : ''} "${(e.textContent ?? '').trim().slice(0, 30)}"`;
    const found: string[] = [];
    for (let i = 0; i < els.length; i++) {
      for (let j = i + 1; j < els.length; j++) {
        const [a, b] = [els[i], els[j]];
        if (a.contains(b) || b.contains(a)) continue;
        const [r, s] = [a.getBoundingClientRect(), b.getBoundingClientRect()];
        const w = Math.min(r.right, s.right) - Math.max(r.left, s.left);
        const h = Math.min(r.bottom, s.bottom) - Math.max(r.top, s.top);
        if (w > 0.5 && h > 0.5) found.push(`${name(a)} overlaps ${name(b)} by ${w.toFixed(0)}×${h.toFixed(0)} px`);
      }
    }
    return found;
  });
}

/**
 * Marks every control a person may operate (disabled ones are exempt) with `data-ctl`, grouped as the
 * keyboard reaches them: a radio group, native or not, is one Tab stop (arrow keys move within it).
 */
function markControls(page: Page) {
  return page.evaluate(() => {
    const groups: Record<string, string> = {};
    const controls = [...document.querySelectorAll<HTMLElement>('button, input, select, textarea, summary, a[href], [tabindex]')]
      .filter((e) => !(e as HTMLInputElement).disabled && !e.closest('details:not([open]) > :not(summary)'));
    controls.forEach((e, i) => {
      const input = e as HTMLInputElement;
      const group = input.type === 'radio' ? `radios "${input.name}"`
        : e.getAttribute('role') === 'radio' ? `radiogroup "${e.closest('[role="radiogroup"]')?.getAttribute('aria-label')}"`
          : `${e.tagName.toLowerCase()}${input.type ? `[${input.type}]` : ''} "${(e.getAttribute('aria-label') ?? e.closest('label')?.textContent ?? e.textContent ?? input.name ?? '').trim().slice(0, 40)}" #${i}`;
      e.dataset.ctl = group;
      groups[group] = group;
    });
    return Object.keys(groups);
  });
}

interface Stop { ctl?: string; visible: boolean; ring: boolean; where: string }

/** What has the keyboard focus now: its group, whether it is visible, and whether a focus ring shows. */
function focused(page: Page): Promise<Stop | undefined> {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el || el === document.body) return undefined;
    // A visually hidden input (a file input behind its drop zone) shows through its label.
    const tiny = el.getBoundingClientRect().width < 4 || el.getBoundingClientRect().height < 4;
    const box = (tiny ? el.closest('label') : el) as HTMLElement | null;
    if (!box) return { ctl: el.dataset.ctl, visible: false, ring: false, where: 'no visible box' };
    const r = box.getBoundingClientRect();
    const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    const visible = r.width > 0 && r.height > 0 && r.left >= 0 && r.right <= innerWidth + 0.5 && r.top >= 0 && r.bottom <= innerHeight + 0.5
      && hit !== null && (box.contains(hit) || hit.contains(box));
    const ringOf = (e: HTMLElement) => {
      const s = getComputedStyle(e);
      return (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 1) || s.boxShadow !== 'none';
    };
    return { ctl: el.dataset.ctl, visible, ring: el.matches(':focus-visible') && ringOf(tiny ? box : el), where: `${r.left.toFixed(0)},${r.top.toFixed(0)} ${r.width.toFixed(0)}×${r.height.toFixed(0)}` };
  });
}

/**
 * Walks the popup with Tab alone, opening the Advanced section with Enter when focus reaches its
 * summary, and returns every stop in order.
 */
async function tabWalk(page: Page): Promise<Stop[]> {
  const stops: Stop[] = [];
  for (let i = 0; i < 120; i++) {
    await page.keyboard.press('Tab');
    const now = await focused(page);
    if (!now) {
      if (stops.length) break; // past the last control
      continue;
    }
    if (stops.length && now.ctl === stops[0].ctl) break; // around again
    stops.push(now);
    const closedSummary = await page.evaluate(() => {
      const el = document.activeElement;
      return el?.tagName === 'SUMMARY' && !(el.parentElement as HTMLDetailsElement).open;
    });
    if (closedSummary) {
      await page.keyboard.press('Enter');
      await page.waitForFunction(() => (document.activeElement?.parentElement as HTMLDetailsElement).open);
      await markControls(page); // its controls are reachable now
    }
  }
  return stops;
}

/** WCAG contrast of every piece of text against what is behind it, composited up the tree. */
function textContrasts(page: Page) {
  return page.evaluate(() => {
    const parse = (c: string): [number, number, number, number] => {
      const m = c.match(/rgba?\(([^)]+)\)/);
      if (!m) throw new Error(`colour not in rgb(): ${c}`);
      const [r, g, b, a = '1'] = m[1].split(/[,\s/]+/).filter(Boolean);
      return [Number(r), Number(g), Number(b), Number(a)];
    };
    const over = (top: [number, number, number, number], under: [number, number, number]): [number, number, number] =>
      [0, 1, 2].map((i) => top[i] * top[3] + under[i] * (1 - top[3])) as [number, number, number];
    const lum = ([r, g, b]: [number, number, number]) => {
      const f = (c: number) => ((c /= 255) <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
      return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
    };
    /** The colour behind an element: its ancestors' backgrounds, from the root down, over the canvas. */
    const behind = (el: Element): [number, number, number] => {
      const chain: Element[] = [];
      for (let e: Element | null = el; e; e = e.parentElement) chain.unshift(e);
      const dark = matchMedia('(prefers-color-scheme: dark)').matches;
      let c: [number, number, number] = dark ? [0, 0, 0] : [255, 255, 255];
      for (const e of chain) c = over(parse(getComputedStyle(e).backgroundColor), c);
      return c;
    };
    const texts = [...document.querySelectorAll<HTMLElement>('body *')].filter((e) =>
      e.getClientRects().length > 0 && getComputedStyle(e).visibility === 'visible'
      && !e.closest(':disabled, option, [hidden]')
      && ([...e.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && n.textContent!.trim()) || e.tagName === 'SELECT'));
    return texts.map((e) => {
      const bg = behind(e);
      const fg = over(parse(getComputedStyle(e).color), bg);
      const [a, b] = [lum(fg), lum(bg)];
      return { text: (e.tagName === 'SELECT' ? (e as HTMLSelectElement).selectedOptions[0]?.text ?? '' : e.textContent ?? '').trim().slice(0, 40), ratio: (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05) };
    });
  });
}

/** The median luminance (0…1) of the popup's pixels, from a screenshot. */
async function medianLuminance(page: Page) {
  const shot = await page.screenshot({ encoding: 'base64' });
  const px = await readImagePixels(page, { url: `data:image/png;base64,${shot}` });
  const lums: number[] = [];
  for (let i = 0; i < px.data.length; i += 4) lums.push((0.2126 * px.data[i] + 0.7152 * px.data[i + 1] + 0.0722 * px.data[i + 2]) / 255);
  lums.sort((a, b) => a - b);
  return lums[lums.length >> 1];
}

describe.each(['light', 'dark'] as const)('the popup, %s', (scheme) => {
  let popup: Page;

  beforeAll(async () => {
    popup = await openPopup(scheme);
  });

  afterAll(async () => {
    await popup?.close();
  });

  test('headings, the drop zone and the captions do not overlap, and nothing spills sideways', async () => {
    await popup.evaluate(() => document.querySelectorAll('details').forEach((d) => { d.open = true; }));
    expect(await overlaps(popup)).toEqual([]);
    expect(await popup.evaluate(() => document.documentElement.scrollWidth <= innerWidth)).toBe(true);
    await keepScreenshot(popup, `popup-${scheme}`, { fullPage: true });
    await popup.evaluate(() => document.querySelectorAll('details').forEach((d) => { d.open = false; }));
  });

  test('every style tile is named: its accessible label and its tooltip are the style\'s name', async () => {
    const tiles = await popup.$$eval('[role="radio"]', (els) => els.map((e) => ({ label: e.getAttribute('aria-label'), title: e.getAttribute('title') })));
    expect(tiles.length).toBeGreaterThanOrEqual(26);
    for (const t of tiles) {
      expect(t.label?.trim()).toBeTruthy();
      expect(t.title).toBe(t.label);
    }
  });

  test('Tab alone reaches every control, each visible with a focus ring', async () => {
    const groups = await markControls(popup);
    const stops = await tabWalk(popup);
    const reached = new Set(stops.map((s) => s.ctl));
    // Marked again once Advanced opened: its controls count too.
    const all = await popup.evaluate(() => [...new Set([...document.querySelectorAll<HTMLElement>('[data-ctl]')].map((e) => e.dataset.ctl!))]);
    expect(all.length).toBeGreaterThan(groups.length);
    expect(all.filter((g) => !reached.has(g)), 'controls Tab never reached').toEqual([]);
    for (const s of stops) {
      expect(s.visible, `${s.ctl} visible when focused (${s.where})`).toBe(true);
      expect(s.ring, `${s.ctl} shows a focus ring`).toBe(true);
    }
    // The file inputs among them: a style from a file, and importing a library.
    expect(all.filter((g) => g.startsWith('input[file]')).length).toBe(2);
  });

  test(`${scheme} mode is ${scheme}, and all text reads at WCAG AA (4.5:1) or better`, async () => {
    await popup.evaluate(() => document.querySelectorAll('details').forEach((d) => { d.open = true; }));
    const median = await medianLuminance(popup);
    console.log(`${scheme}: median luminance ${median.toFixed(2)}`);
    if (scheme === 'dark') expect(median).toBeLessThan(0.2);
    else expect(median).toBeGreaterThan(0.8);
    const texts = await textContrasts(popup);
    expect(texts.length).toBeGreaterThan(20);
    const low = texts.filter((t) => t.ratio < 4.5).map((t) => `"${t.text}" ${t.ratio.toFixed(2)}:1`);
    expect(low, 'text below 4.5:1').toEqual([]);
  });
});
