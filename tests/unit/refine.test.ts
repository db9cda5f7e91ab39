import { describe, expect, test } from 'vitest';
import { boxMean, REFINE_DEFAULTS, refineKeep, refineRadius } from '../../src/inference/refine';

/** A w×h RGBA guide: grey `inside(x, y) ? hi : lo`. */
function guide(w: number, h: number, inside: (x: number, y: number) => boolean, hiV = 220, loV = 40) {
  const g = new Uint8ClampedArray(w * h * 4);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    const v = inside(x, y) ? hiV : loV, k = (y * w + x) * 4;
    g[k] = g[k + 1] = g[k + 2] = v;
    g[k + 3] = 255;
  }
  return g;
}

/** Coarse keep-alpha (RGBA, alpha in channel 3): a blurry step from 255 to 0 across columns [x0, x1]. */
function rampMask(w: number, h: number, x0: number, x1: number) {
  const m = new Uint8ClampedArray(w * h * 4);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    m[(y * w + x) * 4 + 3] = x <= x0 ? 255 : x >= x1 ? 0 : (255 * (x1 - x)) / (x1 - x0);
  }
  return m;
}

const alphaAt = (a: Uint8ClampedArray, w: number, x: number, y: number) => a[(y * w + x) * 4 + 3];

describe('boxMean', () => {
  test('a constant stays that constant, the frame included (no zeros pulled in from outside)', () => {
    const w = 9, h = 7;
    const m = boxMean(new Float32Array(w * h).fill(0.75), w, h, 3);
    for (const v of m) expect(v).toBeCloseTo(0.75, 6);
  });
  test('the mean of the clipped window', () => {
    const src = Float32Array.from([1, 2, 3, 4, 5]);
    expect(Array.from(boxMean(src, 5, 1, 1))).toEqual([1.5, 2, 3, 4, 4.5]);
  });
});

describe('refineKeep', () => {
  const w = 160, h = 120;
  test("an edge the guide has pulls the mask's edge onto it", () => {
    // The photo's subject ends at x = 70; the coarse mask says somewhere between 62 and 78 (DeepLab's blur).
    const g = guide(w, h, (x) => x < 70);
    const out = refineKeep(g, rampMask(w, h, 62, 78), w, h);
    for (const y of [0, 30, 60, h - 1]) {
      for (let x = 0; x < 68; x++) expect(alphaAt(out, w, x, y)).toBe(255);
      for (let x = 72; x < w; x++) expect(alphaAt(out, w, x, y)).toBe(0);
    }
  });
  test('an edge in colour alone (the same luma on both sides) pulls the mask onto it too', () => {
    // Red against teal of almost the same luma (101.9 and 105.3 of 255): a grey guide sees no edge here.
    const g = new Uint8ClampedArray(w * h * 4);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) g.set(x < 70 ? [200, 60, 60, 255] : [20, 140, 150, 255], (y * w + x) * 4);
    const out = refineKeep(g, rampMask(w, h, 62, 78), w, h);
    for (const y of [0, 30, 60, h - 1]) {
      for (let x = 0; x < 68; x++) expect(alphaAt(out, w, x, y)).toBe(255);
      for (let x = 72; x < w; x++) expect(alphaAt(out, w, x, y)).toBe(0);
    }
  });
  test('flat regions stay exactly 0 or 255', () => {
    const g = guide(w, h, () => true);
    // A flat photo: the mask is only smoothed; far from its edge it is exact.
    const out = refineKeep(g, rampMask(w, h, 78, 82), w, h);
    const r = refineRadius(w, h);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < 78 - 2 * r; x++) expect(alphaAt(out, w, x, y)).toBe(255);
      for (let x = 82 + 2 * r; x < w; x++) expect(alphaAt(out, w, x, y)).toBe(0);
    }
  });
  test('a subject that touches the frame keeps its pixels along the frame', () => {
    // Subject: the left 40 % of the picture, touching the top, left and bottom edges; the photo's texture is flat there.
    const g = guide(w, h, (x) => x < 64);
    const out = refineKeep(g, rampMask(w, h, 62, 66), w, h);
    for (let y = 0; y < h; y++) for (let x = 0; x < 60; x++) expect(alphaAt(out, w, x, y)).toBe(255);
    for (let x = 0; x < 60; x++) {
      expect(alphaAt(out, w, x, 0)).toBe(255);
      expect(alphaAt(out, w, x, h - 1)).toBe(255);
    }
  });
  test('all subject or all background: nothing to refine', () => {
    const g = guide(w, h, (x) => x < 64);
    expect(refineKeep(g, rampMask(w, h, w, w + 1), w, h).every((v, i) => i % 4 !== 3 || v === 255)).toBe(true);
    expect(refineKeep(g, rampMask(w, h, -2, -1), w, h).every((v) => v === 0)).toBe(true);
  });
});

describe('refineShareFor: the radius for a keep-mask of a given resolution', () => {
  test('the tuned share at 257 (and coarser), less in proportion for a finer mask', async () => {
    const { refineShareFor } = await import('../../src/inference/composite');
    expect(refineShareFor(257)).toBe(REFINE_DEFAULTS.radiusShare);
    expect(refineShareFor(129)).toBe(REFINE_DEFAULTS.radiusShare);
    expect(refineShareFor(769)).toBeCloseTo((REFINE_DEFAULTS.radiusShare * 257) / 769, 12);
    // The window over the mask's own pixels stays the same: share × mask side is constant.
    expect(refineShareFor(513) * 513).toBeCloseTo(refineShareFor(769) * 769, 9);
  });
});
