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
 * `keepAlpha(subjectProbability(logits, subject), invert, lo, hi)`, byte for byte, in a fraction of
 * the time. The smoothstep makes every probability above `hi` exactly 255 and below `lo` exactly 0,
 * and most pixels are that sure, which one pass over the logits shows without an exponential: with
 * ms the best subject logit and mn the best other one, p ≥ e^ms / (e^ms + |others|·e^mn), so
 * ms − mn ≥ ln(|others|·hi/(1−hi)) means p ≥ hi; and p ≤ |subject|·e^ms / (|subject|·e^ms + e^mn),
 * so mn − ms ≥ ln(|subject|·(1−lo)/lo) means p ≤ lo. Only the pixels in between need the softmax.
 */
export function subjectKeepAlpha(
  logits: Float32Array, subject: readonly number[] = ALL_OBJECTS, invert = false, lo = 0.25, hi = 0.75,
): Uint8ClampedArray<ArrayBuffer> {
  const n = logits.length / NUM_CLASSES;
  const isSubject = subjectFlags(subject);
  const inside = isSubject.reduce((a, f) => a + f, 0);
  // (A little beyond the bounds, so float32 rounding of the probability cannot cross them.)
  const keepMargin = Math.log(((NUM_CLASSES - inside) * hi) / (1 - hi)) + 1e-3;
  const dropMargin = Math.log((inside * (1 - lo)) / lo) + 1e-3;
  const out = new Uint8ClampedArray(n * 4);
  const span = hi - lo;
  const sure = invert ? 0 : 255, unsure = 255 - sure;
  for (let i = 0, base = 0; i < n; i++, base += NUM_CLASSES) {
    let ms = -Infinity, mn = -Infinity;
    for (let c = 0; c < NUM_CLASSES; c++) {
      const l = logits[base + c];
      if (isSubject[c]) {
        if (l > ms) ms = l;
      } else if (l > mn) mn = l;
    }
    const lead = ms - mn;
    if (lead >= keepMargin) out[(i << 2) + 3] = sure;
    else if (-lead >= dropMargin) out[(i << 2) + 3] = unsure;
    else {
      // Through a float32, as subjectProbability stores it, so both paths round alike.
      PROB[0] = softSubject(logits, base, isSubject);
      let t = (PROB[0] - lo) / span;
      t = t <= 0 ? 0 : t >= 1 ? 1 : t * t * (3 - 2 * t);
      out[(i << 2) + 3] = (invert ? 1 - t : t) * 255;
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
