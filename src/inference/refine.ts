/**
 * Edge refinement of the keep-mask with the photo as the guide (issue 18): a guided filter (He, Sun
 * and Tang) on the photo's luma snaps the coarse mask's outline, DeepLab's 33² grid stretched over
 * the whole photo, onto the photo's own edges. Pure maths over typed arrays (tests/unit/refine.test.ts);
 * the pipeline runs it at a reduced "working" resolution (the fast guided filter's subsampling) and
 * the canvas upscales the result.
 *
 * Every window is the part of the box that lies inside the image (mean over the pixels it holds), so
 * nothing from "outside the picture" is pulled in at the frame: no painted strip where the subject
 * touches the image's edge.
 */

/** Mean over the (2r+1)² box around each pixel, clipped to the image: O(1) per pixel, two passes. */
export function boxMean(src: Float32Array, w: number, h: number, r: number): Float32Array {
  const tmp = new Float32Array(w * h);
  const out = new Float32Array(w * h);
  // Rows.
  for (let y = 0; y < h; y++) {
    const row = y * w;
    let sum = 0;
    const first = Math.min(r, w - 1);
    for (let x = 0; x <= first; x++) sum += src[row + x];
    for (let x = 0; x < w; x++) {
      const lo = x - r, hi = x + r;
      const count = Math.min(hi, w - 1) - Math.max(lo, 0) + 1;
      tmp[row + x] = sum / count;
      if (hi + 1 < w) sum += src[row + hi + 1];
      if (lo >= 0) sum -= src[row + lo];
    }
  }
  // Columns (sums of row means over clipped rows, each row's box the same width: a mean of means is the mean).
  const col = new Float64Array(w);
  const firstRow = Math.min(r, h - 1);
  for (let y = 0; y <= firstRow; y++) for (let x = 0, i = y * w; x < w; x++, i++) col[x] += tmp[i];
  for (let y = 0; y < h; y++) {
    const lo = y - r, hi = y + r;
    const count = Math.min(hi, h - 1) - Math.max(lo, 0) + 1;
    const row = y * w;
    for (let x = 0; x < w; x++) out[row + x] = col[x] / count;
    if (hi + 1 < h) for (let x = 0, i = (hi + 1) * w; x < w; x++, i++) col[x] += tmp[i];
    if (lo >= 0) for (let x = 0, i = lo * w; x < w; x++, i++) col[x] -= tmp[i];
  }
  return out;
}

/**
 * The guided filter: q = mean(a)·I + mean(b), with a = cov(I, p) / (var(I) + eps), b = mean(p) − a·mean(I)
 * over each (2r+1)² window. Where the guide `I` is flat, q is `p` smoothed; where it has an edge, q
 * follows it. I and p in [0, 1].
 */
export function guidedFilter(I: Float32Array, p: Float32Array, w: number, h: number, r: number, eps: number): Float32Array {
  const n = w * h;
  const Ip = new Float32Array(n), II = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    Ip[i] = I[i] * p[i];
    II[i] = I[i] * I[i];
  }
  const mI = boxMean(I, w, h, r), mp = boxMean(p, w, h, r), mIp = boxMean(Ip, w, h, r), mII = boxMean(II, w, h, r);
  const a = Ip, b = II; // reused
  for (let i = 0; i < n; i++) {
    const cov = mIp[i] - mI[i] * mp[i];
    const v = mII[i] - mI[i] * mI[i];
    a[i] = cov / (v + eps);
    b[i] = mp[i] - a[i] * mI[i];
  }
  const ma = boxMean(a, w, h, r), mb = boxMean(b, w, h, r);
  const q = ma; // reused
  for (let i = 0; i < n; i++) q[i] = ma[i] * I[i] + mb[i];
  return q;
}

/** Luma in [0, 1] of RGBA bytes (Rec. 601 weights). */
export function luma(rgba: Uint8ClampedArray | Uint8Array): Float32Array {
  const n = rgba.length >> 2;
  const out = new Float32Array(n);
  for (let i = 0, k = 0; i < n; i++, k += 4) out[i] = (0.299 * rgba[k] + 0.587 * rgba[k + 1] + 0.114 * rgba[k + 2]) / 255;
  return out;
}

export interface RefineOptions {
  /** Window radius, as a share of the image's diagonal (scale-free). */
  radiusShare?: number;
  /** The guided filter's regularization (luma in [0, 1]): larger, smoother; smaller, closer to the guide's edges. */
  eps?: number;
  /** The ramp from the filtered mask to keep-alpha: below `lo` exactly 0, above `hi` exactly 255. */
  lo?: number;
  hi?: number;
}

/**
 * Tuned on 257² keep-masks (docs/benchmark.md): a radius of 3 % of the diagonal, about 1.4 of the
 * mask's 8-pixel cells stretched over the photo. refinedKeep scales it down for a finer mask
 * (composite.ts refineShareFor).
 */
export const REFINE_DEFAULTS: Required<RefineOptions> = { radiusShare: 0.03, eps: 1e-3, lo: 0.35, hi: 0.65 };

/** The filter's radius in pixels for a w×h image. */
export const refineRadius = (w: number, h: number, share = REFINE_DEFAULTS.radiusShare) => Math.max(1, Math.round(share * Math.hypot(w, h)));

/**
 * The keep-mask refined with the photo as the guide. `guide` is the photo's RGBA at w×h, `coarse` the
 * coarse keep-alpha at the same size (RGBA, alpha in channel 3, as subjectKeepAlpha makes it). Returns
 * RGBA with the refined keep-alpha in channel 3: exactly 255 or 0 wherever the filtered mask is past
 * the ramp (away from edges), a smoothstep in between (where the photo's edge is soft).
 */
export function refineKeep(
  guide: Uint8ClampedArray | Uint8Array, coarse: Uint8ClampedArray | Uint8Array, w: number, h: number, options: RefineOptions = {},
): Uint8ClampedArray<ArrayBuffer> {
  const { radiusShare, eps, lo, hi } = { ...REFINE_DEFAULTS, ...options };
  const n = w * h;
  const p = new Float32Array(n);
  let any = false, all = true;
  for (let i = 0; i < n; i++) {
    const v = coarse[(i << 2) + 3];
    p[i] = v / 255;
    if (v) any = true;
    if (v !== 255) all = false;
  }
  const out = new Uint8ClampedArray(n * 4);
  if (!any || all) {
    // Nothing to refine: all background or all subject.
    if (all) for (let i = 3; i < out.length; i += 4) out[i] = 255;
    return out;
  }
  const q = guidedFilter(luma(guide), p, w, h, refineRadius(w, h, radiusShare), eps);
  const span = hi - lo;
  for (let i = 0; i < n; i++) {
    let t = (q[i] - lo) / span;
    t = t <= 0 ? 0 : t >= 1 ? 1 : t * t * (3 - 2 * t);
    out[(i << 2) + 3] = t * 255;
  }
  return out;
}
