import { expect, test } from 'vitest';
import { keepMask } from '../../src/inference/pipeline';
import { ALL_OBJECTS, KEEP_RAMP, NUM_CLASSES, PERSON, recoverThinParts, subjectKeepAlpha } from '../../src/inference/mask';
import { SEG_STEP, segmentationGrid, type SegmentationSize } from '../../src/inference/models';

/** Byte equality (toEqual on large arrays takes seconds). */
const same = (a: Uint8ClampedArray, b: Uint8ClampedArray) => a.length === b.length && Buffer.compare(Buffer.from(a.buffer, a.byteOffset, a.length), Buffer.from(b.buffer, b.byteOffset, b.length)) === 0;

/** A photo's segmentation size, landscape (as for 4:3), and its grid of 49×37 points. */
const SIZE: SegmentationSize = { width: 385, height: 289 };
const GW = (SIZE.width - 1) / SEG_STEP + 1, GH = (SIZE.height - 1) / SEG_STEP + 1;
const GRID = segmentationGrid(SIZE);

/** The mask keepMask must make: thin parts recovered, then the keep ramp. */
const expected = (l: Float32Array, subject: readonly number[], invert = false) =>
  subjectKeepAlpha(recoverThinParts(l, GRID, subject), { subject, invert, grid: GRID, ...KEEP_RAMP });

/** DeepLab's logits at the grid's points: a person on the left half, a dog (class 12) on the right, background at the top. */
function logits() {
  const out = new Float32Array(GW * GH * NUM_CLASSES).fill(-5);
  for (let gy = 0; gy < GH; gy++) {
    for (let gx = 0; gx < GW; gx++) {
      const y = gy * SEG_STEP, x = gx * SEG_STEP;
      const c = y < 64 ? 0 : x < SIZE.width / 2 ? PERSON : 12;
      out[(gy * GW + gx) * NUM_CLASSES + c] = 8 - Math.abs(x - SIZE.width / 2) / 40; // unsure near the middle
    }
  }
  return out;
}

test('a keep-mask is made at the segmentation size from the grid; the same subject settings reuse it, others make a new one', () => {
  const l = logits();
  const everything = keepMask(l, SIZE, { subject: [...ALL_OBJECTS], invert: false });
  expect([everything.alpha.width, everything.alpha.height]).toEqual([SIZE.width, SIZE.height]);
  expect(same(everything.alpha.data, expected(l, ALL_OBJECTS))).toBe(true);
  // Same settings (a fresh array, as each job's options are): the same mask, nothing computed.
  expect(keepMask(l, SIZE, { subject: [...ALL_OBJECTS], invert: false }, everything)).toBe(everything);

  const people = keepMask(l, SIZE, { subject: [PERSON], invert: false }, everything);
  expect(people).not.toBe(everything);
  expect(same(people.alpha.data, expected(l, [PERSON]))).toBe(true);
  expect(same(people.alpha.data, everything.alpha.data)).toBe(false); // the dog is background now

  const inverted = keepMask(l, SIZE, { subject: [PERSON], invert: true }, people);
  expect(inverted).not.toBe(people);
  expect(same(inverted.alpha.data, expected(l, [PERSON], true))).toBe(true);
});

test('a pick keeps the class under the point (the nearest within reach), and says when there was none', () => {
  const l = logits();
  const dog = keepMask(l, SIZE, { subject: [...ALL_OBJECTS], invert: false, pick: { x: 0.9, y: 0.9 } });
  expect(dog.picked).toBe('object');
  expect(same(dog.alpha.data, expected(l, [12]))).toBe(true);
  expect(dog.region?.invert).toBe(false);
  // The point handed on is a grid point's pixel centre near the click, on the dog.
  expect(Math.abs(dog.region!.point.x - 0.9) * SIZE.width).toBeLessThanOrEqual(SEG_STEP);
  expect(Math.abs(dog.region!.point.y - 0.9) * SIZE.height).toBeLessThanOrEqual(SEG_STEP);
  // Just above the subject's top edge (row 64 of 289): the person under it is picked.
  const beside = keepMask(l, SIZE, { subject: [...ALL_OBJECTS], invert: false, pick: { x: 0.1, y: 60 / SIZE.height } });
  expect(beside.picked).toBe('object');
  expect(same(beside.alpha.data, expected(l, [PERSON]))).toBe(true);
  expect(beside.region!.point.y).toBeGreaterThan(64 / SIZE.height);
  // Far up in the background, or no point: every object, flagged.
  for (const pick of [{ x: 0.5, y: 0.01 }, null]) {
    const none = keepMask(l, SIZE, { subject: [...ALL_OBJECTS], invert: false, pick });
    expect(none.picked).toBe('every-object');
    expect(none.region).toBeUndefined();
    expect(same(none.alpha.data, expected(l, ALL_OBJECTS))).toBe(true);
  }
  // Another point is another mask; inverted, the object is cut first and inverted after.
  expect(keepMask(l, SIZE, { subject: [...ALL_OBJECTS], invert: false, pick: { x: 0.1, y: 0.9 } }, dog)).not.toBe(dog);
  const inverted = keepMask(l, SIZE, { subject: [...ALL_OBJECTS], invert: true, pick: { x: 0.9, y: 0.9 } });
  expect(inverted.region?.invert).toBe(true);
  expect(same(inverted.alpha.data, dog.alpha.data)).toBe(true);
});

test('a keep-mask keeps a faint thin part reaching out of the subject (recoverThinParts), not a faint patch on its own', () => {
  const l = new Float32Array(GW * GH * NUM_CLASSES);
  /** Subject probability ≈ p for the person at grid point (gx, gy) (background holds the rest). */
  const set = (gx: number, gy: number, p: number) => {
    const b = (gy * GW + gx) * NUM_CLASSES;
    l.fill(-10, b, b + NUM_CLASSES);
    l[b] = 0;
    l[b + PERSON] = Math.log(p / (1 - p));
  };
  for (let gy = 0; gy < GH; gy++) for (let gx = 0; gx < GW; gx++) set(gx, gy, 0.001);
  for (let gy = 20; gy < GH; gy++) for (let gx = 10; gx < 20; gx++) set(gx, gy, 0.99); // the body
  for (let gy = 5; gy < 20; gy++) set(15, gy, 0.2); // an arm raised from it, seen faintly
  set(40, 5, 0.3); // a faint patch, alone in the background
  const mask = keepMask(l, SIZE, { subject: [...ALL_OBJECTS], invert: false });
  const alphaAt = (gx: number, gy: number) => mask.alpha.data[((gy * SEG_STEP) * SIZE.width + gx * SEG_STEP) * 4 + 3];
  for (let gy = 5; gy < 20; gy++) expect(alphaAt(15, gy), `arm at row ${gy}`).toBe(255);
  expect(alphaAt(40, 5)).toBeLessThan(255);
  expect(alphaAt(30, 5)).toBe(0);
});
