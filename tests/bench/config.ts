/** What a benchmark run measures: the full run (`npm run bench`) or the CI smoke (`npm run bench -- --smoke`). */
export type BenchMode = 'full' | 'smoke';

export interface SizeSpec {
  label: string;
  width: number;
  height: number;
  fixture: string;
}

export interface BenchConfig {
  mode: BenchMode;
  /** Images timed one by one through the right-click path. */
  sizes: SizeSpec[];
  /** Warm runs per size (after one untimed warm-up). */
  repeats: number;
  /** Further runs per size under a trace, for the page's long tasks. */
  tracedRuns: number;
  /** The size whose warm time is compared with the models' own time and with a cold start. */
  reference: string;
  /** Fresh browsers, each timing one cold stylization of the reference image and one warm. */
  coldBrowsers: number;
  galleryCount: number;
  /** Rounds of the gallery: each times every image alone and the batch, in alternating order. */
  galleryRounds: number;
  gallerySize: { width: number; height: number };
  /** Stylizations of the smallest image while memory is sampled. */
  memoryRuns: number;
  /** Raw model runs timed per model. */
  modelRuns: number;
  /** Thread counts compared (empty: only the default). */
  threads: number[];
  /** Thread settings the runtime's raw model runs are compared at, side by side (0 = automatic). */
  runtimeThreads: number[];
  /** Rounds of that comparison: each round times every setting in turn, so all see the same load. */
  runtimeRounds: number;
  /** Raw runs per model, setting and round. */
  runtimeRunsPerRound: number;
  /** Fresh browsers, each timing one cold start of the runtime (start, compile, first runs). */
  runtimeColdBrowsers: number;
  /** Pairs of reference runs with a menu's pause: one after a right-click (read ahead), one without. */
  menuPairs: number;
  /** The time from the right-click to choosing "Stylize background" (a brisk pick). */
  menuMs: number;
  /** Raw transfer runs per size and Detail (High, Full), and warm stylizations per served size. */
  detailRuns: number;
}

/** V8 switches that leave JavaScript to the interpreter (wasm is compiled as usual): the memory check's second browser. */
export const NO_JIT_FLAGS = '--js-flags=--no-opt --no-maglev --no-sparkplug';

const PHOTOS = ['pexels-jansel-ferma-3949761.jpg', 'pexels-elly-fairytale-3822220.jpg', 'pytorchhub_dog.jpg', 'pytorchhub_deeplab1_person_sheep.png'];
export const galleryFixture = (i: number) => PHOTOS[i % PHOTOS.length];

export const SIZES: SizeSpec[] = [
  { label: '512²', width: 512, height: 512, fixture: PHOTOS[0] },
  { label: '1280×960', width: 1280, height: 960, fixture: PHOTOS[1] },
  { label: '2048²', width: 2048, height: 2048, fixture: PHOTOS[2] },
  { label: '4000×3000', width: 4000, height: 3000, fixture: PHOTOS[3] },
];

/**
 * What `npm run bench` measures: every section, or with `--only runtime` (BACKDROP_BENCH_ONLY) the
 * runtime section alone (model runs at each thread setting side by side, cold starts, the package with
 * and without the runtime) in browsers of its own; `--rounds N` (BACKDROP_BENCH_ROUNDS) sets that
 * section's rounds and fresh browsers.
 */
export type BenchSection = 'all' | 'runtime';

export function benchConfig(mode: BenchMode, rounds?: number): BenchConfig {
  const config = baseConfig(mode);
  return rounds ? { ...config, runtimeRounds: rounds, runtimeColdBrowsers: rounds } : config;
}

function baseConfig(mode: BenchMode): BenchConfig {
  const common = { mode, reference: '1280×960', gallerySize: { width: 800, height: 600 }, menuMs: 500 };
  return mode === 'full'
    ? {
      ...common, sizes: SIZES, repeats: 5, tracedRuns: 5, coldBrowsers: 3, galleryCount: 24, galleryRounds: 2, memoryRuns: 200, modelRuns: 10, threads: [1, 2],
      runtimeThreads: [1, 2], runtimeRounds: 4, runtimeRunsPerRound: 5, runtimeColdBrowsers: 3, menuPairs: 12, detailRuns: 5,
    }
    : {
      ...common, sizes: SIZES.slice(0, 2), repeats: 2, tracedRuns: 1, coldBrowsers: 1, galleryCount: 4, galleryRounds: 1, memoryRuns: 5, modelRuns: 3, threads: [],
      runtimeThreads: [0], runtimeRounds: 1, runtimeRunsPerRound: 3, runtimeColdBrowsers: 1, menuPairs: 1, detailRuns: 2,
    };
}
