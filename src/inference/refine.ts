/**
 * Edge refinement of the keep-mask with the photo as the guide (issue 18): a guided filter (He, Sun
 * and Tang) on the photo's colour snaps the coarse mask's outline, DeepLab's grid stretched over the
 * whole photo, onto the photo's own edges. Pure maths over typed arrays (tests/unit/refine.test.ts);
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
 * The guided filter with the photo's colour as the guide (He, Sun and Tang, "Guided Image Filtering",
 * the colour case): in each (2r+1)² window q = a·I + b with I the RGB vector, a = (Σ + eps·U)⁻¹ cov(I, p)
 * and b = mean(p) − a·mean(I), Σ the window's 3×3 colour covariance; q = mean(a)·I + mean(b). Where the
 * photo is flat, q is `p` smoothed; where it has an edge, in brightness or in hue alone (a red shirt
 * against green leaves of the same luma), q follows it. `rgba` bytes, p in [0, 1].
 */
export function colourGuidedFilter(rgba: Uint8ClampedArray | Uint8Array, p: Float32Array, w: number, h: number, r: number, eps: number): Float32Array {
  const n = w * h;
  const R = new Float32Array(n), G = new Float32Array(n), B = new Float32Array(n);
  for (let i = 0, k = 0; i < n; i++, k += 4) {
    R[i] = rgba[k] / 255;
    G[i] = rgba[k + 1] / 255;
    B[i] = rgba[k + 2] / 255;
  }
  const mean = (f: (i: number) => number) => {
    const v = new Float32Array(n);
    for (let i = 0; i < n; i++) v[i] = f(i);
    return boxMean(v, w, h, r);
  };
  const mR = boxMean(R, w, h, r), mG = boxMean(G, w, h, r), mB = boxMean(B, w, h, r), mp = boxMean(p, w, h, r);
  const mRp = mean((i) => R[i] * p[i]), mGp = mean((i) => G[i] * p[i]), mBp = mean((i) => B[i] * p[i]);
  const mRR = mean((i) => R[i] * R[i]), mRG = mean((i) => R[i] * G[i]), mRB = mean((i) => R[i] * B[i]);
  const mGG = mean((i) => G[i] * G[i]), mGB = mean((i) => G[i] * B[i]), mBB = mean((i) => B[i] * B[i]);
  // The coefficients, written over arrays no longer needed.
  const aR = mRp, aG = mGp, aB = mBp, b = mp;
  for (let i = 0; i < n; i++) {
    const cR = mRp[i] - mR[i] * mp[i], cG = mGp[i] - mG[i] * mp[i], cB = mBp[i] - mB[i] * mp[i];
    const rr = mRR[i] - mR[i] * mR[i] + eps, rg = mRG[i] - mR[i] * mG[i], rb = mRB[i] - mR[i] * mB[i];
    const gg = mGG[i] - mG[i] * mG[i] + eps, gb = mGB[i] - mG[i] * mB[i], bb = mBB[i] - mB[i] * mB[i] + eps;
    // The symmetric matrix's inverse by its cofactors (eps keeps it well away from singular).
    const c00 = gg * bb - gb * gb, c01 = gb * rb - rg * bb, c02 = rg * gb - gg * rb;
    const c11 = rr * bb - rb * rb, c12 = rb * rg - rr * gb, c22 = rr * gg - rg * rg;
    const det = rr * c00 + rg * c01 + rb * c02;
    const a0 = (c00 * cR + c01 * cG + c02 * cB) / det;
    const a1 = (c01 * cR + c11 * cG + c12 * cB) / det;
    const a2 = (c02 * cR + c12 * cG + c22 * cB) / det;
    b[i] = mp[i] - a0 * mR[i] - a1 * mG[i] - a2 * mB[i];
    aR[i] = a0;
    aG[i] = a1;
    aB[i] = a2;
  }
  const maR = boxMean(aR, w, h, r), maG = boxMean(aG, w, h, r), maB = boxMean(aB, w, h, r), mb = boxMean(b, w, h, r);
  const q = maR; // reused
  for (let i = 0; i < n; i++) q[i] = maR[i] * R[i] + maG[i] * G[i] + maB[i] * B[i] + mb[i];
  return q;
}

export interface RefineOptions {
  /** Window radius, as a share of the image's diagonal (scale-free). */
  radiusShare?: number;
  /** The guided filter's regularization (colour channels in [0, 1]): larger, smoother; smaller, closer to the guide's edges. */
  eps?: number;
  /** The ramp from the filtered mask to keep-alpha: below `lo` exactly 0, above `hi` exactly 255. */
  lo?: number;
  hi?: number;
}

/**
 * Chosen with `npm run quality` (docs/benchmark.md, "Part 5"): a radius of 4.5 % of the diagonal for a
 * 257² keep-mask, about two of its 8-pixel cells stretched over the photo, which refinedKeep scales down
 * for a finer mask (composite.ts refineShareFor); the ramp a little below the middle, so that a soft
 * edge the colour guide finds (fur, hair) leans to the subject. A wider window or a higher ramp paints
 * more of the subject's edge; a narrower or lower one leaves more of the old background around it.
 */
export const REFINE_DEFAULTS: Required<RefineOptions> = { radiusShare: 0.045, eps: 1e-3, lo: 0.28, hi: 0.58 };

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
  const q = colourGuidedFilter(guide, p, w, h, refineRadius(w, h, radiusShare), eps);
  const span = hi - lo;
  for (let i = 0; i < n; i++) {
    let t = (q[i] - lo) / span;
    t = t <= 0 ? 0 : t >= 1 ? 1 : t * t * (3 - 2 * t);
    out[(i << 2) + 3] = t * 255;
  }
  return out;
}
