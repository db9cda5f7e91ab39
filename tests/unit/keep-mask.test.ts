import { expect, test } from 'vitest';
import { keepMask } from '../../src/inference/pipeline';
import { ALL_OBJECTS, NUM_CLASSES, PERSON, subjectKeepAlpha } from '../../src/inference/mask';
import { SEG_GRID, SEG_SIZE } from '../../src/inference/models';

/** Byte equality (toEqual on 264 KB arrays takes seconds). */
const same = (a: Uint8ClampedArray, b: Uint8ClampedArray) => a.length === b.length && Buffer.compare(Buffer.from(a.buffer, a.byteOffset, a.length), Buffer.from(b.buffer, b.byteOffset, b.length)) === 0;

/** DeepLab-sized logits: a person on the left half, a dog (class 12) on the right, background at the top. */
function logits() {
  const out = new Float32Array(SEG_SIZE * SEG_SIZE * NUM_CLASSES).fill(-5);
  for (let y = 0; y < SEG_SIZE; y++) {
    for (let x = 0; x < SEG_SIZE; x++) {
      const c = y < 64 ? 0 : x < SEG_SIZE / 2 ? PERSON : 12;
      out[(y * SEG_SIZE + x) * NUM_CLASSES + c] = 8 - Math.abs(x - SEG_SIZE / 2) / 40; // unsure near the middle
    }
  }
  return out;
}

test('a keep-mask made for the same subject settings is reused; other settings make a new one, as the mask maths gives it', () => {
  const l = logits();
  const everything = keepMask(l, { subject: [...ALL_OBJECTS], invert: false });
  expect(everything.alpha.width).toBe(SEG_SIZE);
  expect(same(everything.alpha.data, subjectKeepAlpha(l, { subject: ALL_OBJECTS, grid: SEG_GRID }))).toBe(true);
  // Same settings (a fresh array, as each job's options are): the same mask, nothing computed.
  expect(keepMask(l, { subject: [...ALL_OBJECTS], invert: false }, everything)).toBe(everything);

  const people = keepMask(l, { subject: [PERSON], invert: false }, everything);
  expect(people).not.toBe(everything);
  expect(same(people.alpha.data, subjectKeepAlpha(l, { subject: [PERSON], grid: SEG_GRID }))).toBe(true);
  expect(same(people.alpha.data, everything.alpha.data)).toBe(false); // the dog is background now

  const inverted = keepMask(l, { subject: [PERSON], invert: true }, people);
  expect(inverted).not.toBe(people);
  expect(same(inverted.alpha.data, subjectKeepAlpha(l, { subject: [PERSON], invert: true, grid: SEG_GRID }))).toBe(true);
});

test("the close-ups' keep-masks are made with the same settings, each for its rectangle; none when the background is kept", () => {
  const l = logits();
  const rect = { x: 10, y: 20, width: 300, height: 200 };
  const mask = keepMask(l, { subject: [PERSON], invert: false }, undefined, [{ rect, logits: l }]);
  expect(mask.closeUps).toHaveLength(1);
  expect(mask.closeUps![0].rect).toBe(rect);
  expect(same(mask.closeUps![0].alpha.data, subjectKeepAlpha(l, { subject: [PERSON], grid: SEG_GRID }))).toBe(true);
  expect(keepMask(l, { subject: [PERSON], invert: true }, undefined, [{ rect, logits: l }]).closeUps).toBeUndefined();
});

test('a pick keeps the class under the point (the nearest within reach), and says when there was none', () => {
  const l = logits();
  const dog = keepMask(l, { subject: [...ALL_OBJECTS], invert: false, pick: { x: 0.9, y: 0.9 } });
  expect(dog.picked).toBe('object');
  expect(same(dog.alpha.data, subjectKeepAlpha(l, { subject: [12], grid: SEG_GRID }))).toBe(true);
  expect(dog.region?.invert).toBe(false);
  // Just above the subject's top edge (row 64 of 257): the person under it is picked.
  const beside = keepMask(l, { subject: [...ALL_OBJECTS], invert: false, pick: { x: 0.1, y: 60 / SEG_SIZE } });
  expect(beside.picked).toBe('object');
  expect(same(beside.alpha.data, subjectKeepAlpha(l, { subject: [PERSON], grid: SEG_GRID }))).toBe(true);
  expect(beside.region!.point.y).toBeGreaterThan(64 / SEG_SIZE);
  // Far up in the background, or no point: every object, flagged.
  for (const pick of [{ x: 0.5, y: 0.01 }, null]) {
    const none = keepMask(l, { subject: [...ALL_OBJECTS], invert: false, pick });
    expect(none.picked).toBe('every-object');
    expect(none.region).toBeUndefined();
    expect(same(none.alpha.data, subjectKeepAlpha(l, { subject: ALL_OBJECTS, grid: SEG_GRID }))).toBe(true);
  }
  // Another point is another mask; inverted, the object is cut first and inverted after.
  expect(keepMask(l, { subject: [...ALL_OBJECTS], invert: false, pick: { x: 0.1, y: 0.9 } }, dog)).not.toBe(dog);
  const inverted = keepMask(l, { subject: [...ALL_OBJECTS], invert: true, pick: { x: 0.9, y: 0.9 } });
  expect(inverted.region?.invert).toBe(true);
  expect(same(inverted.alpha.data, dog.alpha.data)).toBe(true);
});
