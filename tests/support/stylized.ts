/** What a good stylization looks like, measured against the model's own subject mask. */
import type { Page } from 'puppeteer-core';
import type { ExtensionBrowser } from './browser';
import { decodeLabels, erode, meanAbsDiff, readImagePixels, type Rgba } from './pixels';

/** Subject (eroded model mask) and background regions, from the model's own labels at 257². */
export async function regions(ext: ExtensionBrowser, url: string) {
  const off = await ext.offscreen();
  const labels = decodeLabels(await off.evaluate((u) => globalThis.backdropDebug.segmentLabels(u), url));
  return {
    subject: { mask: erode(labels, 257, 257, 3, (l) => l !== 0), w: 257, h: 257 },
    background: { mask: erode(labels, 257, 257, 3, (l) => l === 0), w: 257, h: 257 },
  };
}

/**
 * How far the image shown by `selector` is from its original (read from `compareUrl`, a CORS copy
 * when the page cannot read the original), over the subject and over the background.
 */
export async function stylizedDistance(ext: ExtensionBrowser, page: Page, selector: string, compareUrl: string) {
  const shown = await readImagePixels(page, { selector });
  const original = await readImagePixels(page, { url: compareUrl });
  const r = await regions(ext, compareUrl);
  return {
    shown,
    original,
    subject: meanAbsDiff(shown, original, r.subject),
    background: meanAbsDiff(shown, original, r.background),
  } satisfies { shown: Rgba; original: Rgba; subject: unknown; background: unknown };
}
