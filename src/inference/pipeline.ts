import type { ImageSource, StylizeOptions, StylizeResult } from '../messaging/protocol';
import { composite } from './composite';
import { blobToDataUrl, encodeBmp } from './encode';
import { decodeImage, fetchImage, mayHaveAlpha } from './decode';
import { ALL_OBJECTS, keepAlpha, subjectProbability } from './mask';
import { CONTENT_SIZE, SEG_SIZE, type ModelSet } from './models';
import { floatToRgba, pixelsAt, rgbaToFloat } from './preprocess';

export interface PipelineDeps {
  models: ModelSet;
  /** The style's bottleneck, computed once and cached by the caller. */
  bottleneck(styleId: string, styleUrl: string): Promise<Float32Array>;
}

/** Records how long each stage takes, in ms. */
export class Stopwatch {
  readonly timings: Record<string, number> = {};
  private t = performance.now();
  lap(stage: string) {
    const now = performance.now();
    this.timings[stage] = (this.timings[stage] ?? 0) + (now - this.t);
    this.t = now;
  }
}

/** Segmentation input: the whole image stretched to 257², RGB in [-1, 1]. */
export const segmentationInput = (image: CanvasImageSource) => rgbaToFloat(pixelsAt(image, SEG_SIZE, SEG_SIZE), 127.5, 127.5);
/** Transfer input: the whole image stretched to 384², RGB in [0, 1] (it is stretched back after). */
export const contentInput = (image: CanvasImageSource) => rgbaToFloat(pixelsAt(image, CONTENT_SIZE, CONTENT_SIZE), 0, 255);

export function toCanvas(rgba: Uint8ClampedArray<ArrayBuffer>, w: number, h: number): OffscreenCanvas {
  const c = new OffscreenCanvas(w, h);
  c.getContext('2d')!.putImageData(new ImageData(rgba, w, h), 0, 0);
  return c;
}

/** The whole right-click path for one image: bytes in, stylized PNG out. */
export async function stylize(source: ImageSource, options: StylizeOptions, deps: PipelineDeps): Promise<StylizeResult> {
  const sw = new Stopwatch();
  const blob = await fetchImage(source);
  sw.lap('fetch');
  const { bitmap, type, downscaledFrom } = await decodeImage(blob);
  sw.lap('decode');
  try {
    const segIn = segmentationInput(bitmap);
    const contentIn = contentInput(bitmap);
    sw.lap('preprocess');
    const logits = await deps.models.segment(segIn);
    sw.lap('segmentation');
    const keep = new ImageData(keepAlpha(subjectProbability(logits, ALL_OBJECTS)), SEG_SIZE, SEG_SIZE);
    sw.lap('mask');
    const bottleneck = await deps.bottleneck(options.styleId, options.styleUrl);
    sw.lap('style');
    const styled = await deps.models.transfer(options.transferModel, contentIn, bottleneck);
    sw.lap('transfer');
    const stylized = toCanvas(floatToRgba(styled, CONTENT_SIZE * CONTENT_SIZE), CONTENT_SIZE, CONTENT_SIZE);
    const out = composite({ original: bitmap, stylized, keep, keepTransparency: mayHaveAlpha(type) });
    sw.lap('composite');
    const pixels = out.getContext('2d')!.getImageData(0, 0, out.width, out.height);
    const dataUrl = await blobToDataUrl(encodeBmp(pixels));
    sw.lap('encode');
    return { dataUrl, width: bitmap.width, height: bitmap.height, downscaledFrom, timings: sw.timings };
  } finally {
    bitmap.close();
  }
}
