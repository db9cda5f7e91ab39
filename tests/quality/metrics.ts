/**
 * The picture-quality measures of issue 18, pure (no browser, no model): a stylized result and its
 * original (RGBA at the same size) against a reference subject mask (1 = subject).
 *
 * - kept: every channel within KEPT_TOLERANCE (3/255) of the original; painted: mean absolute
 *   difference over R, G, B above PAINTED_THRESHOLD (12/255). A pixel may be neither (a soft edge).
 * - halo: the share of the band within BAND_SHARE (2 %) of the image diagonal *outside* the reference
 *   subject that is kept (original background left around the subject).
 * - bleed: the share of the band within 2 % of the diagonal *inside* the reference subject's outline
 *   that is painted (the subject's edge painted over).
 * - boundary F: the outline of the kept region against the reference outline, a pixel of one counting
 *   as matched within F_TOLERANCE_SHARE (0.5 %) of the diagonal of the other; F = 2PR / (P + R).
 *   Outlines are region pixels with a 4-neighbour outside the region; the image's frame is no outline.
 * - frame strip: of the reference subject's pixels within EDGE_PX of the image's edge, the share that
 *   is painted; and, where the reference subject touches the edge, the widest run of painted subject
 *   pixels going straight in from the edge (px).
 *
 * Distances are Euclidean between pixel centres (an exact distance transform).
 *
 * Pixels marked `unscored` (a reference corrected by hand: a region it cannot be trusted on either
 * way) count in none of the measures: not in a band, not on an outline, not in the frame strip.
 */

export interface Rgba {
  width: number;
  height: number;
  data: Uint8Array | Uint8ClampedArray;
}

export const KEPT_TOLERANCE = 3;
export const PAINTED_THRESHOLD = 12;
export const BAND_SHARE = 0.02;
export const F_TOLERANCE_SHARE = 0.005;
export const EDGE_PX = 4;

/** What the targets of issue 18 ask, at the default settings. */
export const TARGETS = { haloMax: 0.05, bleedMax: 0.05, fMin: 0.8 } as const;

/** A count out of a total; share is NaN when the total is 0. */
export interface Share {
  count: number;
  total: number;
  share: number;
}

export interface BoundaryF {
  /** Kept-outline pixels within the tolerance of the reference outline, of all kept-outline pixels. */
  precision: Share;
  /** Reference-outline pixels within the tolerance of the kept outline, of all reference-outline pixels. */
  recall: Share;
  f: number;
}

export interface FrameStrip {
  /** Painted reference-subject pixels within EDGE_PX of the edge, of all reference-subject pixels there. */
  painted: Share;
  /** The widest painted run straight in from the edge, over the edge pixels the reference subject covers (px). */
  widest: number;
  /** Edge pixels the reference subject covers. */
  touching: number;
}

export interface PhotoQuality {
  width: number;
  height: number;
  diagonal: number;
  bandPx: number;
  tolerancePx: number;
  halo: Share;
  bleed: Share;
  boundary: BoundaryF;
  strip: FrameStrip;
  /** Share of the picture the reference calls subject, and share the result kept. */
  referenceArea: number;
  keptArea: number;
}

export interface QualityMasks {
  kept: Uint8Array;
  painted: Uint8Array;
  outsideBand: Uint8Array;
  insideBand: Uint8Array;
  referenceOutline: Uint8Array;
  keptOutline: Uint8Array;
  /** The painted runs counted as frame strip. */
  strip: Uint8Array;
  /** Pixels no measure counts (a reference corrected by hand), when there are any. */
  unscored?: Uint8Array;
}

const share = (count: number, total: number): Share => ({ count, total, share: total ? count / total : NaN });

/** 1 where the result keeps the original (every channel within KEPT_TOLERANCE). */
export function keptPixels(result: Rgba, original: Rgba, tolerance = KEPT_TOLERANCE): Uint8Array {
  sameSize(result, original);
  const n = result.width * result.height;
  const out = new Uint8Array(n);
  const a = result.data, b = original.data;
  for (let i = 0, j = 0; i < n; i++, j += 4) {
    out[i] = Math.abs(a[j] - b[j]) <= tolerance && Math.abs(a[j + 1] - b[j + 1]) <= tolerance
      && Math.abs(a[j + 2] - b[j + 2]) <= tolerance && Math.abs(a[j + 3] - b[j + 3]) <= tolerance ? 1 : 0;
  }
  return out;
}

/** 1 where the result is painted (mean absolute difference over R, G, B above PAINTED_THRESHOLD). */
export function paintedPixels(result: Rgba, original: Rgba, threshold = PAINTED_THRESHOLD): Uint8Array {
  sameSize(result, original);
  const n = result.width * result.height;
  const out = new Uint8Array(n);
  const a = result.data, b = original.data;
  for (let i = 0, j = 0; i < n; i++, j += 4) {
    out[i] = Math.abs(a[j] - b[j]) + Math.abs(a[j + 1] - b[j + 1]) + Math.abs(a[j + 2] - b[j + 2]) > 3 * threshold ? 1 : 0;
  }
  return out;
}

function sameSize(a: Rgba, b: Rgba) {
  if (a.width !== b.width || a.height !== b.height) throw new Error(`size differs: ${a.width}×${a.height} vs ${b.width}×${b.height}`);
  if (a.data.length !== a.width * a.height * 4 || b.data.length !== b.width * b.height * 4) throw new Error('not RGBA');
}

/**
 * Euclidean distance from each pixel's centre to the nearest pixel where `set` is 1 (0 on them;
 * Infinity when none is set): Felzenszwalb and Huttenlocher's exact transform, rows then columns.
 */
export function distanceTo(set: Uint8Array, w: number, h: number): Float64Array {
  const INF = 1e20;
  const d = new Float64Array(w * h);
  for (let i = 0; i < d.length; i++) d[i] = set[i] ? 0 : INF;
  const n = Math.max(w, h);
  const f = new Float64Array(n), g = new Float64Array(n), z = new Float64Array(n + 1);
  const v = new Int32Array(n);
  const pass = (len: number, get: (k: number) => number, put: (k: number, x: number) => void) => {
    for (let k = 0; k < len; k++) f[k] = get(k);
    lowerEnvelope(f, len, g, v, z);
    for (let k = 0; k < len; k++) put(k, g[k]);
  };
  for (let y = 0; y < h; y++) pass(w, (x) => d[y * w + x], (x, s) => (d[y * w + x] = s));
  for (let x = 0; x < w; x++) pass(h, (y) => d[y * w + x], (y, s) => (d[y * w + x] = s));
  for (let i = 0; i < d.length; i++) d[i] = d[i] >= INF / 2 ? Infinity : Math.sqrt(d[i]);
  return d;
}

/** The 1-D squared distance transform of sampled function f (length len) into out. */
function lowerEnvelope(f: Float64Array, len: number, out: Float64Array, v: Int32Array, z: Float64Array) {
  let k = 0;
  v[0] = 0;
  z[0] = -Infinity;
  z[1] = Infinity;
  for (let q = 1; q < len; q++) {
    let s = ((f[q] + q * q) - (f[v[k]] + v[k] * v[k])) / (2 * q - 2 * v[k]);
    while (s <= z[k]) {
      k--;
      s = ((f[q] + q * q) - (f[v[k]] + v[k] * v[k])) / (2 * q - 2 * v[k]);
    }
    k++;
    v[k] = q;
    z[k] = s;
    z[k + 1] = Infinity;
  }
  k = 0;
  for (let q = 0; q < len; q++) {
    while (z[k + 1] < q) k++;
    out[q] = (q - v[k]) * (q - v[k]) + f[v[k]];
  }
}

/** Region pixels with a 4-neighbour inside the image that is outside the region. */
export function outline(region: Uint8Array, w: number, h: number): Uint8Array {
  const out = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      if (!region[i]) continue;
      out[i] = (x > 0 && !region[i - 1]) || (x < w - 1 && !region[i + 1]) || (y > 0 && !region[i - w]) || (y < h - 1 && !region[i + w]) ? 1 : 0;
    }
  }
  return out;
}

const not = (m: Uint8Array) => m.map((v) => (v ? 0 : 1));

/** Boundary precision, recall and F of the `found` outline against the `truth` outline, within `tolerance` px. */
export function boundaryF(found: Uint8Array, truth: Uint8Array, w: number, h: number, tolerance: number): BoundaryF {
  const toTruth = distanceTo(truth, w, h), toFound = distanceTo(found, w, h);
  let fHit = 0, fAll = 0, tHit = 0, tAll = 0;
  for (let i = 0; i < w * h; i++) {
    if (found[i]) {
      fAll++;
      if (toTruth[i] <= tolerance) fHit++;
    }
    if (truth[i]) {
      tAll++;
      if (toFound[i] <= tolerance) tHit++;
    }
  }
  return fScore(share(fHit, fAll), share(tHit, tAll));
}

/** F from precision and recall counts: 1 when neither outline has a pixel, 0 when only one has none. */
export function fScore(precision: Share, recall: Share): BoundaryF {
  if (!precision.total && !recall.total) return { precision, recall, f: 1 };
  const p = precision.total ? precision.share : 0, r = recall.total ? recall.share : 0;
  return { precision, recall, f: p + r ? (2 * p * r) / (p + r) : 0 };
}

/** The frame strip: painted reference-subject pixels along the image's edge (see the module's comment). */
export function frameStrip(reference: Uint8Array, painted: Uint8Array, w: number, h: number, edgePx = EDGE_PX): { strip: FrameStrip; pixels: Uint8Array } {
  let zone = 0, hit = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      if (Math.min(x, y, w - 1 - x, h - 1 - y) >= edgePx) continue;
      const i = y * w + x;
      if (!reference[i]) continue;
      zone++;
      if (painted[i]) hit++;
    }
  }
  const pixels = new Uint8Array(w * h);
  let widest = 0, touching = 0;
  /** Walks in from the edge pixel (x0, y0) by (dx, dy) while the subject is painted; returns the run's length. */
  const run = (x0: number, y0: number, dx: number, dy: number, max: number) => {
    if (!reference[y0 * w + x0]) return;
    touching++;
    let n = 0;
    for (let x = x0, y = y0; n < max; x += dx, y += dy, n++) {
      const i = y * w + x;
      if (!reference[i] || !painted[i]) break;
      pixels[i] = 1;
    }
    widest = Math.max(widest, n);
  };
  for (let x = 0; x < w; x++) {
    run(x, 0, 0, 1, h);
    run(x, h - 1, 0, -1, h);
  }
  for (let y = 0; y < h; y++) {
    run(0, y, 1, 0, w);
    run(w - 1, y, -1, 0, w);
  }
  return { strip: { painted: share(hit, zone), widest, touching }, pixels };
}

/** A rectangle in a photo's pixels. */
export interface Box { x: number; y: number; w: number; h: number }

/** `mask` (`width` wide) with every pixel in `boxes` (clipped to the picture) set to `value`, in place. */
function fillBoxes(mask: Uint8Array, width: number, boxes: readonly Box[], value: number): Uint8Array {
  const height = mask.length / width;
  for (const { x, y, w, h } of boxes) {
    for (let row = Math.max(0, y); row < Math.min(height, y + h); row++) mask.fill(value, row * width + Math.max(0, x), row * width + Math.min(width, x + w));
  }
  return mask;
}

/** `reference` (1 = subject, `width` wide) with every pixel in `boxes` made background: a correction by hand. */
export const withBackground = (reference: Uint8Array, width: number, boxes: readonly Box[]) => fillBoxes(reference.slice(), width, boxes, 0);

/** 1 inside any of `boxes` (clipped to the picture). */
export const boxMask = (width: number, height: number, boxes: readonly Box[]) => fillBoxes(new Uint8Array(width * height), width, boxes, 1);

/** Every measure for one photo, and the masks an overlay draws. */
export function measure(result: Rgba, original: Rgba, reference: Uint8Array, unscored?: Uint8Array): { quality: PhotoQuality; masks: QualityMasks } {
  sameSize(result, original);
  const { width: w, height: h } = result;
  if (reference.length !== w * h) throw new Error(`reference mask has ${reference.length} pixels, not ${w}×${h}`);
  if (unscored && unscored.length !== w * h) throw new Error(`unscored mask has ${unscored.length} pixels, not ${w}×${h}`);
  const scored = (i: number) => !unscored?.[i];
  const diagonal = Math.hypot(w, h);
  const bandPx = BAND_SHARE * diagonal, tolerancePx = F_TOLERANCE_SHARE * diagonal;
  const kept = keptPixels(result, original), painted = paintedPixels(result, original);

  const toSubject = distanceTo(reference, w, h), toBackground = distanceTo(not(reference), w, h);
  const outsideBand = new Uint8Array(w * h), insideBand = new Uint8Array(w * h);
  let out = 0, halo = 0, inn = 0, bleed = 0, refArea = 0, keptArea = 0;
  for (let i = 0; i < w * h; i++) {
    if (kept[i]) keptArea++;
    if (!scored(i)) continue;
    if (reference[i]) {
      refArea++;
      if (toBackground[i] <= bandPx) {
        insideBand[i] = 1;
        inn++;
        if (painted[i]) bleed++;
      }
    } else if (toSubject[i] <= bandPx) {
      outsideBand[i] = 1;
      out++;
      if (kept[i]) halo++;
    }
  }
  const referenceOutline = outline(reference, w, h), keptOutline = outline(kept, w, h);
  if (unscored) {
    for (let i = 0; i < w * h; i++) if (unscored[i]) referenceOutline[i] = keptOutline[i] = 0;
  }
  const strip = frameStrip(unscored ? reference.map((v, i) => (unscored[i] ? 0 : v)) : reference, painted, w, h);
  return {
    quality: {
      width: w, height: h, diagonal, bandPx, tolerancePx,
      halo: share(halo, out), bleed: share(bleed, inn),
      boundary: boundaryF(keptOutline, referenceOutline, w, h, tolerancePx),
      strip: strip.strip,
      referenceArea: refArea / (w * h), keptArea: keptArea / (w * h),
    },
    masks: { kept, painted, outsideBand, insideBand, referenceOutline, keptOutline, strip: strip.pixels, ...(unscored ? { unscored } : {}) },
  };
}

export interface Overall {
  /** Counts added over every photo's pixels (F from the added precision and recall counts; widest strip the largest). */
  pooled: Summary;
  /** The mean of the photos' figures (NaN figures left out). */
  mean: Summary;
}

export interface Summary {
  halo: number;
  bleed: number;
  f: number;
  stripShare: number;
  stripWidest: number;
}

const add = (shares: Share[]) => share(shares.reduce((s, x) => s + x.count, 0), shares.reduce((s, x) => s + x.total, 0));
const meanOf = (xs: number[]) => {
  const ok = xs.filter((x) => !Number.isNaN(x));
  return ok.length ? ok.reduce((a, b) => a + b, 0) / ok.length : NaN;
};

export function overall(photos: PhotoQuality[]): Overall {
  const f = fScore(add(photos.map((p) => p.boundary.precision)), add(photos.map((p) => p.boundary.recall)));
  return {
    pooled: {
      halo: add(photos.map((p) => p.halo)).share,
      bleed: add(photos.map((p) => p.bleed)).share,
      f: f.f,
      stripShare: add(photos.map((p) => p.strip.painted)).share,
      stripWidest: Math.max(0, ...photos.map((p) => p.strip.widest)),
    },
    mean: {
      halo: meanOf(photos.map((p) => p.halo.share)),
      bleed: meanOf(photos.map((p) => p.bleed.share)),
      f: meanOf(photos.map((p) => p.boundary.f)),
      stripShare: meanOf(photos.map((p) => p.strip.painted.share)),
      stripWidest: meanOf(photos.map((p) => p.strip.widest)),
    },
  };
}

/**
 * Whether a photo (or a summary) meets issue 18's targets. "No frame strip" is read as: no painted
 * run from the edge into the subject wider than the boundary tolerance (0.5 % of the diagonal).
 */
export function meetsTargets(q: PhotoQuality): { halo: boolean; bleed: boolean; f: boolean; strip: boolean } {
  return {
    halo: !(q.halo.share > TARGETS.haloMax),
    bleed: !(q.bleed.share > TARGETS.bleedMax),
    f: q.boundary.f >= TARGETS.fMin,
    strip: q.strip.widest <= q.tolerancePx,
  };
}

/**
 * The picture a person looks at: the original dimmed, halo pixels red, bleed blue, frame strip
 * yellow, the reference outline green (drawn last, one pixel wide); unscored pixels in grey.
 */
export function overlay(original: Rgba, masks: QualityMasks, dim = 0.35): Uint8Array {
  const n = original.width * original.height;
  const out = new Uint8Array(n * 4);
  const o = original.data;
  const paint = (j: number, r: number, g: number, b: number) => {
    out[j] = r;
    out[j + 1] = g;
    out[j + 2] = b;
  };
  for (let i = 0, j = 0; i < n; i++, j += 4) {
    out[j + 3] = 255;
    if (masks.unscored?.[i]) paint(j, 96, 96, 96);
    else if (masks.referenceOutline[i]) paint(j, 0, 255, 0);
    else if (masks.strip[i]) paint(j, 255, 220, 0);
    else if (masks.outsideBand[i] && masks.kept[i]) paint(j, 255, 0, 0);
    else if (masks.insideBand[i] && masks.painted[i]) paint(j, 40, 110, 255);
    else paint(j, Math.round(o[j] * dim), Math.round(o[j + 1] * dim), Math.round(o[j + 2] * dim));
  }
  return out;
}
