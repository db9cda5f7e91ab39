/** Style bottlenecks from the library: computed once by the prediction model, reused forever. */
import { decodeImage, fetchImage, JobFailure } from '../inference/decode';
import { PREDICTION_SHA256, type ModelSet } from '../inference/models';
import { predictBottleneck } from '../inference/style';
import { canvasToPng } from '../inference/png';
import type { ImageSource, StyleOriginWire } from '../messaging/protocol';
import { reusableBottleneck, type StyleOrigin, type StyleRecord } from '../library/record';
import { getStyle, putStyle, touchStyle } from '../library/store';
import { builtinStyle } from '../styles/builtins';

/** The image scaled to fit `maxSide`, as PNG (canvas encoders wait for idle time in a hidden document). */
async function scaled(image: ImageBitmap, maxSide: number): Promise<Blob> {
  const s = Math.min(1, maxSide / Math.max(image.width, image.height));
  const c = new OffscreenCanvas(Math.max(1, Math.round(image.width * s)), Math.max(1, Math.round(image.height * s)));
  const ctx = c.getContext('2d')!;
  ctx.imageSmoothingQuality = 'high';
  ctx.drawImage(image, 0, 0, c.width, c.height);
  return canvasToPng(c);
}

export class StyleService {
  constructor(private extensionUrl: (path: string) => string) {}

  /** The style's bottleneck: from the library when it was made by the installed model, else predicted and stored. */
  async bottleneck(models: ModelSet, styleId: string): Promise<Float32Array> {
    const rec = await getStyle(styleId);
    const cached = reusableBottleneck(rec, PREDICTION_SHA256);
    if (cached) {
      void touchStyle(styleId);
      return cached;
    }
    // Missing, or made by another model: recompute, never reuse silently.
    const { image, origin, name } = await this.styleImage(styleId, rec);
    try {
      const b = await predictBottleneck(models, image);
      await putStyle({
        id: styleId, name, origin,
        thumbnail: rec?.thumbnail ?? await scaled(image, 160),
        image: rec?.image,
        bottleneck: Array.from(b),
        modelSha256: PREDICTION_SHA256,
        createdAt: rec?.createdAt ?? Date.now(),
        lastUsedAt: Date.now(),
      });
      return b;
    } finally {
      image.close();
    }
  }

  private async styleImage(styleId: string, rec?: StyleRecord): Promise<{ image: ImageBitmap; origin: StyleOrigin; name: string }> {
    const builtin = builtinStyle(styleId);
    if (builtin) {
      const { blob } = await fetchImage({ kind: 'url', url: this.extensionUrl(builtin.path) });
      return { image: await createImageBitmap(blob), origin: { kind: 'builtin', path: builtin.path }, name: builtin.id };
    }
    if (!rec) throw new JobFailure('internal', 'errStyleGone');
    const blob = rec.image ?? (rec.origin.kind === 'url' ? (await fetchImage({ kind: 'url', url: rec.origin.url })).blob : undefined);
    if (!blob) throw new JobFailure('internal', 'errStyleNoImage', rec.name);
    return { image: (await decodeImage(blob)).bitmap, origin: rec.origin, name: rec.name };
  }

  /** Adds an image (from the web or a file) to the library as a new style. */
  async add(models: ModelSet, source: ImageSource, name: string, origin: StyleOriginWire): Promise<{ id: string; name: string }> {
    const { bitmap } = await decodeImage((await fetchImage(source)).blob);
    try {
      const bottleneck = await predictBottleneck(models, bitmap);
      const now = Date.now();
      const id = `user:${crypto.randomUUID()}`;
      // The service worker always names it (in the person's language when the image names nothing).
      const clean = name.trim().slice(0, 80);
      await putStyle({
        id, name: clean, origin,
        thumbnail: await scaled(bitmap, 160),
        image: await scaled(bitmap, 512),
        bottleneck: Array.from(bottleneck),
        modelSha256: PREDICTION_SHA256,
        createdAt: now,
        lastUsedAt: now,
      });
      return { id, name: clean };
    } finally {
      bitmap.close();
    }
  }
}
