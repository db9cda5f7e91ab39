/** Reading what a view frame (src/content/view.ts) shows: inside the extension's own frame, where it is readable. */
import type { Frame, Page } from 'puppeteer-core';
import { readImagePixels, type Rgba } from './pixels';

/** The extension frame showing the result over `selector`, if there is one. */
export async function viewFrameOf(page: Page, selector: string): Promise<Frame | undefined> {
  const handle = await page.evaluateHandle((sel) => {
    const el = document.querySelector(sel)!;
    const next = el instanceof HTMLImageElement ? el.nextElementSibling : el.firstElementChild;
    return next instanceof HTMLIFrameElement && next.hasAttribute('data-backdrop-view-frame') ? next : null;
  }, selector);
  const el = handle.asElement();
  if (!el) return undefined;
  return (await el.contentFrame()) ?? undefined;
}

/** The pixels a view frame shows, at the result's natural size (read inside the frame, where they are readable). */
export async function viewPixels(frame: Frame): Promise<Rgba> {
  await frame.waitForSelector('#shown');
  const url = await frame.$eval('#shown', (el) => (el instanceof HTMLImageElement ? el.src : /url\("?([^")]+)"?\)/.exec((el as HTMLElement).style.backgroundImage)![1]));
  return readImagePixels(frame, { url });
}
