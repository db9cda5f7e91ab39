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
  const isSubject = new Uint8Array(NUM_CLASSES);
  for (const c of subject) isSubject[c] = 1;
  const out = new Float32Array(n);
  for (let i = 0, base = 0; i < n; i++, base += NUM_CLASSES) {
    let best = 0, max = logits[base], second = -Infinity;
    for (let c = 1; c < NUM_CLASSES; c++) {
      const l = logits[base + c];
      if (l > max) {
        second = max;
        max = l;
        best = c;
      } else if (l > second) second = l;
    }
    // Most pixels are sure: every other class is > CONFIDENT logits below the best, so its softmax
    // share is < 21·e^-CONFIDENT (< 1e-6): the answer is 0 or 1 without computing 21 exponentials.
    if (max - second > CONFIDENT) {
      out[i] = isSubject[best];
      continue;
    }
    let total = 0, inside = 0;
    for (let c = 0; c < NUM_CLASSES; c++) {
      const e = Math.exp(logits[base + c] - max);
      total += e;
      if (isSubject[c]) inside += e;
    }
    out[i] = inside / total;
  }
  return out;
}

const CONFIDENT = 17;

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

/** Mean of the keep-alpha: how much of the image the subject covers (0…1). */
export function coverage(alphaRgba: Uint8ClampedArray): number {
  let sum = 0;
  for (let i = 3; i < alphaRgba.length; i += 4) sum += alphaRgba[i];
  return sum / (255 * (alphaRgba.length / 4));
}
