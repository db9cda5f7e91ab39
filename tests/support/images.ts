/** Test images made at run time (none are committed): a fixture photo drawn, cover-cropped, at a wanted size. */
import type { Page } from 'puppeteer-core';

export interface ImageSpec {
  fixture: string;
  width: number;
  height: number;
}

/** A JPEG (quality 0.9) of `fixture` cover-cropped to width×height, encoded by the browser in `page` (on the fixtures' server). */
export async function makeJpeg(page: Page, spec: ImageSpec): Promise<Buffer> {
  const b64 = await page.evaluate(async ({ fixture, width, height }) => {
    const img = new Image();
    img.src = `/fixtures/${fixture}`;
    await img.decode();
    const scale = Math.max(width / img.naturalWidth, height / img.naturalHeight);
    const sw = width / scale, sh = height / scale;
    const c = document.createElement('canvas');
    c.width = width;
    c.height = height;
    c.getContext('2d')!.drawImage(img, (img.naturalWidth - sw) / 2, (img.naturalHeight - sh) / 2, sw, sh, 0, 0, width, height);
    const blob = await new Promise<Blob>((r, j) => c.toBlob((b) => (b ? r(b) : j(new Error('toBlob failed'))), 'image/jpeg', 0.9));
    const bytes = new Uint8Array(await blob.arrayBuffer());
    let s = '';
    for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    return btoa(s);
  }, spec);
  return Buffer.from(b64, 'base64');
}
