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
 * Logits that are a bilinear, align-corners upsampling of a coarser grid: every `step`-th pixel of
 * a `width`-wide square is a grid point. DeepLab here: 33² → 257², step 8 (`SEG_GRID` in models.ts).
 */
export interface LogitGrid {
  width: number;
  step: number;
}

export interface KeepOptions {
  /** The classes kept as the subject (every object by default). */
  subject?: readonly number[];
  /** Keep the background instead. */
  invert?: boolean;
  /** keepAlpha's ramp. */
  lo?: number;
  hi?: number;
  /** The logits' grid structure, when they have one (see LogitGrid). */
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
 * With `grid`, whole cells are decided from their four corners: inside a cell every logit vector
 * is a convex combination of the corners', and a convex function of the logits is largest at a
 * corner (see below). A cell sure at its corners is filled without reading its pixels; only cells
 * along the subject's edge are computed pixel by pixel.
 */
export function subjectKeepAlpha(logits: Float32Array, options: KeepOptions = {}): Uint8ClampedArray<ArrayBuffer> {
  const { subject = ALL_OBJECTS, invert = false, lo = 0.25, hi = 0.75, grid } = options;
  const n = logits.length / NUM_CLASSES;
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
  const pixel = (i: number) => {
    const base = i * NUM_CLASSES;
    let ms = -Infinity, ms2 = -Infinity, mn = -Infinity, mn2 = -Infinity;
    for (let c = 0; c < NUM_CLASSES; c++) {
      const l = logits[base + c];
      if (isSubject[c]) {
        if (l > ms) {
          ms2 = ms;
          ms = l;
        } else if (l > ms2) ms2 = l;
      } else if (l > mn) {
        mn2 = mn;
        mn = l;
      } else if (l > mn2) mn2 = l;
    }
    const lead = ms - mn;
    if (lead >= keepMargin) out[(i << 2) + 3] = keep;
    else if (-lead >= dropMargin) out[(i << 2) + 3] = drop;
    else if (Math.exp(-lead) + (othersBut1 ? othersBut1 * Math.exp(mn2 - ms) : 0) <= keepRatio) out[(i << 2) + 3] = keep;
    else if (Math.exp(lead) + (insideBut1 ? insideBut1 * Math.exp(ms2 - mn) : 0) <= dropRatio) out[(i << 2) + 3] = drop;
    else {
      // Through a float32, as subjectProbability stores it, so both paths round alike.
      PROB[0] = softSubject(logits, base, isSubject);
      let t = (PROB[0] - lo) / span;
      t = t <= 0 ? 0 : t >= 1 ? 1 : t * t * (3 - 2 * t);
      out[(i << 2) + 3] = (invert ? 1 - t : t) * 255;
    }
  };

  const cells = grid ? (grid.width - 1) / grid.step : 0;
  if (!grid || !Number.isInteger(cells) || cells < 1 || grid.width * grid.width !== n) {
    for (let i = 0; i < n; i++) pixel(i);
    return out;
  }
  const { width, step } = grid;
  /** Σ e^(l_k − l_c) over the classes k on the other side than `c`, at pixel `i`. */
  const othersOver = (i: number, c: number) => {
    const base = i * NUM_CLASSES, side = isSubject[c], lc = logits[base + c];
    let sum = 0;
    for (let k = 0; k < NUM_CLASSES; k++) if (isSubject[k] !== side) sum += Math.exp(logits[base + k] - lc);
    return sum;
  };
  /** The class of `side` (1: subject) with the highest logit at pixel `i`, or -1 when there is none. */
  const strongest = (i: number, side: number) => {
    const base = i * NUM_CLASSES;
    let best = -1;
    for (let k = 0; k < NUM_CLASSES; k++) if (isSubject[k] === side && (best < 0 || logits[base + k] > logits[base + best])) best = k;
    return best;
  };
  for (let cy = 0; cy < cells; cy++) {
    for (let cx = 0; cx < cells; cx++) {
      const y0 = cy * step, x0 = cx * step;
      const corners = [y0 * width + x0, y0 * width + x0 + step, (y0 + step) * width + x0, (y0 + step) * width + x0 + step];
      // Keep if, for the subject class s strongest at the first corner, Σ_others e^(l − l_s) ≤
      // (1−hi)/hi at all four corners: the subject then has at least 1/(1 + that sum) ≥ hi, and the
      // sum, a convex function of the logits, is at most its largest corner value inside the cell.
      // Drop likewise with a class that is not the subject.
      let value = -1;
      for (const [side, ratio, v] of [[1, keepRatio, keep], [0, dropRatio, drop]] as const) {
        const c = strongest(corners[0], side);
        if (c < 0) value = side ? drop : keep; // no class on this side at all
        else if (corners.every((i) => othersOver(i, c) <= ratio)) value = v;
        if (value >= 0) break;
      }
      // Half-open cells, the last row and column closed, so each pixel belongs to one cell.
      const y1 = cy === cells - 1 ? y0 + step + 1 : y0 + step, x1 = cx === cells - 1 ? x0 + step + 1 : x0 + step;
      for (let y = y0; y < y1; y++) {
        for (let x = x0, i = y * width + x0; x < x1; x++, i++) {
          if (value >= 0) out[(i << 2) + 3] = value;
          else pixel(i);
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
