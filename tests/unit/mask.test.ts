import { describe, expect, test } from 'vitest';
import { ALL_OBJECTS, argmaxLabels, coverage, keepAlpha, NUM_CLASSES, PERSON, recoverThinParts, subjectKeepAlpha, subjectProbability, upsampleLogits } from '../../src/inference/mask';

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

describe('keep-alpha straight from the logits', () => {
  /** Deterministic pseudo-random logits: spread-out pixels, and pixels whose lead sits near ln 60 ≈ 4.09. */
  function randomLogits(n: number, seed: number) {
    let x = seed;
    const rand = () => ((x = (x * 1103515245 + 12345) >>> 0) / 2 ** 32);
    const out = new Float32Array(n * NUM_CLASSES);
    for (let i = 0; i < n; i++) {
      const base = i * NUM_CLASSES;
      for (let c = 0; c < NUM_CLASSES; c++) out[base + c] = rand() * 8 - 4;
      if (i % 2) {
        // One class leads all others by 3.5…4.7 logits, the rest packed just below the runner-up.
        const best = Math.floor(rand() * NUM_CLASSES);
        const second = (best + 1 + Math.floor(rand() * (NUM_CLASSES - 1))) % NUM_CLASSES;
        for (let c = 0; c < NUM_CLASSES; c++) out[base + c] = -rand() * 0.01;
        out[base + second] = 0;
        out[base + best] = 3.5 + rand() * 1.2;
      }
    }
    return out;
  }

  test('is byte for byte keepAlpha(subjectProbability()), for subject sets, invert and ramps', () => {
    const l = randomLogits(20_000, 7);
    for (const subject of [ALL_OBJECTS, [PERSON], [PERSON, 12, 8]]) {
      for (const invert of [false, true]) {
        for (const [lo, hi] of [[0.25, 0.75], [0.1, 0.6], [0.4, 0.95]]) {
          const want = keepAlpha(subjectProbability(l, subject), invert, lo, hi);
          const got = subjectKeepAlpha(l, { subject, invert, lo, hi });
          let diff = 0;
          for (let i = 0; i < want.length; i++) if (want[i] !== got[i]) diff++;
          expect(diff, `subject ${subject.length} classes, invert ${invert}, ramp ${lo}…${hi}`).toBe(0);
        }
      }
    }
  });

  test('the uncertain band is really computed: near-threshold pixels are neither all 0 nor all 255', () => {
    const a = subjectKeepAlpha(randomLogits(2_000, 3), { subject: [PERSON] });
    const soft = Array.from({ length: 2_000 }, (_, i) => a[i * 4 + 3]).filter((v) => v > 0 && v < 255);
    expect(soft.length).toBeGreaterThan(10);
  });
});

describe('keep-alpha on a grid: cells decided from their corners', () => {
  /**
   * Logits as DeepLab makes them: a grid's points (33² for 257², step 8; 17×33 for 129 high, 257
   * wide), and their bilinear upsampling, as the official graph's last resize gives it. Blocky:
   * regions of one winner leading by 4…10 (mostly sure cells); near: regions of one winner leading a
   * single runner-up by only 0…5, the other classes far below, so the margins are tight and many
   * cells sit around them; edges: a winner per point leading by 0…8 (edges everywhere).
   */
  function gridLogits(seed: number, mode: 'blocky' | 'near' | 'edges', W = 257, H = 257) {
    const blocky = mode !== 'edges';
    let x = seed;
    const rand = () => ((x = (x * 1103515245 + 12345) >>> 0) / 2 ** 32);
    const step = 8, GW = (W - 1) / step + 1, GH = (H - 1) / step + 1;
    const grid = new Float32Array(GW * GH * NUM_CLASSES);
    for (let p = 0; p < GW * GH; p++) {
      // Blocky: regions of one winner (mostly sure cells); otherwise a winner per point (many edges).
      const gy = Math.floor(p / GW), gx = p % GW;
      const winner = blocky ? [0, PERSON, 12][(Math.floor(gy / 11) + Math.floor(gx / 11)) % 3] : Math.floor(rand() * NUM_CLASSES);
      if (mode === 'near') {
        // Two classes only (the rest far below), the runner-up 0…5 behind: the margins are tight here.
        const runnerUp = winner === 0 ? PERSON : 0;
        for (let c = 0; c < NUM_CLASSES; c++) grid[p * NUM_CLASSES + c] = -30;
        grid[p * NUM_CLASSES + runnerUp] = 0;
        grid[p * NUM_CLASSES + winner] = rand() * 5;
        continue;
      }
      for (let c = 0; c < NUM_CLASSES; c++) grid[p * NUM_CLASSES + c] = rand() * 2 - 1;
      grid[p * NUM_CLASSES + winner] += mode === 'blocky' ? 4 + rand() * 6 : rand() * 8;
    }
    // Written out here, apart from the code under test.
    const full = new Float32Array(W * H * NUM_CLASSES);
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const y0 = Math.min(Math.floor(y / step), GH - 2), x0 = Math.min(Math.floor(x / step), GW - 2);
        const wy = (y - y0 * step) / step, wx = (x - x0 * step) / step;
        for (let c = 0; c < NUM_CLASSES; c++) {
          const g = (yy: number, xx: number) => grid[((y0 + yy) * GW + x0 + xx) * NUM_CLASSES + c];
          full[(y * W + x) * NUM_CLASSES + c] = (1 - wy) * ((1 - wx) * g(0, 0) + wx * g(0, 1)) + wy * ((1 - wx) * g(1, 0) + wx * g(1, 1));
        }
      }
    }
    return { grid, full, spec: { width: W, height: H, step } };
  }

  test('upsampleLogits is the bilinear, align-corners upsampling of the grid', () => {
    for (const [w, h] of [[257, 257], [257, 129], [65, 97]]) {
      const { grid, full, spec } = gridLogits(7, 'edges', w, h);
      expect(Buffer.compare(Buffer.from(upsampleLogits(grid, spec).buffer), Buffer.from(full.buffer)), `${w}×${h}`).toBe(0);
    }
  });

  test('gives the same bytes as pixel by pixel on the upsampled logits, for subject sets, invert, ramps and sizes', () => {
    for (const [w, h] of [[257, 257], [257, 129]]) {
      for (const mode of ['blocky', 'near', 'edges'] as const) {
        const { grid, full, spec } = gridLogits(mode.length, mode, w, h);
        for (const subject of [ALL_OBJECTS, [PERSON], [PERSON, 12, 8], [], Array.from({ length: NUM_CLASSES }, (_, i) => i)]) {
          for (const invert of [false, true]) {
            for (const [lo, hi] of [[0.25, 0.75], [0.1, 0.6]]) {
              const want = subjectKeepAlpha(full, { subject, invert, lo, hi });
              const got = subjectKeepAlpha(grid, { subject, invert, lo, hi, grid: spec });
              expect(got.length).toBe(want.length);
              let diff = 0;
              for (let i = 3; i < want.length; i += 4) if (want[i] !== got[i]) diff++;
              expect(diff, `${w}×${h}, ${mode}, ${subject.length} subject classes, invert ${invert}, ramp ${lo}…${hi}`).toBe(0);
            }
          }
        }
      }
    }
  });

  test('a grid that does not fit the logits is refused', () => {
    const { grid } = gridLogits(3, 'edges');
    expect(() => subjectKeepAlpha(grid, { subject: [PERSON], grid: { width: 257, height: 257, step: 7 } })).toThrow(/do not fit/);
    expect(() => subjectKeepAlpha(grid, { subject: [PERSON], grid: { width: 265, height: 257, step: 8 } })).toThrow(/do not fit/);
    expect(() => upsampleLogits(grid, { width: 256, height: 257, step: 8 })).toThrow(/do not fit/);
  });
});

describe('recoverThinParts', () => {
  const grid = { width: 81, height: 81, step: 8 }; // 11×11 points
  /** Logits whose person probability at each point is `p(gx, gy)`. */
  const grid11 = (p: (gx: number, gy: number) => number) => {
    const l = new Float32Array(11 * 11 * NUM_CLASSES).fill(-20);
    for (let gy = 0; gy < 11; gy++) {
      for (let gx = 0; gx < 11; gx++) {
        const b = (gy * 11 + gx) * NUM_CLASSES, v = p(gx, gy);
        l[b] = 0;
        l[b + PERSON] = Math.log(v / (1 - v));
      }
    }
    return l;
  };
  const personAt = (l: Float32Array, gx: number, gy: number) => subjectProbability(l.subarray((gy * 11 + gx) * NUM_CLASSES, (gy * 11 + gx + 1) * NUM_CLASSES), [PERSON])[0];

  test("a subject's faint rim alone is left as it is (the outline does not grow)", () => {
    const l = grid11((x, y) => (Math.max(Math.abs(x - 5), Math.abs(y - 5)) <= 2 ? 0.99 : Math.max(Math.abs(x - 5), Math.abs(y - 5)) === 3 ? 0.3 : 0.001));
    expect(recoverThinParts(l, grid, [PERSON])).toBe(l);
  });

  test('a faint trail reaching out of the subject is raised past the keep ramp, the rim beside it and the background are not', () => {
    const l = grid11((x, y) => (y >= 7 ? 0.99 : x === 5 ? 0.15 : y === 6 ? 0.2 : 0.001));
    const out = recoverThinParts(l, grid, [PERSON]);
    expect(out).not.toBe(l);
    for (let y = 0; y <= 6; y++) expect(personAt(out, 5, y), `trail at row ${y}`).toBeGreaterThan(0.6);
    expect(personAt(out, 1, 6)).toBeCloseTo(0.2, 5); // the rim, away from the trail
    expect(personAt(out, 1, 1)).toBeCloseTo(0.001, 5);
    expect(personAt(out, 5, 9)).toBeCloseTo(0.99, 5); // the sure part is unchanged
  });

  test('a faint patch not connected to the subject stays faint; other classes are not raised', () => {
    const l = grid11((x, y) => (y >= 8 ? 0.99 : x === 2 && y === 2 ? 0.4 : 0.001));
    expect(recoverThinParts(l, grid, [PERSON])).toBe(l);
    // Counted as a dog's keep, the person's trail is nothing.
    const trail = grid11((x, y) => (y >= 7 ? 0.99 : x === 5 ? 0.15 : 0.001));
    expect(recoverThinParts(trail, grid, [12])).toBe(trail);
  });
});
