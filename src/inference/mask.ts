/** Subject masks from DeepLab's per-class logits: soft probabilities, not only an argmax. */

export const VOC_LABELS = [
  'background', 'aeroplane', 'bicycle', 'bird', 'boat', 'bottle', 'bus', 'car', 'cat', 'chair', 'cow',
  'diningtable', 'dog', 'horse', 'motorbike', 'person', 'pottedplant', 'sheep', 'sofa', 'train', 'tv',
] as const;
export const NUM_CLASSES = VOC_LABELS.length;
export const PERSON = 15;

/** Every class but background: the default subject. */
export const ALL_OBJECTS: readonly number[] = VOC_LABELS.map((_, i) => i).filter((i) => i !== 0);

/**
 * Per pixel, the softmax probability that it belongs to one of `subject` classes.
 * `logits` is HWC with `NUM_CLASSES` channels.
 */
export function subjectProbability(logits: Float32Array, subject: readonly number[] = ALL_OBJECTS): Float32Array {
  const n = logits.length / NUM_CLASSES;
  const isSubject = subjectFlags(subject);
  const out = new Float32Array(n);
  for (let i = 0, base = 0; i < n; i++, base += NUM_CLASSES) {
    // Beyond CONFIDENT logits, every other class's softmax share is < 21·e^-17 (< 1e-6).
    out[i] = sureClass(logits, base, CONFIDENT, isSubject) ?? softSubject(logits, base, isSubject);
  }
  return out;
}

const CONFIDENT = 17;

const subjectFlags = (subject: readonly number[]) => {
  const flags = new Uint8Array(NUM_CLASSES);
  for (const c of subject) flags[c] = 1;
  return flags;
};

/**
 * 1 or 0 when the best class at `base` leads every other by more than `margin` logits (whether it
 * is a subject class), undefined otherwise. Most pixels are sure: no exponential is computed.
 */
function sureClass(logits: Float32Array, base: number, margin: number, isSubject: Uint8Array): number | undefined {
  let best = 0, max = logits[base], second = -Infinity;
  for (let c = 1; c < NUM_CLASSES; c++) {
    const l = logits[base + c];
    if (l > max) {
      second = max;
      max = l;
      best = c;
    } else if (l > second) second = l;
  }
  return max - second > margin ? isSubject[best] : undefined;
}

/** The softmax probability of the subject classes at `base`. */
function softSubject(logits: Float32Array, base: number, isSubject: Uint8Array): number {
  let max = logits[base];
  for (let c = 1; c < NUM_CLASSES; c++) if (logits[base + c] > max) max = logits[base + c];
  let total = 0, inside = 0;
  for (let c = 0; c < NUM_CLASSES; c++) {
    const e = Math.exp(logits[base + c] - max);
    total += e;
    if (isSubject[c]) inside += e;
  }
  return inside / total;
}

/** The class index of each pixel (argmax), e.g. for the golden test against the official mask. */
export function argmaxLabels(logits: Float32Array): Uint8Array {
  const n = logits.length / NUM_CLASSES;
  const out = new Uint8Array(n);
  for (let i = 0, base = 0; i < n; i++, base += NUM_CLASSES) {
    let best = 0;
    for (let c = 1; c < NUM_CLASSES; c++) if (logits[base + c] > logits[base + best]) best = c;
    out[i] = best;
  }
  return out;
}

/**
 * Probability → keep-alpha (0…255) of the original pixel. A smoothstep between `lo` and `hi`
 * makes confident pixels exactly 0 or 255 (the subject stays pixel-for-pixel the original) while
 * the uncertain band in between becomes a soft edge. `invert` keeps the background instead.
 */
export function keepAlpha(prob: Float32Array, invert = false, lo = 0.25, hi = 0.75): Uint8ClampedArray<ArrayBuffer> {
  const out = new Uint8ClampedArray(prob.length * 4);
  const span = hi - lo;
  for (let i = 0; i < prob.length; i++) {
    let t = (prob[i] - lo) / span;
    t = t <= 0 ? 0 : t >= 1 ? 1 : t * t * (3 - 2 * t);
    out[(i << 2) + 3] = (invert ? 1 - t : t) * 255; // Uint8ClampedArray rounds
  }
  return out;
}

/**
 * Logits given at the points of a coarse grid, standing for their bilinear, align-corners upsampling
 * to a width×height image: every `step`-th pixel is a grid point, so the grid is
 * ((width − 1)/step + 1)×((height − 1)/step + 1). DeepLab's graph ends in exactly that resize (33² →
 * 257² in the official file, step 8); the pipeline's copy of the graph stops before it
 * (deeplab-resize.ts) and gives the grid, and the mask upsamples only what it needs.
 */
export interface LogitGrid {
  width: number;
  height: number;
  step: number;
}

/** The grid's points along each side, or undefined when `width`, `height` and `step` do not fit. */
export function gridPoints({ width, height, step }: LogitGrid): { gw: number; gh: number } | undefined {
  const cx = (width - 1) / step, cy = (height - 1) / step;
  if (!Number.isInteger(step) || step < 1 || !Number.isInteger(cx) || !Number.isInteger(cy) || cx < 1 || cy < 1) return undefined;
  return { gw: cx + 1, gh: cy + 1 };
}

/**
 * Writes into `out` (at `at`) the NUM_CLASSES logits of pixel (x, y) of the upsampled image: the
 * align-corners bilinear mix of its cell's four grid points, computed in doubles and stored as
 * float32 (as a float32 model output holds them).
 */
function interpolate(grid: Float32Array, gw: number, gh: number, step: number, x: number, y: number, out: Float32Array, at: number) {
  const gx = Math.min(Math.floor(x / step), gw - 2), gy = Math.min(Math.floor(y / step), gh - 2);
  const wx = (x - gx * step) / step, wy = (y - gy * step) / step;
  const b00 = (gy * gw + gx) * NUM_CLASSES, b01 = b00 + NUM_CLASSES, b10 = b00 + gw * NUM_CLASSES, b11 = b10 + NUM_CLASSES;
  for (let c = 0; c < NUM_CLASSES; c++) {
    out[at + c] = (1 - wy) * ((1 - wx) * grid[b00 + c] + wx * grid[b01 + c]) + wy * ((1 - wx) * grid[b10 + c] + wx * grid[b11 + c]);
  }
}

/** The full width×height logits (HWC) of a LogitGrid's points: what the official graph's last resize gives. */
export function upsampleLogits(grid: Float32Array, spec: LogitGrid): Float32Array {
  const points = gridPoints(spec);
  if (!points || points.gw * points.gh * NUM_CLASSES !== grid.length) throw new Error(`mask: ${grid.length / NUM_CLASSES} grid points do not fit ${spec.width}×${spec.height} at step ${spec.step}`);
  const { width, height, step } = spec;
  const out = new Float32Array(width * height * NUM_CLASSES);
  for (let y = 0, i = 0; y < height; y++) for (let x = 0; x < width; x++, i += NUM_CLASSES) interpolate(grid, points.gw, points.gh, step, x, y, out, i);
  return out;
}

export interface KeepOptions {
  /** The classes kept as the subject (every object by default). */
  subject?: readonly number[];
  /** Keep the background instead. */
  invert?: boolean;
  /** keepAlpha's ramp. */
  lo?: number;
  hi?: number;
  /** The logits are a grid's points (see LogitGrid); the alpha is made at the grid's full size. */
  grid?: LogitGrid;
}

/**
 * `keepAlpha(subjectProbability(logits, subject), invert, lo, hi)`, byte for byte, in a fraction of
 * the time. The smoothstep makes every probability above `hi` exactly 255 and below `lo` exactly 0,
 * and most pixels are that sure, which one pass over the logits shows without an exponential: with
 * ms the best subject logit and mn the best other one, p ≥ e^ms / (e^ms + |others|·e^mn), so
 * ms − mn ≥ ln(|others|·hi/(1−hi)) means p ≥ hi; and p ≤ |subject|·e^ms / (|subject|·e^ms + e^mn),
 * so mn − ms ≥ ln(|subject|·(1−lo)/lo) means p ≤ lo. Only the pixels in between need the softmax.
 *
 * With `grid`, `logits` are the grid's points and the alpha is `grid.width`×`grid.height`, the same
 * bytes as for the upsampled logits (upsampleLogits). Whole cells are decided from their four
 * corners: inside a cell every logit vector is a convex combination of the corners', and a convex
 * function of the logits is largest at a corner (see below). A cell sure at its corners is filled
 * without computing its pixels; only cells along the subject's edge are upsampled, pixel by pixel.
 */
export function subjectKeepAlpha(logits: Float32Array, options: KeepOptions = {}): Uint8ClampedArray<ArrayBuffer> {
  const { subject = ALL_OBJECTS, invert = false, lo = 0.25, hi = 0.75, grid } = options;
  const points = grid && gridPoints(grid);
  if (grid && (!points || points.gw * points.gh * NUM_CLASSES !== logits.length)) {
    throw new Error(`mask: ${logits.length / NUM_CLASSES} grid points do not fit ${grid.width}×${grid.height} at step ${grid.step}`);
  }
  const n = grid ? grid.width * grid.height : logits.length / NUM_CLASSES;
  const isSubject = subjectFlags(subject);
  const inside = isSubject.reduce((a, f) => a + f, 0);
  // (A little beyond the bounds, so float32 rounding of the probability, or of the model's own
  // interpolation, cannot cross them.)
  const keepMargin = Math.log(((NUM_CLASSES - inside) * hi) / (1 - hi)) + 1e-3;
  const dropMargin = Math.log((inside * (1 - lo)) / lo) + 1e-3;
  const out = new Uint8ClampedArray(n * 4);
  const span = hi - lo;
  const keep = invert ? 0 : 255, drop = 255 - keep;

  // Second test, two exponentials: with ms2, mn2 the runners-up on each side, the others' sum is at
  // most e^mn + (|others|−1)·e^mn2 and the subject's at least e^ms (and the other way round).
  const keepRatio = ((1 - hi) / hi) * (1 - 1e-3), dropRatio = (lo / (1 - lo)) * (1 - 1e-3);
  const othersBut1 = Math.max(0, NUM_CLASSES - inside - 1), insideBut1 = Math.max(0, inside - 1);
  /** Pixel `i`'s alpha from the logits at `base` of `l`. */
  const pixel = (i: number, l: Float32Array, base: number) => {
    let ms = -Infinity, ms2 = -Infinity, mn = -Infinity, mn2 = -Infinity;
    for (let c = 0; c < NUM_CLASSES; c++) {
      const v = l[base + c];
      if (isSubject[c]) {
        if (v > ms) {
          ms2 = ms;
          ms = v;
        } else if (v > ms2) ms2 = v;
      } else if (v > mn) {
        mn2 = mn;
        mn = v;
      } else if (v > mn2) mn2 = v;
    }
    const lead = ms - mn;
    if (lead >= keepMargin) out[(i << 2) + 3] = keep;
    else if (-lead >= dropMargin) out[(i << 2) + 3] = drop;
    else if (Math.exp(-lead) + (othersBut1 ? othersBut1 * Math.exp(mn2 - ms) : 0) <= keepRatio) out[(i << 2) + 3] = keep;
    else if (Math.exp(lead) + (insideBut1 ? insideBut1 * Math.exp(ms2 - mn) : 0) <= dropRatio) out[(i << 2) + 3] = drop;
    else {
      // Through a float32, as subjectProbability stores it, so both paths round alike.
      PROB[0] = softSubject(l, base, isSubject);
      let t = (PROB[0] - lo) / span;
      t = t <= 0 ? 0 : t >= 1 ? 1 : t * t * (3 - 2 * t);
      out[(i << 2) + 3] = (invert ? 1 - t : t) * 255;
    }
  };

  if (!grid || !points) {
    for (let i = 0; i < n; i++) pixel(i, logits, i * NUM_CLASSES);
    return out;
  }
  const { width, step } = grid;
  const { gw, gh } = points;
  /** Σ e^(l_k − l_c) over the classes k on the other side than `c`, at grid point `p`. */
  const othersOver = (p: number, c: number) => {
    const base = p * NUM_CLASSES, side = isSubject[c], lc = logits[base + c];
    let sum = 0;
    for (let k = 0; k < NUM_CLASSES; k++) if (isSubject[k] !== side) sum += Math.exp(logits[base + k] - lc);
    return sum;
  };
  /** The class of `side` (1: subject) with the highest logit at grid point `p`, or -1 when there is none. */
  const strongest = (p: number, side: number) => {
    const base = p * NUM_CLASSES;
    let best = -1;
    for (let k = 0; k < NUM_CLASSES; k++) if (isSubject[k] === side && (best < 0 || logits[base + k] > logits[base + best])) best = k;
    return best;
  };
  const scratch = new Float32Array(NUM_CLASSES);
  for (let cy = 0; cy < gh - 1; cy++) {
    for (let cx = 0; cx < gw - 1; cx++) {
      const corners = [cy * gw + cx, cy * gw + cx + 1, (cy + 1) * gw + cx, (cy + 1) * gw + cx + 1];
      // Keep if, for the subject class s strongest at the first corner, Σ_others e^(l − l_s) ≤
      // (1−hi)/hi at all four corners: the subject then has at least 1/(1 + that sum) ≥ hi, and the
      // sum, a convex function of the logits, is at most its largest corner value inside the cell.
      // Drop likewise with a class that is not the subject.
      let value = -1;
      for (const [side, ratio, v] of [[1, keepRatio, keep], [0, dropRatio, drop]] as const) {
        const c = strongest(corners[0], side);
        if (c < 0) value = side ? drop : keep; // no class on this side at all
        else if (corners.every((p) => othersOver(p, c) <= ratio)) value = v;
        if (value >= 0) break;
      }
      // Half-open cells, the last row and column closed, so each pixel belongs to one cell.
      const y0 = cy * step, x0 = cx * step;
      const y1 = cy === gh - 2 ? y0 + step + 1 : y0 + step, x1 = cx === gw - 2 ? x0 + step + 1 : x0 + step;
      for (let y = y0; y < y1; y++) {
        for (let x = x0, i = y * width + x0; x < x1; x++, i++) {
          if (value >= 0) out[(i << 2) + 3] = value;
          else {
            interpolate(logits, gw, gh, step, x, y, scratch, 0);
            pixel(i, scratch, 0);
          }
        }
      }
    }
  }
  return out;
}

const PROB = new Float32Array(1);

/** Mean of the keep-alpha: how much of the image the subject covers (0…1). */
export function coverage(alphaRgba: Uint8ClampedArray): number {
  let sum = 0;
  for (let i = 3; i < alphaRgba.length; i += 4) sum += alphaRgba[i];
  return sum / (255 * (alphaRgba.length / 4));
}

/**
 * The keep-mask's ramp over the subject's probability (keepAlpha's lo and hi). Lower than an even
 * 0.25–0.75: DeepLab is sure of the background (below 1 % almost everywhere off the subject), so a
 * point it gives 0.1–0.5 is more often a faintly seen part of the subject (white leggings against a
 * white wall) than background; the refinement then puts the edge where the photo's edge is. On the
 * quality fixtures the lower ramp alone cut the bleed by a third for 1.5 points more halo (docs/benchmark.md, "Part 4").
 */
export const KEEP_RAMP = { lo: 0.1, hi: 0.5 } as const;

/** recoverThinParts' thresholds: `core`, the subject for sure; `faint`, a part of it seen faintly. */
export const THIN_PARTS = { core: 0.5, faint: 0.1 } as const;

/**
 * Thin parts DeepLab sees only faintly (a raised arm, a leg stretched back: a trail of grid points at
 * 0.1–0.5 reaching out from the subject, where the background around is below 0.01) made subject:
 * the faint points connected to the sure ones (8-neighbours, through points at `faint` or more) that
 * reach beyond the sure region's own soft rim, and their faint neighbours, get their subject logits
 * raised so that `faint` becomes 0.75, past KEEP_RAMP, and the refinement then snaps their edge to
 * the photo's. The rim itself, the faint ring one point wide around every sure region, is left as it
 * is: raising it too would widen the whole outline into a halo. Works on the grid's points (a few
 * thousand), not the pixels. Returns `logits` itself when no point was raised.
 */
export function recoverThinParts(
  logits: Float32Array, grid: LogitGrid, subject: readonly number[] = ALL_OBJECTS, { core, faint } = THIN_PARTS,
): Float32Array {
  const points = gridPoints(grid);
  if (!points || points.gw * points.gh * NUM_CLASSES !== logits.length) {
    throw new Error(`mask: ${logits.length / NUM_CLASSES} grid points do not fit ${grid.width}×${grid.height} at step ${grid.step}`);
  }
  const { gw, gh } = points, n = gw * gh;
  const p = subjectProbability(logits, subject);
  /** Calls `f` with each 8-neighbour of point `i` (and `i` itself) inside the grid. */
  const around = (i: number, f: (j: number) => void) => {
    const x = i % gw, y = (i - x) / gw;
    for (let Y = Math.max(0, y - 1); Y <= Math.min(gh - 1, y + 1); Y++) for (let X = Math.max(0, x - 1); X <= Math.min(gw - 1, x + 1); X++) f(Y * gw + X);
  };
  // The faint points connected to a sure one, and the rim: every point next to a sure one.
  const connected = new Uint8Array(n), rim = new Uint8Array(n), stack: number[] = [];
  for (let i = 0; i < n; i++) {
    if (p[i] < core) continue;
    connected[i] = 1;
    stack.push(i);
    around(i, (j) => (rim[j] = 1));
  }
  while (stack.length) {
    around(stack.pop()!, (j) => {
      if (!connected[j] && p[j] >= faint) {
        connected[j] = 1;
        stack.push(j);
      }
    });
  }
  // The parts: connected faint points beyond the rim, with their connected neighbours (which joins them to the subject).
  const raise = new Uint8Array(n);
  let any = false;
  for (let i = 0; i < n; i++) {
    if (!connected[i] || rim[i]) continue;
    any = true;
    around(i, (j) => {
      if (connected[j] && p[j] < core) raise[j] = 1;
    });
  }
  if (!any) return logits;
  const logit = (v: number) => Math.log(v / (1 - v));
  const lift = logit(0.75) - logit(faint);
  const isSubject = subjectFlags(subject);
  const out = logits.slice();
  for (let i = 0; i < n; i++) {
    if (!raise[i]) continue;
    // The same lift on every subject class moves the subject's log-odds by exactly `lift`.
    for (let c = 0, b = i * NUM_CLASSES; c < NUM_CLASSES; c++) if (isSubject[c]) out[b + c] += lift;
  }
  return out;
}
