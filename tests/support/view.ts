/** Reading what a view frame (src/content/view.ts) shows: inside the extension's own frame, where it is readable. */
import type { Frame, Page } from 'puppeteer-core';
import type { Rgba } from './pixels';

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

/** The pixels a view frame shows, at the result's natural size. */
export async function viewPixels(frame: Frame): Promise<Rgba> {
  await frame.waitForSelector('#shown');
  const res = await frame.evaluate(async () => {
    const shown = document.getElementById('shown')!;
    const img = shown instanceof HTMLImageElement ? shown : Object.assign(new Image(), { src: /url\("?([^")]+)"?\)/.exec(shown.style.backgroundImage)![1] });
    await img.decode();
    const c = new OffscreenCanvas(img.naturalWidth, img.naturalHeight);
    const ctx = c.getContext('2d')!;
    ctx.drawImage(img, 0, 0);
    const d = ctx.getImageData(0, 0, c.width, c.height).data;
    let s = '';
    for (let i = 0; i < d.length; i += 0x8000) s += String.fromCharCode(...d.subarray(i, i + 0x8000));
    return { width: c.width, height: c.height, b64: btoa(s) };
  });
  return { width: res.width, height: res.height, data: new Uint8Array(Buffer.from(res.b64, 'base64')) };
}
