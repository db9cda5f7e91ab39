/** What a good stylization looks like, measured against the model's own subject mask. */
import type { Page } from 'puppeteer-core';
import type { ExtensionBrowser } from './browser';
import { decodeLabels, erode, meanAbsDiff, readImagePixels, type Rgba } from './pixels';

/**
 * Subject and background regions from the model's own labels, as a job segments the photo (its aspect
 * ratio, SEG_LONG_SIDE on the long side: backdropDebug.pipelineLabels), each eroded by 1.2 % of that
 * size's long side (3 px at the official 257²), so that the refined edge between them counts in neither.
 */
export async function regions(ext: ExtensionBrowser, url: string) {
  const off = await ext.offscreen();
  const { labels: b64, width: w, height: h } = await off.evaluate((u) => globalThis.backdropDebug.pipelineLabels(u), url);
  const labels = decodeLabels(b64);
  const r = Math.max(1, Math.round((3 * Math.max(w, h)) / 257));
  return {
    subject: { mask: erode(labels, w, h, r, (l) => l !== 0), w, h },
    background: { mask: erode(labels, w, h, r, (l) => l === 0), w, h },
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
