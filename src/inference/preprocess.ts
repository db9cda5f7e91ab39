/** Model input preparation: pure functions over RGBA pixels, plus small canvas helpers. */

export interface Rect { x: number; y: number; width: number; height: number }

/** The centred square crop the official Android samples take before resizing. */
export function centerSquare(width: number, height: number): Rect {
  const side = Math.min(width, height);
  return { x: Math.floor((width - side) / 2), y: Math.floor((height - side) / 2), width: side, height: side };
}

/**
 * RGBA bytes → float32 RGB in HWC order, each channel mapped to (v - mean) / std.
 * DeepLab wants mean = std = 127.5 ([-1, 1]); Magenta wants mean 0, std 255 ([0, 1]).
 */
export function rgbaToFloat(rgba: Uint8ClampedArray | Uint8Array, mean: number, std: number): Float32Array {
  const n = rgba.length >> 2;
  const out = new Float32Array(n * 3);
  const scale = 1 / std;
  for (let i = 0, j = 0; i < n; i++, j += 3) {
    const k = i << 2;
    out[j] = (rgba[k] - mean) * scale;
    out[j + 1] = (rgba[k + 1] - mean) * scale;
    out[j + 2] = (rgba[k + 2] - mean) * scale;
  }
  return out;
}

/**
 * Float RGB in [0,1] (HWC) → opaque RGBA bytes, rounding to nearest. `bias` 0 truncates instead,
 * as the official Android sample's float-to-Bitmap conversion does. One 32-bit store per pixel
 * (RGBA bytes in memory are the little-endian word 0xAABBGGRR).
 */
export function floatToRgba(rgb: Float32Array, pixels: number, bias = 0.5): Uint8ClampedArray<ArrayBuffer> {
  const out = new Uint8ClampedArray(pixels * 4);
  const words = new Uint32Array(out.buffer);
  const byte = (v: number) => {
    const b = v * 255 + bias;
    return b >= 255 ? 255 : b > 0 ? b | 0 : 0; // NaN → 0, as a clamped store would
  };
  for (let i = 0, j = 0; i < pixels; i++, j += 3) {
    words[i] = (0xff000000 | (byte(rgb[j + 2]) << 16) | (byte(rgb[j + 1]) << 8) | byte(rgb[j])) >>> 0;
  }
  return out;
}

/**
 * Bilinear resize of an RGBA region without antialiasing, sampling at pixel centres — what
 * Android's `Bitmap.createScaledBitmap(..., filter = true)` does. Used where fidelity to the
 * official samples matters (style images at 256², and the golden tests); small outputs only.
 */
export function bilinearResize(
  src: Uint8ClampedArray | Uint8Array, srcWidth: number, crop: Rect, outW: number, outH: number,
): Uint8ClampedArray<ArrayBuffer> {
  const out = new Uint8ClampedArray(outW * outH * 4);
  const sx = crop.width / outW, sy = crop.height / outH;
  const maxX = crop.width - 1, maxY = crop.height - 1;
  for (let y = 0; y < outH; y++) {
    const fy = Math.min(Math.max((y + 0.5) * sy - 0.5, 0), maxY);
    const y0 = Math.floor(fy), y1 = Math.min(y0 + 1, maxY), wy = fy - y0;
    const row0 = (crop.y + y0) * srcWidth, row1 = (crop.y + y1) * srcWidth;
    for (let x = 0; x < outW; x++) {
      const fx = Math.min(Math.max((x + 0.5) * sx - 0.5, 0), maxX);
      const x0 = Math.floor(fx), x1 = Math.min(x0 + 1, maxX), wx = fx - x0;
      const a = (row0 + crop.x + x0) << 2, b = (row0 + crop.x + x1) << 2;
      const c = (row1 + crop.x + x0) << 2, d = (row1 + crop.x + x1) << 2;
      const o = (y * outW + x) << 2;
      for (let ch = 0; ch < 4; ch++) {
        const top = src[a + ch] + (src[b + ch] - src[a + ch]) * wx;
        const bot = src[c + ch] + (src[d + ch] - src[c + ch]) * wx;
        out[o + ch] = top + (bot - top) * wy; // Uint8ClampedArray rounds to nearest
      }
    }
  }
  return out;
}

/**
 * Size to process an image at: the original, or scaled down (keeping its aspect) so its long side
 * fits `maxSide` and its area `maxPixels`.
 */
export function fitWithin(width: number, height: number, maxSide: number, maxPixels = Infinity): { width: number; height: number; scaled: boolean } {
  const s = Math.min(maxSide / Math.max(width, height), Math.sqrt(maxPixels / (width * height)));
  if (s >= 1) return { width, height, scaled: false };
  return { width: Math.max(1, Math.floor(width * s)), height: Math.max(1, Math.floor(height * s)), scaled: true };
}

type Drawable = CanvasImageSource;

/** Draws (a region of) an image into a w×h canvas and returns its RGBA pixels. */
export function pixelsAt(image: Drawable, w: number, h: number, crop?: Rect, quality: ImageSmoothingQuality = 'medium'): Uint8ClampedArray {
  const canvas = new OffscreenCanvas(w, h);
  const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
  ctx.imageSmoothingQuality = quality;
  if (crop) ctx.drawImage(image, crop.x, crop.y, crop.width, crop.height, 0, 0, w, h);
  else ctx.drawImage(image, 0, 0, w, h);
  return ctx.getImageData(0, 0, w, h).data;
}
