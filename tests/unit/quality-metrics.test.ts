/**
 * The picture-quality measures (tests/quality/metrics.ts) on small synthetic pictures whose answers
 * are counted by hand or by a brute-force oracle independent of the distance transform.
 */
import { describe, expect, test } from 'vitest';
import {
  boundaryF, boxMask, distanceTo, frameStrip, keptPixels, measure, meetsTargets, outline, overall, overlay, paintedPixels, withBackground, type Rgba,
} from '../quality/metrics';

/** 300×400: diagonal 500, so the bands are 10 px and the boundary tolerance 2.5 px (no borderline distances). */
const W = 300, H = 400;

const rect = (x0: number, y0: number, x1: number, y1: number, w = W, h = H) => {
  const m = new Uint8Array(w * h);
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) m[y * w + x] = 1;
  return m;
};

/** A textured original, opaque. */
function original(w = W, h = H): Rgba {
  const data = new Uint8Array(w * h * 4);
  for (let i = 0; i < w * h; i++) {
    data[i * 4] = (i * 7) % 200;
    data[i * 4 + 1] = (i * 13) % 200;
    data[i * 4 + 2] = (i * 3) % 200;
    data[i * 4 + 3] = 255;
  }
  return { width: w, height: h, data };
}

/** The original where `keep` is 1, painted (every channel +50) elsewhere. */
function result(orig: Rgba, keep: Uint8Array): Rgba {
  const data = Uint8Array.from(orig.data);
  for (let i = 0; i < keep.length; i++) if (!keep[i]) for (let c = 0; c < 3; c++) data[i * 4 + c] += 50;
  return { width: orig.width, height: orig.height, data };
}

/** Subject: the 100×100 square at x 100–199, y 150–249. */
const SUBJECT = rect(100, 150, 200, 250);
/** Pixels outside the square within `r` px of it, counted from the geometry (no distance transform). */
function ringOutside(r: number) {
  let n = 0;
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const dx = Math.max(100 - x, 0, x - 199), dy = Math.max(150 - y, 0, y - 249);
      if ((dx || dy) && Math.hypot(dx, dy) <= r) n++;
    }
  }
  return n;
}

describe('kept and painted', () => {
  test('kept is within 3/255 on every channel; painted is a mean difference over 12/255', () => {
    const a: Rgba = { width: 4, height: 1, data: new Uint8Array([100, 100, 100, 255, 100, 100, 100, 255, 100, 100, 100, 255, 100, 100, 100, 255]) };
    const b: Rgba = { width: 4, height: 1, data: new Uint8Array([103, 97, 100, 255, 104, 100, 100, 255, 112, 112, 112, 255, 100, 100, 137, 255]) };
    expect([...keptPixels(b, a)]).toEqual([1, 0, 0, 0]);
    // 12 on every channel is not over 12; 37 on one channel is a mean of 12.3.
    expect([...paintedPixels(b, a)]).toEqual([0, 0, 0, 1]);
  });

  test('a changed alpha is not kept', () => {
    const a: Rgba = { width: 1, height: 1, data: new Uint8Array([10, 10, 10, 255]) };
    const b: Rgba = { width: 1, height: 1, data: new Uint8Array([10, 10, 10, 200]) };
    expect([...keptPixels(b, a)]).toEqual([0]);
  });
});

describe('distances and outlines', () => {
  test.each([29, 7, 2])('the distance transform matches brute force on a random mask (1 pixel in %i set)', (every) => {
    const w = 31, h = 17;
    const set = new Uint8Array(w * h);
    let seed = 7;
    for (let i = 0; i < set.length; i++) set[i] = (seed = (seed * 1103515245 + 12345) % 2 ** 31) % every === 0 ? 1 : 0;
    const d = distanceTo(set, w, h);
    let worst = 0;
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        let best = Infinity;
        for (let j = 0; j < set.length; j++) if (set[j]) best = Math.min(best, Math.hypot(x - (j % w), y - Math.floor(j / w)));
        worst = Math.max(worst, Math.abs(d[y * w + x] - best));
      }
    }
    expect(worst).toBeLessThan(1e-9);
  });

  test('no set pixel: every distance is infinite', () => {
    expect([...distanceTo(new Uint8Array(6), 3, 2)]).toEqual(Array(6).fill(Infinity));
  });

  test("a square's outline is its perimeter; the image's frame is no outline", () => {
    expect(outline(SUBJECT, W, H).reduce((a, b) => a + b, 0)).toBe(396);
    expect(outline(new Uint8Array(W * H).fill(1), W, H).reduce((a, b) => a + b, 0)).toBe(0);
    // A region along the left edge: its outline is its right side only.
    expect(outline(rect(0, 0, 10, H), W, H).reduce((a, b) => a + b, 0)).toBe(H);
  });
});

describe('one photo', () => {
  const orig = original();

  test('a perfect result: no halo, no bleed, F = 1, no strip', () => {
    const { quality: q } = measure(result(orig, SUBJECT), orig, SUBJECT);
    expect(q.bandPx).toBeCloseTo(10, 9);
    expect(q.tolerancePx).toBeCloseTo(2.5, 9);
    expect(q.halo).toEqual({ count: 0, total: ringOutside(10), share: 0 });
    expect(q.bleed).toEqual({ count: 0, total: 100 * 100 - 80 * 80, share: 0 });
    expect(q.boundary.f).toBe(1);
    expect(q.boundary.precision.total).toBe(396);
    expect(q.strip).toEqual({ painted: { count: 0, total: 0, share: NaN }, widest: 0, touching: 0 });
    expect(q.referenceArea).toBeCloseTo(10_000 / (W * H), 12);
    expect(meetsTargets(q)).toEqual({ halo: true, bleed: true, f: true, strip: true });
  });

  test('kept 4 px beyond the subject: the ring is halo, and the outlines are too far apart for F', () => {
    const { quality: q } = measure(result(orig, rect(96, 146, 204, 254)), orig, SUBJECT);
    expect(q.halo.count).toBe(108 * 108 - 100 * 100);
    expect(q.halo.total).toBe(ringOutside(10));
    expect(q.halo.share).toBeCloseTo(1664 / ringOutside(10), 12);
    expect(q.bleed.count).toBe(0);
    expect(q.boundary).toMatchObject({ precision: { count: 0, total: 428 }, recall: { count: 0, total: 396 }, f: 0 });
  });

  test('kept 2 px beyond: within the 2.5 px tolerance but for the four corner pixels (2.83 px away)', () => {
    const { quality: q } = measure(result(orig, rect(98, 148, 202, 252)), orig, SUBJECT);
    expect(q.boundary.precision).toEqual({ count: 408, total: 412, share: 408 / 412 });
    expect(q.boundary.recall).toEqual({ count: 396, total: 396, share: 1 });
    const p = 408 / 412;
    expect(q.boundary.f).toBeCloseTo((2 * p) / (p + 1), 12);
  });

  test('kept 3 px short of the subject: the inner ring is bleed', () => {
    const { quality: q } = measure(result(orig, rect(103, 153, 197, 247)), orig, SUBJECT);
    expect(q.bleed).toEqual({ count: 100 * 100 - 94 * 94, total: 3600, share: 1164 / 3600 });
    expect(q.halo.count).toBe(0);
    expect(meetsTargets(q).bleed).toBe(false);
  });

  test('nothing kept (no subject found): everything bleeds, F = 0', () => {
    const { quality: q } = measure(result(orig, new Uint8Array(W * H)), orig, SUBJECT);
    expect(q.halo.share).toBe(0);
    expect(q.bleed.share).toBe(1);
    expect(q.boundary.f).toBe(0);
    expect(q.keptArea).toBe(0);
  });

  test('a subject on the bottom edge painted 6 rows up: a 6 px frame strip', () => {
    const subject = rect(100, 300, 200, 400);
    const { quality: q, masks } = measure(result(orig, rect(100, 300, 200, 394)), orig, subject);
    expect(q.strip).toEqual({ painted: { count: 400, total: 400, share: 1 }, widest: 6, touching: 100 });
    expect(masks.strip.reduce((a, b) => a + b, 0)).toBe(600);
    expect(meetsTargets(q).strip).toBe(false);
    // Kept to the edge: no strip.
    expect(measure(result(orig, subject), orig, subject).quality.strip).toMatchObject({ painted: { count: 0, total: 400 }, widest: 0, touching: 100 });
  });

  test('frame strips from the left and the right edges, and a run that stops where the subject ends', () => {
    const w = 20, h = 5;
    const subject = rect(0, 0, 20, 5, w, h);
    const painted = new Uint8Array(w * h);
    for (let y = 0; y < h; y++) for (let x = 0; x < 3; x++) painted[y * w + x] = 1; // 3 from the left
    for (let x = 15; x < 20; x++) painted[2 * w + x] = 1; // 5 from the right, one row
    const { strip } = frameStrip(subject, painted, w, h);
    expect(strip.widest).toBe(5);
    // From the top and bottom edges, columns 0–2 are painted the whole height (5 rows).
    expect(strip.touching).toBe(2 * w + 2 * h);
    // Within 4 px of the edge every pixel of a 20×5 picture: 15 + 5 painted of 100.
    expect(strip.painted).toEqual({ count: 20, total: 100, share: 0.2 });
    // The subject ending at column 2: the run from the left stops there.
    expect(frameStrip(rect(0, 1, 2, 4, w, h), painted, w, h).strip.widest).toBe(2);
  });

  test('boundary F: an outline found where there is none', () => {
    const truth = new Uint8Array(100), found = new Uint8Array(100);
    found[55] = 1;
    expect(boundaryF(found, truth, 10, 10, 1).f).toBe(0);
    expect(boundaryF(truth, truth, 10, 10, 1).f).toBe(1);
  });

  test('the overlay: halo red, bleed blue, outline green, the rest dimmed', () => {
    const keep = rect(96, 150, 196, 250); // shifted 4 px left: halo on the left, bleed on the right
    const { masks } = measure(result(orig, keep), orig, SUBJECT);
    const px = overlay(orig, masks);
    const at = (x: number, y: number) => [...px.subarray((y * W + x) * 4, (y * W + x) * 4 + 4)];
    expect(at(97, 200)).toEqual([255, 0, 0, 255]);
    expect(at(198, 200)).toEqual([40, 110, 255, 255]);
    expect(at(100, 200)).toEqual([0, 255, 0, 255]);
    const i = (10 * W + 10) * 4;
    expect(at(10, 10)).toEqual([Math.round(orig.data[i] * 0.35), Math.round(orig.data[i + 1] * 0.35), Math.round(orig.data[i + 2] * 0.35), 255]);
  });
});

test('overall: pooled over pixels and mean over photos', () => {
  const orig = original();
  const a = measure(result(orig, rect(96, 146, 204, 254)), orig, SUBJECT).quality; // halo 1664 / ring
  const b = measure(result(orig, SUBJECT), orig, SUBJECT).quality; // perfect
  const small = original(150, 200);
  const c = measure(result(small, rect(50, 75, 100, 125, 150, 200)), small, rect(50, 75, 100, 125, 150, 200)).quality;
  const o = overall([a, b, c]);
  expect(o.pooled.halo).toBeCloseTo(1664 / (2 * ringOutside(10) + c.halo.total), 12);
  expect(o.mean.halo).toBeCloseTo(a.halo.share / 3, 12);
  // F pooled from counts: a matches nothing (428 + 396 outline pixels), b and c everything.
  const hits = b.boundary.precision.total + c.boundary.precision.total;
  const p = hits / (hits + 428), r = hits / (hits + 396);
  expect(o.pooled.f).toBeCloseTo((2 * p * r) / (p + r), 12);
  expect(o.mean.f).toBeCloseTo(2 / 3, 12);
  // No reference subject on any edge: no strip share (NaN) and no strip.
  expect(o.pooled.stripShare).toBeNaN();
  expect(o.pooled.stripWidest).toBe(0);
});

describe('a reference corrected by hand', () => {
  test('the boxes become background, clipped to the picture; the rest and the input are unchanged', () => {
    const ref = new Uint8Array(5 * 4).fill(1);
    const fixed = withBackground(ref, 5, [{ x: 1, y: 1, w: 2, h: 2 }, { x: 4, y: 3, w: 9, h: 9 }]);
    expect([...fixed]).toEqual([
      1, 1, 1, 1, 1,
      1, 0, 0, 1, 1,
      1, 0, 0, 1, 1,
      1, 1, 1, 1, 0,
    ]);
    expect(ref.every((v) => v === 1)).toBe(true);
  });

  test('boxMask is 1 inside the boxes, clipped to the picture', () => {
    expect([...boxMask(4, 3, [{ x: -1, y: 1, w: 2, h: 5 }, { x: 3, y: 0, w: 1, h: 1 }])]).toEqual([
      0, 0, 0, 1,
      1, 0, 0, 0,
      1, 0, 0, 0,
    ]);
  });

  test('an unscored box counts in no measure: a bystander kept there and a subject painted there leave the figures of a perfect result', () => {
    const orig = original();
    // The subject kept exactly, a bystander the reference leaves out kept too (x 60–94, y 160–199,
    // 5 px from the subject), and a second reference subject (x 220–259, y 300–359) painted.
    const second = rect(220, 300, 260, 360);
    const reference = SUBJECT.map((v, i) => v | second[i]);
    const kept = SUBJECT.map((v, i) => v | rect(60, 160, 95, 200)[i]);
    const plain = measure(result(orig, kept), orig, reference).quality;
    expect(plain.halo.count).toBeGreaterThan(0);
    expect(plain.bleed.count).toBeGreaterThan(0);
    expect(plain.boundary.precision.share).toBeLessThan(1);
    expect(plain.boundary.recall.share).toBeLessThan(1);

    const unscored = boxMask(W, H, [{ x: 50, y: 150, w: 48, h: 60 }, { x: 205, y: 285, w: 70, h: 90 }]);
    const { quality: q, masks } = measure(result(orig, kept), orig, reference, unscored);
    const perfect = measure(result(orig, SUBJECT), orig, SUBJECT).quality;
    // The halo band loses its pixels in the first box: x 90–97 (within 10 px of the subject), y 150–209.
    expect(q.halo.count).toBe(0);
    expect(q.halo.total).toBe(perfect.halo.total - 8 * 60);
    expect(q.bleed).toEqual(perfect.bleed);
    expect(q.boundary).toEqual(perfect.boundary);
    // The areas are of the whole picture, as they are.
    expect(q.keptArea).toBe(plain.keptArea);
    // The overlay greys the unscored boxes.
    const px = overlay(orig, masks);
    const at = (x: number, y: number) => [...px.subarray((y * W + x) * 4, (y * W + x) * 4 + 3)];
    expect(at(70, 170)).toEqual([96, 96, 96]);
    expect(at(5, 5)).not.toEqual([96, 96, 96]);
  });
});
