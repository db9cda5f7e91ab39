/**
 * Compositing at the image's own resolution, done by the browser's canvas (native code, GPU where
 * there is one) rather than a per-pixel JavaScript loop: the subject comes from the original
 * untouched, the background from the stylized image upscaled, masked at full resolution by the
 * keep-mask refined with the photo as the guide (refine.ts), upscaled bilinearly.
 */
import { fitWithin, pixelsAt } from './preprocess';
import { keepRegion, type KeepRegion } from './pick';
import { REFINE_DEFAULTS, refineKeep, type RefineOptions } from './refine';
import { gpuFailed, gpuRefiner, type RefinePath } from './refine-path';
import { probe } from '../test-hooks/probe';

/**
 * The long side the keep-mask is refined at (the fast guided filter's subsampling); the canvas upscales
 * it. The same on both paths, GPU or CPU: a larger working size did not improve the mask's measured
 * quality (docs/benchmark.md, "After part 1"), and one size means a user's mask does not depend on
 * whether their browser has a GPU.
 */
export const REFINE_SIDE = 400;

export interface CompositeInput {
  original: ImageBitmap;
  /** The stylized image at the model's resolution (e.g. 384²), covering the whole original. */
  stylized: OffscreenCanvas | ImageBitmap;
  /** Keep-alpha (255 where the original is kept), at any resolution: it is stretched over the whole image. */
  keep: OffscreenCanvas | ImageBitmap;
  /** Whether the original can hold transparency (PNG, WebP, GIF…): then its alpha is kept too. */
  keepTransparency: boolean;
}

/** A canvas holding a keep-alpha ImageData. */
export function maskCanvas(keep: ImageData): OffscreenCanvas {
  const raw = new OffscreenCanvas(keep.width, keep.height);
  raw.getContext('2d')!.putImageData(keep, 0, 0);
  return raw;
}

/** The keep-mask side the refinement's radius was tuned at (REFINE_DEFAULTS). */
const TUNED_MASK_SIDE = 257;

/**
 * The filter's radius, as a share of the diagonal, for a keep-mask `maskLong` pixels on its long
 * side: the tuned share at 257 (REFINE_DEFAULTS), less in proportion for a finer mask, so that the window stays about
 * as many of the mask's 8-pixel cells wide. A window as wide as at 257 averages the thin parts a finer
 * mask found (a raised arm two or three cells wide) back under the ramp: on the fixtures, a 769 px
 * mask kept 14 % of the dancer's raised arm with the radius tuned at 257 then (3 %), 74 % with it scaled
 * down (docs/benchmark.md, "Thin parts").
 */
export const refineShareFor = (maskLong: number) => REFINE_DEFAULTS.radiusShare * Math.min(1, TUNED_MASK_SIDE / maskLong);

/** Which path and working size a refinement uses; by default, the path refine-path.ts chose and REFINE_SIDE. */
export interface RefineHow {
  path?: RefinePath;
  /** The working size's long side. */
  side?: number;
}

/**
 * The keep-mask at the segmentation's resolution, upscaled (bilinear, clamped at the frame: no
 * "outside the picture" is pulled in) to the working size, at most REFINE_SIDE on the long side, and
 * refined there with the photo, scaled to the same size, as the guide (the radius from the mask's own
 * resolution: refineShareFor): on the GPU where this document has one (refine-gl.ts), else on the CPU
 * (refine.ts). A GPU that fails hands this refinement, and every later one, to the CPU. With
 * `region`, only the object holding its point stays (cut here, on the mask at the working size), or,
 * inverted, all but it.
 */
export function refinedKeep(original: ImageBitmap, keep: ImageData, region?: KeepRegion, options?: RefineOptions, how: RefineHow = {}): OffscreenCanvas {
  options = { radiusShare: refineShareFor(Math.max(keep.width, keep.height)), ...options };
  const gl = how.path === 'cpu' ? undefined : gpuRefiner();
  if (how.path === 'gpu' && !gl) throw new Error('no GPU path in this document');
  const side = Math.min(how.side ?? REFINE_SIDE, gl?.maxSide ?? Infinity);
  const { width: w, height: h } = fitWithin(original.width, original.height, side);
  const mask = new OffscreenCanvas(w, h);
  const m = mask.getContext('2d', { willReadFrequently: !gl })!;
  m.imageSmoothingQuality = 'low';
  m.drawImage(maskCanvas(keep), 0, 0, w, h);
  // The CPU filters the mask's bytes; the GPU reads the canvas itself, and needs the bytes only for the cut.
  const coarse = !gl || region ? m.getImageData(0, 0, w, h) : undefined;
  if (region && coarse) {
    keepRegion(coarse.data, w, h, region.point);
    if (region.invert) for (let i = 3; i < coarse.data.length; i += 4) coarse.data[i] = 255 - coarse.data[i];
    if (gl) m.putImageData(coarse, 0, 0);
  }
  if (gl) {
    try {
      const out = gl.refine(drawnAt(original, w, h), mask, w, h, options);
      if (import.meta.env.MODE === 'test') probe.refine.last = { path: 'gpu', width: w, height: h };
      return out;
    } catch (e) {
      gpuFailed(e);
      if (how.path === 'gpu') throw e;
      return refinedKeep(original, keep, region, options, { ...how, path: 'cpu' });
    }
  }
  const out = new OffscreenCanvas(w, h);
  out.getContext('2d')!.putImageData(new ImageData(refineKeep(pixelsAt(original, w, h), coarse!.data, w, h, options), w, h), 0, 0);
  if (import.meta.env.MODE === 'test') probe.refine.last = { path: 'cpu', width: w, height: h };
  return out;
}

/** The photo drawn at w×h as pixelsAt draws the CPU path's guide (the same smoothing), kept as a canvas for upload. */
function drawnAt(image: CanvasImageSource, w: number, h: number): OffscreenCanvas {
  const c = new OffscreenCanvas(w, h);
  const ctx = c.getContext('2d')!;
  ctx.imageSmoothingQuality = 'medium';
  ctx.drawImage(image, 0, 0, w, h);
  return c;
}

/**
 * The background is the stylized image upscaled to full resolution, made transparent over the
 * subject by the keep-mask upscaled likewise; it is drawn over the original as it is. Where the
 * background is fully transparent the original's pixels stay exactly as they were; the mask's
 * ramp is the soft edge.
 */
export function composite({ original, stylized, keep, keepTransparency }: CompositeInput): OffscreenCanvas {
  const { width, height } = original;

  const background = new OffscreenCanvas(width, height);
  const b = background.getContext('2d')!;
  // Bilinear: on a painted texture the bicubic filter ('high') is hard to tell apart, and costs
  // ~6 ms more at 1280×960 here.
  b.imageSmoothingEnabled = true;
  b.imageSmoothingQuality = 'low';
  b.drawImage(stylized, 0, 0, width, height);
  b.globalCompositeOperation = 'destination-out';
  b.drawImage(keep, 0, 0, width, height);

  const out = new OffscreenCanvas(width, height);
  const o = out.getContext('2d')!;
  o.drawImage(original, 0, 0);
  o.drawImage(background, 0, 0);
  if (keepTransparency) {
    o.globalCompositeOperation = 'destination-in';
    o.drawImage(original, 0, 0);
  }
  return out;
}
