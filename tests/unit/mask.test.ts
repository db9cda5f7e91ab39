import { describe, expect, test } from 'vitest';
import { ALL_OBJECTS, argmaxLabels, coverage, keepAlpha, NUM_CLASSES, PERSON, subjectProbability } from '../../src/inference/mask';

/** Logits for pixels, each given as {class: logit}, other classes at -10. */
function logits(...pixels: Record<number, number>[]) {
  const out = new Float32Array(pixels.length * NUM_CLASSES).fill(-10);
  pixels.forEach((p, i) => Object.entries(p).forEach(([c, v]) => (out[i * NUM_CLASSES + Number(c)] = v)));
  return out;
}

describe('mask from logits', () => {
  const l = logits({ 0: 5 }, { [PERSON]: 5 }, { 0: 2, 12: 2 }, { 12: 5 });
  test('subject probability is the softmax mass of the subject classes', () => {
    const p = subjectProbability(l, ALL_OBJECTS);
    expect(p[0]).toBeLessThan(0.001);
    expect(p[1]).toBeGreaterThan(0.999);
    expect(p[2]).toBeCloseTo(0.5, 3);
    expect(p[3]).toBeGreaterThan(0.999);
  });
  test('a chosen set of classes: people only', () => {
    const p = subjectProbability(l, [PERSON]);
    expect(p[1]).toBeGreaterThan(0.999);
    expect(p[3]).toBeLessThan(0.001); // the dog is background now
  });
  test('argmax labels', () => {
    expect(Array.from(argmaxLabels(l))).toEqual([0, PERSON, 0, 12]);
  });
  test('keep-alpha: confident pixels are exactly 0 or 255, the uncertain band soft, invert flips', () => {
    const p = new Float32Array([0, 0.2, 0.5, 0.8, 1]);
    const a = keepAlpha(p);
    expect([a[3], a[7], a[11], a[15], a[19]]).toEqual([0, 0, 128, 255, 255]);
    const inv = keepAlpha(p, true);
    expect([inv[3], inv[11], inv[19]]).toEqual([255, 128, 0]);
    expect(coverage(a)).toBeCloseTo((128 + 255 + 255) / (5 * 255), 5);
  });
  test('the ramp is monotonic', () => {
    const p = Float32Array.from({ length: 101 }, (_, i) => i / 100);
    const a = keepAlpha(p);
    for (let i = 1; i < 101; i++) expect(a[i * 4 + 3]).toBeGreaterThanOrEqual(a[(i - 1) * 4 + 3]);
  });
});

describe('the confident-pixel shortcut', () => {
  test('agrees with the full softmax to 1e-6 across margins around the threshold', () => {
    const margins = [0, 1, 5, 16.9, 17, 17.1, 25, 60];
    for (const m of margins) {
      for (const cls of [0, PERSON]) {
        const other = cls === 0 ? PERSON : 0;
        const l = logits({ [cls]: 3 + m, [other]: 3 });
        const p = subjectProbability(l, ALL_OBJECTS)[0];
        // Reference: full softmax in float64.
        const xs = Array.from(l);
        const max = Math.max(...xs);
        const es = xs.map((x) => Math.exp(x - max));
        const want = es.reduce((a, e, c) => a + (c !== 0 ? e : 0), 0) / es.reduce((a, e) => a + e, 0);
        expect(Math.abs(p - want), `margin ${m}, class ${cls}`).toBeLessThan(1e-6);
      }
    }
  });
});
