/** Pixel measurements for end-to-end assertions (run in Node on RGBA read back from the page). */
import type { Frame, Page } from 'puppeteer-core';

export interface Rgba { width: number; height: number; data: Uint8Array }

/** Reads an image's pixels at its natural size by drawing it into a canvas in the page (or frame). */
export async function readImagePixels(page: Page | Frame, how: { selector: string } | { url: string }): Promise<Rgba> {
  const res = await page.evaluate(async (how) => {
    let img: HTMLImageElement;
    if ('selector' in how) {
      img = document.querySelector(how.selector) as HTMLImageElement;
      await img.decode();
    } else {
      img = new Image();
      img.crossOrigin = 'anonymous';
      img.src = how.url;
      await img.decode();
    }
    const c = document.createElement('canvas');
    c.width = img.naturalWidth;
    c.height = img.naturalHeight;
    const ctx = c.getContext('2d')!;
    ctx.drawImage(img, 0, 0);
    const d = ctx.getImageData(0, 0, c.width, c.height).data;
    let s = '';
    for (let i = 0; i < d.length; i += 0x8000) s += String.fromCharCode(...d.subarray(i, i + 0x8000));
    return { width: c.width, height: c.height, b64: btoa(s) };
  }, how);
  return { width: res.width, height: res.height, data: new Uint8Array(Buffer.from(res.b64, 'base64')) };
}

/** Cells of a label grid whose whole (2r+1)² neighbourhood is `want(label)`: an eroded region. */
export function erode(labels: Uint8Array, w: number, h: number, r: number, want: (l: number) => boolean): Uint8Array {
  const out = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let ok = want(labels[y * w + x]);
      for (let dy = -r; ok && dy <= r; dy++) {
        for (let dx = -r; ok && dx <= r; dx++) {
          const yy = Math.min(h - 1, Math.max(0, y + dy)), xx = Math.min(w - 1, Math.max(0, x + dx));
          ok = want(labels[yy * w + xx]);
        }
      }
      out[y * w + x] = ok ? 1 : 0;
    }
  }
  return out;
}

/** Mean absolute difference (0…255, over RGB) between two images inside a region given on a grid. */
export function meanAbsDiff(a: Rgba, b: Rgba, region?: { mask: Uint8Array; w: number; h: number }): { mad: number; pixels: number } {
  if (a.width !== b.width || a.height !== b.height) throw new Error(`size differs: ${a.width}×${a.height} vs ${b.width}×${b.height}`);
  let sum = 0, n = 0;
  for (let y = 0; y < a.height; y++) {
    const gy = region ? Math.floor((y * region.h) / a.height) : 0;
    for (let x = 0; x < a.width; x++) {
      if (region && !region.mask[gy * region.w + Math.floor((x * region.w) / a.width)]) continue;
      const i = (y * a.width + x) * 4;
      sum += Math.abs(a.data[i] - b.data[i]) + Math.abs(a.data[i + 1] - b.data[i + 1]) + Math.abs(a.data[i + 2] - b.data[i + 2]);
      n++;
    }
  }
  return { mad: n ? sum / (3 * n) : NaN, pixels: n };
}

export const decodeLabels = (b64: string) => new Uint8Array(Buffer.from(b64, 'base64'));
