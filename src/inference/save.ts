/**
 * "Save stylized image" at the original's own size. A result shown in the page is capped
 * (MAX_PIXELS: the page pays for every result it drops); the file saved is not. The original is
 * decoded again at its own size (up to SAVE_MAX_SIDE / SAVE_MAX_PIXELS), and the job's layers, the
 * painted background and the refined keep-mask, a few hundred pixels a side, are stretched over it
 * as the page's composite stretches them (composite.ts): the subject's pixels are the original
 * file's, the background the same painting, only larger.
 */
import { SAVE_MAX_PIXELS, SAVE_MAX_SIDE } from '../messaging/protocol';
import { decodeImage, type DecodeSize } from './decode';
import { Stopwatch, type Layers } from './pipeline';

export const SAVE_SIZE: DecodeSize = { maxSide: SAVE_MAX_SIDE, maxPixels: SAVE_MAX_PIXELS };

export interface Rendered {
  file: Blob;
  width: number;
  height: number;
  downscaledFrom?: { width: number; height: number };
}

/**
 * The composite on a single canvas: the painted background stretched over it, cut away where the
 * subject stays, then the original drawn *behind* it (destination-over). That is the page's
 * composite's arithmetic (the background over the original) without its second full-size canvas;
 * where the keep-mask is fully 255 the original's pixels come through exactly. It may differ from
 * the two-canvas order by 1 in the soft edge (where rounding meets).
 */
export function compositeLean(original: ImageBitmap, { stylized, keep, keepTransparency }: Layers): OffscreenCanvas {
  const { width, height } = original;
  const out = new OffscreenCanvas(width, height);
  const o = out.getContext('2d')!;
  o.imageSmoothingEnabled = true;
  o.imageSmoothingQuality = 'low'; // bilinear, as composite.ts
  o.drawImage(stylized, 0, 0, width, height);
  o.globalCompositeOperation = 'destination-out';
  o.drawImage(keep, 0, 0, width, height);
  o.globalCompositeOperation = 'destination-over';
  o.drawImage(original, 0, 0);
  if (keepTransparency) {
    o.globalCompositeOperation = 'destination-in';
    o.drawImage(original, 0, 0);
  }
  return out;
}

/**
 * The original's bytes, decoded at their own size (within SAVE_SIZE), composited with the job's
 * layers, as a PNG. Peak memory: the decoded original and the composite, 4 bytes a pixel each (the
 * bitmap is closed as soon as it is drawn, the canvas let go once it is encoded), then the encoder's.
 */
export async function renderAtOriginalSize(original: Blob, layers: Layers, sw = new Stopwatch()): Promise<Rendered> {
  const { bitmap, downscaledFrom } = await decodeImage(original, SAVE_SIZE);
  sw.lap('decode');
  const { width, height } = bitmap;
  let canvas: OffscreenCanvas;
  try {
    canvas = compositeLean(bitmap, layers);
  } finally {
    bitmap.close();
  }
  sw.lap('composite');
  try {
    // The browser's own encoder: faster than png.ts at these sizes, and a smaller file (it filters
    // the rows, png.ts does not: docs/benchmark.md, "Save at the original's size"), though in a
    // hidden document it first waits for idle time (png.ts), which a save of seconds can spare.
    const file = await canvas.convertToBlob({ type: 'image/png' });
    sw.lap('encode');
    return { file, width, height, ...(downscaledFrom ? { downscaledFrom } : {}) };
  } finally {
    // Its pixels go now, not at the next garbage collection.
    canvas.width = canvas.height = 0;
  }
}
