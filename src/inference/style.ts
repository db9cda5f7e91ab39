import { bilinearResize, centerSquare, pixelsAt, rgbaToFloat } from './preprocess';
import { BOTTLENECK, STYLE_SIZE, type ModelSet } from './models';

/**
 * A style image → the prediction model's input: the official sample's centre crop to a square,
 * then a plain bilinear resize to 256², then [0,1]. The crop is read at full resolution once (a
 * style image is small and this runs once per style, never per stylization).
 */
export function styleInput(image: ImageBitmap): Float32Array {
  const crop = centerSquare(image.width, image.height);
  const full = pixelsAt(image, crop.width, crop.height, crop, 'low');
  const small = bilinearResize(full, crop.width, { x: 0, y: 0, width: crop.width, height: crop.height }, STYLE_SIZE, STYLE_SIZE);
  return rgbaToFloat(small, 0, 255);
}

export async function predictBottleneck(models: ModelSet, image: ImageBitmap): Promise<Float32Array> {
  const b = await models.predict(styleInput(image));
  if (b.length !== BOTTLENECK || !b.every(Number.isFinite)) throw new Error('The style model returned an invalid bottleneck.');
  return b;
}

/** b = Σ wᵢ·bᵢ: used for mixing two styles and for the strength blend with the content's own bottleneck. */
export function weightedSum(parts: { b: ArrayLike<number>; w: number }[]): Float32Array {
  const out = new Float32Array(BOTTLENECK);
  for (const { b, w } of parts) for (let i = 0; i < BOTTLENECK; i++) out[i] += w * b[i];
  return out;
}

/**
 * The bottleneck that paints: an optional mix of two styles (ratio = share of the first), then
 * Magenta's strength blend b = s·b_style + (1−s)·b_content.
 */
export function paintBottleneck(
  style: ArrayLike<number>, opts: { mix?: ArrayLike<number>; mixRatio?: number; strength?: number; content?: ArrayLike<number> },
): Float32Array {
  const clamp = (x: number) => Math.min(1, Math.max(0, x));
  const r = opts.mix ? clamp(opts.mixRatio ?? 0.5) : 1;
  const styled = opts.mix ? weightedSum([{ b: style, w: r }, { b: opts.mix, w: 1 - r }]) : Float32Array.from(style);
  const s = clamp(opts.strength ?? 1);
  if (s === 1 || !opts.content) return styled;
  return weightedSum([{ b: styled, w: s }, { b: opts.content, w: 1 - s }]);
}
