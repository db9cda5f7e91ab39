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
