/**
 * Compositing at the image's own resolution, done by the browser's canvas (native code, GPU where
 * there is one) rather than a per-pixel JavaScript loop: the subject comes from the original
 * untouched, the background from the stylized image upscaled, the low-resolution mask upscaled
 * bilinearly and feathered so the edge is soft without a halo.
 */

/** Feather radius in mask pixels: about 0.8 px at 257, i.e. a few px at full resolution. */
export const FEATHER_MASK_PX = 0.8;

export interface CompositeInput {
  original: ImageBitmap;
  /** The stylized image at the model's resolution (e.g. 384²), covering the whole original. */
  stylized: CanvasImageSource;
  /** Keep-alpha at the mask's resolution: 255 where the original is kept. */
  keep: ImageData;
  /** Whether the original can hold transparency (PNG, WebP, GIF…): then its alpha is kept too. */
  keepTransparency: boolean;
}

export function maskCanvas(keep: ImageData, feather = FEATHER_MASK_PX): OffscreenCanvas {
  const raw = new OffscreenCanvas(keep.width, keep.height);
  raw.getContext('2d')!.putImageData(keep, 0, 0);
  if (feather <= 0) return raw;
  const soft = new OffscreenCanvas(keep.width, keep.height);
  const ctx = soft.getContext('2d')!;
  ctx.filter = `blur(${feather}px)`;
  ctx.drawImage(raw, 0, 0);
  return soft;
}

export function composite({ original, stylized, keep, keepTransparency }: CompositeInput): OffscreenCanvas {
  const { width, height } = original;
  const mask = maskCanvas(keep);

  // The kept part of the original: the original with the upscaled mask as its alpha.
  const kept = new OffscreenCanvas(width, height);
  const k = kept.getContext('2d')!;
  k.drawImage(original, 0, 0);
  k.globalCompositeOperation = 'destination-in';
  k.imageSmoothingEnabled = true;
  k.imageSmoothingQuality = 'low'; // bilinear: a smooth ramp between mask pixels
  k.drawImage(mask, 0, 0, width, height);

  const out = new OffscreenCanvas(width, height);
  const o = out.getContext('2d')!;
  o.imageSmoothingEnabled = true;
  o.imageSmoothingQuality = 'high';
  o.drawImage(stylized, 0, 0, width, height);
  o.drawImage(kept, 0, 0);
  if (keepTransparency) {
    o.globalCompositeOperation = 'destination-in';
    o.drawImage(original, 0, 0);
  }
  return out;
}
