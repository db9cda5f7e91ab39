/**
 * A small debug surface on the offscreen document's globalThis, so the end-to-end tests and the
 * benchmark can run the real bundled code (under the extension's CSP) stage by stage.
 */
import { argmaxLabels } from '../inference/mask';
import { CONTENT_SIZE, SEG_SIZE, modelRuns } from '../inference/models';
import { centerSquare, floatToRgba, pixelsAt, rgbaToFloat } from '../inference/preprocess';
import { predictBottleneck } from '../inference/style';
import type { InferenceHost } from './host';

async function bitmapOf(url: string) {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  return createImageBitmap(await res.blob());
}

const toBase64 = (bytes: Uint8Array | Uint8ClampedArray) => {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
};

export function debugApi(host: InferenceHost) {
  return {
    modelRuns,
    info: () => host.info(),
    log: () => host.log.slice(-200),
    lastTimings: () => host.lastTimings,
    /** DeepLab argmax labels at 257² for an image (resized to 257² as the pipeline does). */
    async segmentLabels(url: string, threads = 0) {
      const models = await host.getModels(threads);
      const image = await bitmapOf(url);
      const input = rgbaToFloat(pixelsAt(image, SEG_SIZE, SEG_SIZE), 127.5, 127.5);
      return toBase64(argmaxLabels(await models.segment(input)));
    },
    /**
     * The official sample's path: centre crop, plain bilinear resize (canvas 'low' is bilinear without
     * mipmaps), predict + transfer, output truncated to bytes as Android's Bitmap conversion does.
     * Returns RGBA base64 at 384².
     */
    async stylizeOfficial(contentUrl: string, styleUrl: string, kind: 'int8' | 'fp16', threads = 0) {
      const models = await host.getModels(threads);
      const bottleneck = await predictBottleneck(models, await bitmapOf(styleUrl));
      const content = await bitmapOf(contentUrl);
      const crop = centerSquare(content.width, content.height);
      const input = rgbaToFloat(pixelsAt(content, CONTENT_SIZE, CONTENT_SIZE, crop, 'low'), 0, 255);
      const out = await models.transfer(kind, input, bottleneck);
      return toBase64(floatToRgba(out, CONTENT_SIZE * CONTENT_SIZE, 0));
    },
    /** Bottleneck of a style image, as plain numbers. */
    async bottleneck(styleUrl: string, threads = 0) {
      const models = await host.getModels(threads);
      return Array.from(await predictBottleneck(models, await bitmapOf(styleUrl)));
    },
  };
}
