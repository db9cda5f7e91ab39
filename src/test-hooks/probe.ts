/**
 * What the tests and the benchmark read of the extension's inner workings, kept out of what users install.
 *
 * The test build (`npm run build:test`, i.e. `wxt build --mode test`) and vitest run in mode `test`; the
 * production build (`npm run build`) in `production`. Vite writes `import.meta.env.MODE` in as a literal, so a
 * site guarded by `if (import.meta.env.MODE === 'test')` is dead code in production, which the bundler drops, and
 * with it this module and src/offscreen/debug.ts. The comparison is written out at each site on purpose: Rolldown
 * (Vite 8) does not fold a constant imported from another module, so `if (TEST_BUILD)` would leave `probe` in the
 * bundle. tests/unit/bundle.test.ts reads both builds' files to prove it. See docs/architecture.md, "The test
 * build".
 *
 * Shared by the offscreen document's folders (src/inference and src/offscreen), so it lives in neither.
 */

/**
 * Counts and last values the extension itself never reads; written only in mode `test`, read through the
 * debug surface (`backdropDebug.info()`, `.lastTimings()`, `.deliveries()`).
 */
export const probe = {
  /** Model runs on real inputs (jobs, read-aheads, bottlenecks). */
  modelRuns: { segmentation: 0, prediction: 0, transfer: 0 },
  /** The warm-up's trial runs on zeros (not in modelRuns). */
  warmUpRuns: { segmentation: 0, transfer: 0 },
  /** How results went out: as files (structured-clone messaging) or as base64 slices (JSON). */
  deliveries: { file: 0, slices: 0 },
  /** The last save at the original's size: its stage timings (ms), and whether its layers were painted again. */
  lastSave: undefined as { timings: Record<string, number>; repainted: boolean } | undefined,
  /** Warm-ups asked for while the document lives (a right-click starts one unless one is under way). */
  warms: 0,
  /** How long the last finished read-ahead took (ms): the benchmark shows it fits in a menu's time. */
  readAheadMs: undefined as number | undefined,
  /** The last image a read-ahead started on (kept, taken or dropped since). */
  readAheadLast: undefined as string | undefined,
  /** The keep-mask's refinement (src/inference/refine-path.ts): the path chosen, and the last one run. */
  refine: {
    /** Set by a test to force a path (the GPU one even on a software renderer); undefined: probe as users get. */
    force: undefined as 'gpu' | 'cpu' | undefined,
    /** The path this document chose, the WebGL renderer it saw, and why not the GPU. */
    path: undefined as 'gpu' | 'cpu' | undefined,
    renderer: undefined as string | undefined,
    reason: undefined as string | undefined,
    /** Times the GPU path failed and the CPU took over. */
    fallbacks: 0,
    /** The last refinement: its path and working size. */
    last: undefined as { path: 'gpu' | 'cpu'; width: number; height: number } | undefined,
  },
  /** Stage timings of the last successful job (ms). */
  lastTimings: {} as Record<string, number>,
};
