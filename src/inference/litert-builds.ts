/**
 * Which of LiteRT.js's wasm builds a browser loads, and so the one build each browser's package ships
 * (wxt.config.ts copies it to /litert/; src/inference/litert.ts refuses a browser that would need another).
 *
 * @litertjs/core (its `load`) picks among four builds of ~9 MiB: the compat build where wasm relaxed SIMD
 * is missing; else the threaded build when asked for threads, the JSPI build when asked for JSPI, the
 * plain one otherwise. Backdrop never asks for JSPI, and asks for threads wherever memory can be shared
 * with workers, on any number of cores (on one, the pool has one worker and every model one thread).
 *
 * - Chrome: every version Backdrop runs on (116+, for `runtime.getContexts`) has relaxed SIMD (114+), and
 *   the manifest's COOP/COEP keys make its extension pages cross-origin isolated: the threaded build.
 * - Firefox (ESR 153, measured in an extension page and the event page): relaxed SIMD, but no
 *   cross-origin isolation even with those keys, so no SharedArrayBuffer: the plain build.
 *
 * No shipped browser can pick the compat build, so none ships it.
 */
export type LiteRtBuild = 'litert_wasm_threaded_internal' | 'litert_wasm_internal' | 'litert_wasm_compat_internal';

export interface LiteRtFeatures {
  /** WebAssembly relaxed SIMD (Chrome 114+). */
  relaxedSimd: boolean;
  /** Memory can be shared with workers: cross-origin isolated, with SharedArrayBuffer. */
  sharedMemory: boolean;
}

/** The build @litertjs/core loads for these features, as Backdrop asks (threads wherever memory can be shared). */
export function litertBuild(features: LiteRtFeatures): LiteRtBuild {
  if (!features.relaxedSimd) return 'litert_wasm_compat_internal';
  return features.sharedMemory ? 'litert_wasm_threaded_internal' : 'litert_wasm_internal';
}

/** What each browser offers (see above). */
export const BROWSER_FEATURES: Record<'chrome' | 'firefox', LiteRtFeatures> = {
  chrome: { relaxedSimd: true, sharedMemory: true },
  firefox: { relaxedSimd: true, sharedMemory: false },
};

/** The builds a browser's package ships (WXT's target browser: 'chrome', 'firefox', …; others as Chrome). */
export function shippedLitertBuilds(browser: string): LiteRtBuild[] {
  return [litertBuild(browser === 'firefox' ? BROWSER_FEATURES.firefox : BROWSER_FEATURES.chrome)];
}

/** The smallest module using a relaxed SIMD instruction (the bytes @litertjs/core probes with). */
const RELAXED_SIMD_PROBE = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 15, 1, 13, 0, 65, 1, 253, 15, 65, 2, 253, 15, 253, 128, 2, 11]);

/** This page's features. */
export function litertFeatures(): LiteRtFeatures {
  let sharedMemory = false;
  try {
    sharedMemory = globalThis.crossOriginIsolated === true && typeof SharedArrayBuffer !== 'undefined'
      && new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true }).buffer instanceof SharedArrayBuffer;
  } catch {
    // no shared memory here
  }
  return { relaxedSimd: WebAssembly.validate(RELAXED_SIMD_PROBE), sharedMemory };
}
