import { describe, expect, test } from 'vitest';
import { bilinearResize, centerSquare, fitWithin, floatToRgba, rgbaToFloat } from '../../src/inference/preprocess';

describe('normalisation', () => {
  const px = new Uint8ClampedArray([0, 127.5, 255, 255, 255, 0, 51, 9]);
  test('DeepLab: mean = std = 127.5 maps bytes to [-1, 1], dropping alpha', () => {
    const want = [-1, (128 - 127.5) / 127.5, 1, 1, -1, (51 - 127.5) / 127.5];
    const got = rgbaToFloat(px, 127.5, 127.5);
    expect(got).toHaveLength(6);
    want.forEach((w, i) => expect(got[i]).toBeCloseTo(w, 6));
  });
  test('Magenta: mean 0, std 255 maps bytes to [0, 1]', () => {
    const f = rgbaToFloat(px, 0, 255);
    expect(f[0]).toBe(0);
    expect(f[2]).toBe(1);
    expect(f[5]).toBeCloseTo(0.2, 6);
  });
  test('float → bytes rounds (or truncates, like Android) and clamps, alpha opaque', () => {
    const rgb = new Float32Array([0, 0.5, 1, -0.2, 1.3, 0.999, NaN, 1e12, -1e12, 0.25, 0.2, 0.0019]);
    expect(Array.from(floatToRgba(rgb, 4))).toEqual([0, 128, 255, 255, 0, 255, 255, 255, 0, 255, 0, 255, 64, 51, 0, 255]);
    expect(Array.from(floatToRgba(rgb, 4, 0))).toEqual([0, 127, 255, 255, 0, 255, 254, 255, 0, 255, 0, 255, 63, 51, 0, 255]);
  });
});

describe('geometry', () => {
  test('centre square crop of landscape and portrait', () => {
    expect(centerSquare(610, 400)).toEqual({ x: 105, y: 0, width: 400, height: 400 });
    expect(centerSquare(300, 501)).toEqual({ x: 0, y: 100, width: 300, height: 300 });
  });
  test('the size cap keeps the aspect ratio and says it scaled', () => {
    expect(fitWithin(1280, 960, 4096)).toEqual({ width: 1280, height: 960, scaled: false });
    expect(fitWithin(8000, 6000, 4096)).toEqual({ width: 4096, height: 3072, scaled: true });
    expect(fitWithin(1000, 9000, 4096)).toEqual({ width: 455, height: 4096, scaled: true });
    // An area cap too: 4000×3000 (12 MP) to at most 2048² pixels, same aspect.
    const big = fitWithin(4000, 3000, 4096, 2048 * 2048);
    expect(big.scaled).toBe(true);
    expect(big.width * big.height).toBeLessThanOrEqual(2048 * 2048);
    expect(big.width * big.height).toBeGreaterThan(0.99 * 2048 * 2048);
    expect(big.width / big.height).toBeCloseTo(4 / 3, 2);
    expect(fitWithin(2048, 2048, 4096, 2048 * 2048)).toEqual({ width: 2048, height: 2048, scaled: false });
  });
});

describe('bilinear resize (Android createScaledBitmap semantics)', () => {
  const gray = (values: number[]) => new Uint8ClampedArray(values.flatMap((v) => [v, v, v, 255]));
  test('a 2× downscale averages 2×2 blocks', () => {
    const src = gray([0, 100, 200, 40, 100, 0, 40, 200, 10, 10, 90, 90, 10, 10, 90, 90]);
    const out = bilinearResize(src, 4, { x: 0, y: 0, width: 4, height: 4 }, 2, 2);
    expect([out[0], out[4], out[8], out[12]]).toEqual([50, 120, 10, 90]);
  });
  test('upscaling interpolates between pixel centres and clamps at the edges', () => {
    const out = bilinearResize(gray([0, 200]), 2, { x: 0, y: 0, width: 2, height: 1 }, 4, 1);
    expect([out[0], out[4], out[8], out[12]]).toEqual([0, 50, 150, 200]);
  });
  test('reads only the crop', () => {
    const src = gray([255, 7, 7, 255]);
    const out = bilinearResize(src, 4, { x: 1, y: 0, width: 2, height: 1 }, 1, 1);
    expect(out[0]).toBe(7);
  });
});
