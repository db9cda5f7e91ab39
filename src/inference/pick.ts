/**
 * "What I right-click on" (issue 18): the object under the pointer is kept, every other object is
 * painted. DeepLab labels classes, not instances, so "the object" is the connected region of the
 * class under the point: two people apart are two objects; two people touching are one region.
 * Pure functions over label and alpha grids (tests/unit/pick.test.ts).
 */

import type { PickPoint } from '../messaging/protocol';

/** The object to keep: the region of the mask holding `point`; `invert` paints it and keeps the rest. */
export interface KeepRegion {
  point: PickPoint;
  invert: boolean;
}

/**
 * A click lands on a thin part's edge, or just beside it, as often as on it: the nearest subject
 * pixel within this share of the image's diagonal counts as clicked.
 */
export const PICK_REACH = 0.04;

/**
 * The pixel of `labels` (a `w`×`h` class map) nearest to `point` whose class is in `subject`,
 * within `reach` of the diagonal; undefined when the click was on background.
 */
export function pickSeed(labels: Uint8Array, w: number, h: number, point: PickPoint, subject: readonly number[], reach = PICK_REACH): { x: number; y: number; cls: number } | undefined {
  const isSubject = new Uint8Array(256);
  for (const c of subject) isSubject[c] = 1;
  return nearest(w, h, point, reach, (i) => isSubject[labels[i]] === 1, (i) => labels[i]);
}

/** The index nearest to `point` (in pixel centres) for which `ok` holds, searched in growing rings. */
function nearest<T>(w: number, h: number, point: PickPoint, reach: number, ok: (i: number) => boolean, value: (i: number) => T) {
  const px = clampIndex(point.x * w, w), py = clampIndex(point.y * h, h);
  const maxR = Math.ceil(reach * Math.hypot(w, h));
  let best: { x: number; y: number; cls: T } | undefined, bestD = Infinity;
  for (let r = 0; r <= maxR; r++) {
    // Every pixel on the square ring at Chebyshev distance r; a nearer one (in Euclid) may sit on a
    // later ring only while r ≤ the best distance found so far.
    if (r > bestD) break;
    for (let y = py - r; y <= py + r; y++) {
      if (y < 0 || y >= h) continue;
      const edge = y === py - r || y === py + r;
      for (let x = px - r; x <= px + r; x += edge ? 1 : 2 * r || 1) {
        if (x < 0 || x >= w) continue;
        const i = y * w + x;
        if (!ok(i)) continue;
        const d = Math.hypot(x - px, y - py);
        if (d < bestD && d <= maxR) {
          bestD = d;
          best = { x, y, cls: value(i) };
        }
      }
    }
  }
  return best;
}

const clampIndex = (v: number, n: number) => Math.min(n - 1, Math.max(0, Math.floor(v)));

/**
 * Keeps, in the keep-alpha `rgba` (alpha in channel 3, `w`×`h`), only the 8-connected region of
 * pixels at or above `threshold` that holds the one nearest to `point`, with its soft rim (pixels
 * under the threshold but above 0, up to `rim` steps out from it), so the region's edge stays the
 * mask's own; every other pixel's alpha becomes 0. Returns false, changing nothing, when no such
 * pixel lies within reach of the point.
 */
export function keepRegion(rgba: Uint8ClampedArray, w: number, h: number, point: PickPoint, threshold = 128, reach = PICK_REACH, rim = 3): boolean {
  const seed = nearest(w, h, point, reach, (i) => rgba[(i << 2) + 3] >= threshold, () => 0);
  if (!seed) return false;
  const n = w * h;
  const inside = new Uint8Array(n);
  const queue = new Int32Array(n);
  let head = 0, tail = 0;
  const visit = (pass: (a: number) => boolean) => {
    while (head < tail) {
      const i = queue[head++];
      const x = i % w, y = (i - x) / w;
      for (let yy = Math.max(0, y - 1); yy <= Math.min(h - 1, y + 1); yy++) {
        for (let xx = Math.max(0, x - 1); xx <= Math.min(w - 1, x + 1); xx++) {
          const j = yy * w + xx;
          if (!inside[j] && pass(rgba[(j << 2) + 3])) {
            inside[j] = 1;
            queue[tail++] = j;
          }
        }
      }
    }
  };
  queue[tail++] = seed.y * w + seed.x;
  inside[seed.y * w + seed.x] = 1;
  visit((a) => a >= threshold);
  // The rim, one ring of soft pixels at a time, each grown from the last.
  for (let step = 0, from = 0; step < rim && from < tail; step++) {
    const end = tail;
    for (let k = from; k < end; k++) {
      const i = queue[k];
      const x = i % w, y = (i - x) / w;
      for (let yy = Math.max(0, y - 1); yy <= Math.min(h - 1, y + 1); yy++) {
        for (let xx = Math.max(0, x - 1); xx <= Math.min(w - 1, x + 1); xx++) {
          const j = yy * w + xx;
          if (!inside[j] && rgba[(j << 2) + 3] > 0) {
            inside[j] = 1;
            queue[tail++] = j;
          }
        }
      }
    }
    from = end;
  }
  for (let i = 0; i < n; i++) if (!inside[i]) rgba[(i << 2) + 3] = 0;
  return true;
}
