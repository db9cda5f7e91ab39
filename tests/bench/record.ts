/** The benchmark's JSON record: everything the Markdown table and the chart are made from. */
import type { BenchMode } from './config';
import type { PageTask } from './page-tasks';

export interface Stamp {
  date: string;
  mode: BenchMode;
  commit: string;
  browser: string;
  cpuModel: string;
  cores: number;
  /** navigator.hardwareConcurrency in the offscreen document (the runtime's pool size). */
  hardwareConcurrency: number;
  runtime: string;
  accelerator: string;
  maxThreads: number;
  /** Threads per model as the host planned them for the default setting. */
  threadPlan: Record<string, number>;
  crossOriginIsolated: boolean;
  /** Where the jobs refined the keep-mask (src/inference/refine-path.ts), and why not on the GPU; absent if none ran. */
  refinePath?: string;
  node: string;
  /** 1-minute load average at start and end: other processes on the machine skew absolute times. */
  loadAverage: { start: number; end: number };
}

/** One stylization through the right-click handler. */
export interface Sample {
  /** From the handler call to the swapped image, timed in the service worker. */
  e2e: number;
  /** The offscreen pipeline's own stages (backdropDebug.lastTimings()). */
  stages: Record<string, number>;
  /** e2e minus the stages: messages between the three contexts, the swap, and (cold) start-up. */
  messageSwap: number;
}

export interface Summary {
  e2e: number;
  stages: Record<string, number>;
  messageSwap: number;
}

export interface SizeResult {
  label: string;
  width: number;
  height: number;
  jpegBytes: number;
  samples: Sample[];
  median: Summary;
  /** The page's main-thread tasks over 50 ms during further, traced runs of this size. */
  pageLongTasks: PageTask[];
}

/**
 * The path users take at the reference size: a right-click (the image is read ahead while the menu
 * is open), then the menu item `menuMs` later; against the same pause with no right-click.
 */
export interface MenuPathResult {
  image: string;
  menuMs: number;
  alone: Sample[];
  rightClick: Sample[];
  /** How long each read-ahead took in the offscreen document (it must fit in the menu's time). */
  readAheadMs: number[];
  /** Right-click runs whose job ran no segmentation: the image was segmented while the menu was open. */
  segmentedAhead: number;
  aloneMedian: Summary;
  rightClickMedian: Summary;
  /** The models alone, timed between the pairs on the same photo's inputs, each pair after `menuMs` idle. */
  models: ModelTimes;
}

export interface ColdResult {
  image: string;
  cold: Sample[];
  warm: Sample[];
  coldMedian: number;
  warmMedian: number;
  /** The same first stylization on other fresh browsers, chosen from the menu `menuMs` after a right-click on the image (the path users take). */
  afterRightClick: Sample[];
  afterRightClickMedian: number;
}

/** Raw model runs; for the default threads they are interleaved with the reference image's warm runs. */
/** One browser's figures in the side-by-side table (tests/bench/phases.ts: measureBrowserColumn). */
export interface BrowserColumn {
  browser: 'chromium' | 'firefox';
  version: string;
  runtime: string;
  image: string;
  cold: number[];
  coldMedian: number;
  warm: ReturnType<typeof import('./phases').summarize>;
  models: ModelTimes;
  batch: { count: number; wall: number };
}

export interface ModelTimes {
  threads: number;
  segmentation: number[];
  transfer: number[];
  /** Median segmentation + median transfer. */
  sumMedian: number;
}

/**
 * DeepLab alone at several input sizes, on the reference photo stretched to each, the sizes alternating
 * in one document (backdropDebug.timeSegmentationAt), so that their ratios hold under the same load.
 */
export interface SegmentationSizesResult {
  image: string;
  /** The size the pipeline segments the reference photo at (segmentationSize of this build). */
  pipeline: { width: number; height: number };
  rounds: number;
  rows: SegmentationSizeRow[];
}

export interface SegmentationSizeRow {
  width: number;
  height: number;
  /** The graph whole, its last resize of the 21 logits to full size kept (at 257²: the official file as shipped). */
  uncut: boolean;
  ms: number[];
  median: number;
}

export interface GalleryResult {
  count: number;
  width: number;
  height: number;
  /** Every warm single, round after round. */
  singles: number[];
  /** The sum of a round's warm singles, averaged over the rounds. */
  sumSingles: number;
  /** 'stylize-page' when the extension has the batch menu, else the handler called once per image. */
  batchMode: 'stylize-page' | 'sequential-singles';
  /** The batch's wall time, averaged over the rounds. */
  batchWall: number;
  ratio: number;
  /** Each round's batch and singles (the rounds alternate: singles then batch, batch then singles). */
  rounds: { batchWall: number; sumSingles: number }[];
  /** The gallery page's main-thread tasks over 50 ms during the batches (traced). */
  pageLongTasks: PageTask[];
}

export interface ThreadsResult {
  threads: number;
  plan: Record<string, number> | undefined;
  e2e: number[];
  e2eMedian: number;
  stagesMedian: Record<string, number>;
  models: ModelTimes;
}

export interface MemoryPoint {
  run: number;
  jsHeapUsed: number;
  jsHeapTotal: number;
  /** Backing stores of array buffers and external strings (CDP backingStorageSize; wasm memory included). */
  arrayBuffers: number;
  wasmBytes?: number;
  liveModels?: number;
}

export interface MemoryResult {
  image: string;
  runs: number;
  warmupRuns: number;
  before: MemoryPoint;
  during: MemoryPoint[];
  after: MemoryPoint;
  jsHeapGrowth: number;
  arrayBufferGrowth: number;
  wasmGrowth?: number;
  modelRunsCounted: { segmentation: number; transfer: number };
}

export interface PackageResult {
  zipBytes: number;
  unpackedBytes: number;
  wasm: { file: string; bytes: number }[];
}

/** Medians of the three models' raw runs, ms. */
export interface ModelMedians {
  segmentation: number;
  prediction: number;
  transfer: number;
}

/** The three models' raw runs at one thread setting (timeModels with the prediction model). */
export interface RuntimeModelTimes {
  threads: number;
  plan: Record<string, number> | undefined;
  segmentation: number[];
  prediction: number[];
  transfer: number[];
  median: ModelMedians;
  /** Each round's medians, in order: how far one run's rounds spread. */
  rounds: ModelMedians[];
}

/** The runtime's raw model runs at each thread setting, in alternating rounds in the same offscreen document. */
export interface RuntimeThreads {
  runtime: string;
  transferModel: 'fp16' | 'int8';
  byThreads: RuntimeModelTimes[];
  /** Per model: median at the second thread setting ÷ median at the first (< 1: the second is faster). */
  ratio: ModelMedians;
  /** The same ratio within each round (the settings ran back to back there), segmentation + transfer included. */
  roundRatios: (ModelMedians & { segTransfer: number })[];
  /** The machine's 1-minute load average as each round began. */
  loadAverage: number[];
}

/** The runtime's cold start in a fresh browser (backdropDebug.coldStart), ms. */
export interface RuntimeColdStart {
  runtime: string;
  accelerator: string;
  maxThreads: number;
  plan: Record<string, number>;
  /** The LiteRT.js build the document loaded. */
  litertBuilds: string[];
  /** The runtime loaded: glue script, wasm compiled and instantiated, thread pool. */
  start: number;
  /** Each model loaded and compiled. */
  compile: Record<string, number>;
  /** Each model's first run (set-up included), and its second. */
  firstRun: Record<string, number>;
  secondRun: Record<string, number>;
  /** start + compile + first runs of segmentation and transfer: what a first stylization waits for (prediction is cached per style). */
  toFirstImage: number;
}

export interface RuntimeColdResult {
  samples: RuntimeColdStart[];
  median: { start: number; compile: number; firstRun: number; toFirstImage: number };
}

/** The production package without some of its files: what the runtime's share of it is. */
export interface PackageChoice {
  label: string;
  /** Path prefixes left out, relative to the build folder. */
  without: string[];
  zipBytes: number;
  unpackedBytes: number;
}

export interface BenchRecord {
  /** Chromium and Firefox side by side. */
  browsers?: BrowserColumn[];
  stamp: Stamp;
  sizes: SizeResult[];
  cold: ColdResult;
  models: ModelTimes;
  /** Warm e2e of the reference image (the menu item alone, nothing read ahead) / models.sumMedian. */
  overheadRatio: number;
  menuPath: MenuPathResult;
  /** Warm e2e of the reference image after a right-click (the path users take) / menuPath.models.sumMedian. */
  menuPathRatio: number;
  gallery: GalleryResult;
  threads: ThreadsResult[];
  /** DeepLab alone at the official 257² and at other sizes. */
  segmentationSizes?: SegmentationSizesResult;
  memory: MemoryResult;
  /** The same memory phase in a browser whose V8 runs no optimizing tier: what grows there is data, not compiled code. */
  memoryNoJit?: MemoryResult;
  runtimeThreads?: RuntimeThreads;
  runtimeCold?: RuntimeColdResult;
  package: PackageResult;
  packageChoices?: PackageChoice[];
  /** The longest of the pages' long tasks, or undefined when there was none over 50 ms. */
  maxPageLongTask?: PageTask;
  /** High and Full Detail per image size (Standard is `sizes`). */
  detail?: DetailResult[];
  /** Standard's transfer model time at the reference image's size (the baseline of `detail`). */
  detailBaselineMs?: number;
}

/** One image size at High or Full Detail: the transfer model's size and time, and the warm end to end. */
export interface DetailResult {
  detail: 'high' | 'full';
  label: string;
  width: number;
  height: number;
  /** The transfer model's input size at this Detail (transferSize). */
  transfer: { width: number; height: number };
  /** Raw transfer runs (fp16, after one untimed) at that size, in ms. */
  modelMs: number[];
  modelMedian: number;
  /** Warm right-click stylizations at this Detail (sizes the run serves only), in ms. */
  e2e: number[];
  e2eMedian?: number;
  transferStageMedian?: number;
}

/** `npm run bench -- --only runtime`: the runtime section alone, in browsers of its own. */
export interface RuntimeRecord {
  stamp: Stamp;
  runtimeThreads?: RuntimeThreads;
  runtimeCold: RuntimeColdResult;
  package: PackageResult;
  packageChoices: PackageChoice[];
}
