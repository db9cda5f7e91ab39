/** The benchmark's measurements, each through the same paths users take. */
import { NO_JIT_FLAGS, SIZES, type BenchConfig } from './config';
import { transferSize } from '../../src/inference/models';
import { Driver } from './driver';
import { loadavg } from 'node:os';
import type { BrowserColumn,
  ColdResult, DetailResult, GalleryResult, MemoryPoint, MemoryResult, MenuPathResult, ModelMedians, ModelTimes, RuntimeColdResult, RuntimeColdStart, RuntimeModelTimes,
  RuntimeThreads, Sample, SegmentationSizesResult, SizeResult, ThreadsResult,
} from './record';
import { galleryImage, sizeImage } from './site';
import { withPageTasks, type PageTask } from './page-tasks';
import { median, medianRecord, sum } from './stats';

const log = (msg: string) => console.log(`[bench] ${msg}`);
let variants = 0;
/** A URL suffix never used before: the host keeps prepared images by URL, and a bench run must start from bytes. */
const fresh = () => String(++variants);

export const summarize = (samples: Sample[]) => ({
  e2e: median(samples.map((s) => s.e2e)),
  stages: medianRecord(samples.map((s) => s.stages)),
  messageSwap: median(samples.map((s) => s.messageSwap)),
});

/** Model timings taken in several batches, as one (automatic threads). */
function mergeModelTimes(models: ModelTimes[]): ModelTimes {
  const segmentation = models.flatMap((m) => m.segmentation), transfer = models.flatMap((m) => m.transfer);
  return { threads: 0, segmentation, transfer, sumMedian: median(segmentation) + median(transfer) };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function timed(d: Driver, id: string): Promise<Sample> {
  await d.reset(id, fresh());
  return d.stylize(id);
}

/**
 * Cold start on fresh browsers: the first stylization (offscreen document, runtime and models start),
 * then a warm one. Each is paired with another fresh browser where the image is right-clicked
 * `menuMs` before the menu item, as a person does: the right-click starts all of that ahead.
 */
export async function measureCold(config: BenchConfig, origin: string): Promise<ColdResult> {
  const id = sizeImage(config.reference);
  const cold: Sample[] = [], warm: Sample[] = [], afterRightClick: Sample[] = [];
  for (let i = 0; i < config.coldBrowsers; i++) {
    for (const withRightClick of i % 2 ? [true, false] : [false, true]) {
      const d = await Driver.launch(origin, '/bench/sizes.html');
      try {
        await d.reset(id, fresh());
        if (withRightClick) {
          await d.rightClick(id);
          await sleep(config.menuMs);
          afterRightClick.push(await d.stylize(id));
          log(`cold ${i + 1}/${config.coldBrowsers} after a right-click: ${afterRightClick.at(-1)!.e2e.toFixed(0)} ms`);
        } else {
          cold.push(await d.stylize(id));
          warm.push(await timed(d, id));
          log(`cold ${i + 1}/${config.coldBrowsers}: ${cold.at(-1)!.e2e.toFixed(0)} ms, then warm ${warm.at(-1)!.e2e.toFixed(0)} ms`);
        }
      } finally {
        await d.close();
      }
    }
  }
  return {
    image: config.reference, cold, warm, coldMedian: median(cold.map((s) => s.e2e)), warmMedian: median(warm.map((s) => s.e2e)),
    afterRightClick, afterRightClickMedian: median(afterRightClick.map((s) => s.e2e)),
  };
}

/**
 * Warm stylizations per image size, after one untimed warm-up each. The raw model runs are timed
 * between the reference image's runs, so that both see the same load on the machine.
 */
export async function measureSizes(config: BenchConfig, d: Driver, images: Map<string, Buffer>): Promise<{ sizes: SizeResult[]; models: ModelTimes }> {
  await d.goto(new URL('/bench/sizes.html', d.page.url()).href);
  const results: SizeResult[] = [];
  const models: ModelTimes[] = [];
  for (const size of config.sizes) {
    const id = sizeImage(size.label);
    await timed(d, id);
    const samples: Sample[] = [];
    for (let i = 0; i < config.repeats; i++) {
      samples.push(await timed(d, id));
      if (size.label === config.reference) models.push(await d.timeModels(Math.ceil(config.modelRuns / config.repeats), 0, d.lastSrc));
    }
    // The page's long tasks over runs of their own, traced (a trace is not free: the timed runs stay untraced).
    const { tasks: pageLongTasks } = await withPageTasks(d.page, async () => {
      for (let i = 0; i < config.tracedRuns; i++) await timed(d, id);
    });
    const { label, width, height } = size;
    results.push({ label, width, height, jpegBytes: images.get(id)!.length, samples, median: summarize(samples), pageLongTasks });
    log(`${size.label}: warm median ${results.at(-1)!.median.e2e.toFixed(0)} ms`);
  }
  return { sizes: results, models: mergeModelTimes(models) };
}

/**
 * The path users take, at the reference size: right-click the image, choose "Stylize background"
 * `menuMs` later. While the menu is open the extension reads the image ahead (fetch, decode, the
 * models' inputs) and segments it; the click then starts at the transfer. Each pair also times the
 * same pause without a right-click (nothing read ahead), in alternating order.
 */
export async function measureMenuPath(config: BenchConfig, d: Driver): Promise<MenuPathResult> {
  await d.goto(new URL('/bench/sizes.html', d.page.url()).href);
  const id = sizeImage(config.reference);
  const alone: Sample[] = [], rightClick: Sample[] = [], readAheadMs: number[] = [];
  let segmentedAhead = 0;
  const models: ModelTimes[] = [];
  const modelsPerPair = Math.max(1, Math.round(config.modelRuns / config.menuPairs));
  await timed(d, id);
  for (let i = 0; i < config.menuPairs; i++) {
    // The models alone between the pairs, on the same photo's inputs and after the same idle as a click
    // from the menu: the ratio compares like with like (timed back to back they run faster here).
    if (i > 0) models.push(await d.timeModels(modelsPerPair, 0, d.lastSrc, config.menuMs));
    for (const withRightClick of i % 2 ? [true, false] : [false, true]) {
      await d.reset(id, fresh());
      if (withRightClick) await d.rightClick(id);
      await sleep(config.menuMs);
      const s = await d.stylize(id);
      if (!withRightClick) {
        alone.push(s);
        continue;
      }
      if (!('read-ahead' in s.stages)) throw new Error(`a right-click on ${config.reference} read nothing ahead: ${JSON.stringify(s.stages)}`);
      rightClick.push(s);
      if (!('segmentation' in s.stages)) segmentedAhead++;
      readAheadMs.push((await d.debug('info')).readAheadMs ?? NaN);
    }
  }
  models.push(await d.timeModels(modelsPerPair, 0, d.lastSrc, config.menuMs));
  const result = {
    image: config.reference, menuMs: config.menuMs, alone, rightClick, readAheadMs, segmentedAhead, aloneMedian: summarize(alone), rightClickMedian: summarize(rightClick),
    models: mergeModelTimes(models),
  };
  log(`${config.reference} after a right-click: ${result.rightClickMedian.e2e.toFixed(0)} ms (read ahead in ${median(readAheadMs).toFixed(0)} ms), the menu item alone ${result.aloneMedian.e2e.toFixed(0)} ms`);
  return result;
}

/**
 * The gallery: each image stylized alone (warm singles), then all of them as one batch in a tab of its
 * own, closed after so that no batch mode outlives it (a tab in batch mode stylizes every image that
 * loads, which would race the singles).
 */
export async function measureGallery(config: BenchConfig, d: Driver, hasBatchMenu: boolean): Promise<GalleryResult> {
  const url = new URL('/bench/gallery.html', d.page.url()).href;
  await d.goto(url);
  const ids = Array.from({ length: config.galleryCount }, (_, i) => galleryImage(i));
  await timed(d, ids[0]);

  const singlesRound = async () => {
    const singles: number[] = [];
    for (const id of ids) singles.push((await timed(d, id)).e2e);
    return singles;
  };
  let batches = 0;
  const batchRound = async () => {
    // A URL of its own: the extension's tabs are found by URL.
    const tab = await d.newTab(`${url}?batch${++batches}`);
    try {
      // Traced for the page's long tasks (a trace costs a little: the ratio errs against the batch).
      const { result: wall, tasks } = await withPageTasks(tab.page, () => (hasBatchMenu ? pageBatch(tab) : sequentialBatch(tab, ids)));
      for (const id of ids) if (!(await tab.isStylized(id))) throw new Error(`the batch left ${id} unstylized`);
      return { wall, tasks };
    } finally {
      await tab.page.close();
    }
  };

  // Singles, batch, batch, singles (one of each in the smoke): a drift in the machine's load over
  // the phase weighs on both sides alike.
  const singles: number[][] = [];
  const walls: number[] = [];
  const pageLongTasks: PageTask[] = [];
  for (let round = 0; round < config.galleryRounds; round++) {
    const batchFirst = round % 2 === 1;
    if (!batchFirst) singles.push(await singlesRound());
    const batch = await batchRound();
    walls.push(batch.wall);
    pageLongTasks.push(...batch.tasks);
    if (batchFirst) singles.push(await singlesRound());
  }

  const sumSingles = sum(singles.map(sum)) / singles.length;
  const batchWall = sum(walls) / walls.length;
  log(`gallery of ${ids.length}: batch ${walls.map((w) => w.toFixed(0)).join(', ')} ms vs ${singles.map((s) => sum(s).toFixed(0)).join(', ')} ms of singles`);
  return {
    count: ids.length, ...config.gallerySize, singles: singles.flat(), sumSingles,
    batchMode: hasBatchMenu ? 'stylize-page' : 'sequential-singles', batchWall, ratio: batchWall / sumSingles,
    rounds: walls.map((batchWall, i) => ({ batchWall, sumSingles: sum(singles[i]) })),
    pageLongTasks,
  };
}

/** The page-wide batch menu, timed until every image of the page shows its result. */
export async function pageBatch(d: Driver): Promise<number> {
  const t0 = performance.now();
  await d.click('stylize-page');
  await d.page.waitForFunction(() => [...document.images].every((img) => img.hasAttribute('data-backdrop-stylized')), { timeout: 600_000, polling: 50 });
  return performance.now() - t0;
}

/** The handler called once per image, back to back, timed as a whole inside the service worker. */
async function sequentialBatch(d: Driver, ids: string[]): Promise<number> {
  const srcs = await d.page.$$eval(ids.map((id) => `#${id}`).join(','), (els) => els.map((el) => (el as HTMLImageElement).currentSrc));
  const tabId = await d.ext.tabId(d.page);
  const worker = await d.ext.worker();
  return worker.evaluate(async (srcs, tabId, pageUrl) => {
    const t0 = performance.now();
    for (const srcUrl of srcs) {
      const outcome = await globalThis.backdrop.handleContextMenuClick({ menuItemId: 'stylize-background', srcUrl, frameId: 0, pageUrl }, { id: tabId });
      if (typeof outcome !== 'object' || !('ok' in outcome) || !outcome.ok) throw new Error(`batch: ${srcUrl}: ${JSON.stringify(outcome)}`);
    }
    return performance.now() - t0;
  }, srcs, tabId, d.page.url());
}

/** The reference image and the raw models at each thread count, with the thread plan the host chose. */
export async function measureThreads(config: BenchConfig, d: Driver): Promise<ThreadsResult[]> {
  await d.goto(new URL('/bench/sizes.html', d.page.url()).href);
  const id = sizeImage(config.reference);
  const results: ThreadsResult[] = [];
  if (!config.threads.length) return results;
  const original = await d.setThreads(config.threads[0]);
  for (const threads of config.threads) {
    await d.setThreads(threads);
    await timed(d, id);
    const samples: Sample[] = [];
    for (let i = 0; i < config.repeats; i++) samples.push(await timed(d, id));
    const models = await d.timeModels(config.modelRuns, threads);
    const info = await d.debug('info');
    const s = summarize(samples);
    results.push({ threads, plan: info.plan, e2e: samples.map((x) => x.e2e), e2eMedian: s.e2e, stagesMedian: s.stages, models });
    log(`threads ${threads}: warm ${s.e2e.toFixed(0)} ms, models ${models.sumMedian.toFixed(0)} ms`);
  }
  await d.setThreads(original);
  return results;
}

/**
 * DeepLab alone on the reference photo at the official file's 257² (the file as shipped, its last
 * resize kept; and the pipeline's graph, cut before it, at the same size), at the size this build
 * segments the photo at, and at a few sizes between, all in one document, alternating.
 */
export async function measureSegmentationSizes(config: BenchConfig, d: Driver): Promise<SegmentationSizesResult> {
  await d.goto(new URL('/bench/sizes.html', d.page.url()).href);
  const ref = config.sizes.find((s) => s.label === config.reference)!;
  const src = await d.page.$eval(`#${sizeImage(ref.label)}`, (el) => (el as HTMLImageElement).currentSrc);
  const pipeline = await d.debug('segmentationSizeFor', ref.width, ref.height);
  const at = (long: number) => {
    const side = (v: number) => Math.max(9, Math.round((v - 1) / 8) * 8 + 1);
    const k = long / Math.max(ref.width, ref.height);
    return { width: side(ref.width * k), height: side(ref.height * k) };
  };
  const sizes: { width: number; height: number; uncut?: boolean }[] = [{ width: 257, height: 257, uncut: true }, { width: 257, height: 257 }, at(385), at(513), at(769), pipeline];
  const unique = sizes.filter((s, i, all) => all.findIndex((t) => t.width === s.width && t.height === s.height && Boolean(t.uncut) === Boolean(s.uncut)) === i);
  const rounds = 2, runs = Math.max(2, Math.ceil(config.modelRuns / rounds));
  const t = await d.debug('timeSegmentationAt', unique, runs, src, rounds);
  const rows = unique.map((s) => {
    const ms = t[`${s.width}x${s.height}${s.uncut ? ' uncut' : ''}`] ?? [];
    return { width: s.width, height: s.height, uncut: Boolean(s.uncut), ms, median: median(ms) };
  });
  log(`segmentation alone: ${rows.map((r) => `${r.width}×${r.height}${r.uncut ? ' (official)' : ''} ${r.median.toFixed(0)} ms`).join(', ')}`);
  return { image: ref.label, pipeline, rounds, rows };
}

/** Memory of the offscreen document before, during and after many stylizations of the smallest image. */
export async function measureMemory(config: BenchConfig, d: Driver): Promise<MemoryResult> {
  await d.goto(new URL('/bench/sizes.html', d.page.url()).href);
  const size = config.sizes[0];
  const id = sizeImage(size.label);
  // Fill the host's prepared-image cache (8 entries) first, so growth means leaks, not the cache filling
  // (in the smoke too: its second browser starts empty).
  const warmupRuns = 10;
  for (let i = 0; i < warmupRuns; i++) await timed(d, id);
  const runsBefore = await d.debug('info');
  const before = await d.memory(0, true);
  const during: MemoryPoint[] = [];
  const every = Math.max(1, Math.floor(config.memoryRuns / 10));
  for (let i = 1; i <= config.memoryRuns; i++) {
    await timed(d, id);
    if (i % every === 0) during.push(await d.memory(i, false));
  }
  const after = await d.memory(config.memoryRuns, true);
  const runsAfter = await d.debug('info');
  const growth = (a?: number, b?: number) => (a && b !== undefined ? (b - a) / a : undefined);
  log(`memory: JS heap ${mb(before.jsHeapUsed)} → ${mb(after.jsHeapUsed)}, wasm ${mb(before.wasmBytes)} → ${mb(after.wasmBytes)}`);
  return {
    image: size.label, runs: config.memoryRuns, warmupRuns, before, during, after,
    jsHeapGrowth: growth(before.jsHeapUsed, after.jsHeapUsed)!,
    arrayBufferGrowth: growth(before.arrayBuffers, after.arrayBuffers)!,
    wasmGrowth: growth(before.wasmBytes, after.wasmBytes),
    modelRunsCounted: {
      segmentation: runsAfter.modelRuns.segmentation - runsBefore.modelRuns.segmentation,
      transfer: runsAfter.modelRuns.transfer - runsBefore.modelRuns.transfer,
    },
  };
}

/**
 * The memory phase again, in a fresh browser whose V8 has no optimizing tier. With them, the JS heap
 * also holds the code V8 compiles as the runs go on (here it kept growing over 400 runs, in steps),
 * which a small heap shows as a few percent of growth; without them, what grows is data.
 */
export async function measureMemoryNoJit(config: BenchConfig, origin: string): Promise<MemoryResult> {
  const d = await Driver.launch(origin, '/bench/sizes.html', [NO_JIT_FLAGS]);
  try {
    return await measureMemory(config, d);
  } finally {
    await d.close();
  }
}

const mb = (bytes?: number) => (bytes === undefined ? '?' : `${(bytes / 2 ** 20).toFixed(1)} MB`);

/**
 * The runtime's raw model runs at each thread setting: the same three models (segmentation, prediction,
 * fp16 transfer) at fixed inputs, in the same offscreen document, in alternating rounds so that every
 * setting sees the same load on the machine (the order flips every round). A new setting rebuilds the
 * models (one untimed run each first). Each round's medians are kept: their spread is the run's noise.
 */
export async function measureRuntimeThreads(config: BenchConfig, d: Driver): Promise<RuntimeThreads | undefined> {
  if (config.runtimeThreads.length < 1) return undefined;
  const medians = (t: { segmentation: number[]; prediction: number[]; transfer: number[] }): ModelMedians =>
    ({ segmentation: median(t.segmentation), prediction: median(t.prediction), transfer: median(t.transfer) });
  const times = new Map<number, Omit<RuntimeModelTimes, 'median'>>();
  const roundRatios: RuntimeThreads['roundRatios'] = [];
  const loadAverage: number[] = [];
  let runtime = '?';
  for (let round = 0; round < config.runtimeRounds; round++) {
    loadAverage.push(loadavg()[0]);
    const order = round % 2 ? [...config.runtimeThreads].reverse() : config.runtimeThreads;
    const thisRound = new Map<number, ModelMedians>();
    for (const threads of order) {
      const t = await d.debug('timeModels', config.runtimeRunsPerRound, threads, 'fp16', true);
      runtime = t.runtime ?? runtime;
      const acc = times.get(threads) ?? { threads, plan: t.plan, segmentation: [] as number[], prediction: [] as number[], transfer: [] as number[], rounds: [] as ModelMedians[] };
      acc.segmentation.push(...t.segmentation);
      acc.prediction.push(...t.prediction);
      acc.transfer.push(...t.transfer);
      acc.rounds.push(medians(t));
      thisRound.set(threads, medians(t));
      times.set(threads, acc);
    }
    const [a, b] = config.runtimeThreads.map((th) => thisRound.get(th)!);
    if (b) {
      roundRatios.push({
        segmentation: b.segmentation / a.segmentation, prediction: b.prediction / a.prediction, transfer: b.transfer / a.transfer,
        segTransfer: (b.segmentation + b.transfer) / (a.segmentation + a.transfer),
      });
    }
    log(`${runtime}, round ${round + 1}/${config.runtimeRounds} (load ${loadAverage.at(-1)!.toFixed(2)}): ` +
      config.runtimeThreads.map((th) => `${th || 'auto'} thr seg ${n0(thisRound.get(th)!.segmentation)} pred ${n0(thisRound.get(th)!.prediction)} transfer ${n0(thisRound.get(th)!.transfer)}`).join('; '));
  }
  const byThreads: RuntimeModelTimes[] = config.runtimeThreads.map((threads) => {
    const t = times.get(threads)!;
    return { ...t, median: medians(t) };
  });
  const [base, other = base] = byThreads;
  const ratio = {
    segmentation: other.median.segmentation / base.median.segmentation,
    prediction: other.median.prediction / base.median.prediction,
    transfer: other.median.transfer / base.median.transfer,
  };
  if (byThreads.length > 1) {
    log(`${runtime}: ${other.threads || 'auto'} ÷ ${base.threads || 'auto'} thread(s) = segmentation ${ratio.segmentation.toFixed(2)}, ` +
      `prediction ${ratio.prediction.toFixed(2)}, transfer ${ratio.transfer.toFixed(2)}`);
  }
  // Back to the automatic plan's models (the next job would rebuild them anyway).
  await d.debug('timeModels', 1, 0, 'fp16');
  return { runtime, transferModel: 'fp16', byThreads, ratio, roundRatios, loadAverage };
}

const n0 = (x: number) => x.toFixed(0);

/**
 * The runtime's cold start, in fresh browsers (nothing compiled or cached before): the offscreen
 * document is started as a job would, then backdropDebug.coldStart loads the runtime, compiles the
 * three models at the automatic plan and runs each twice.
 */
export async function measureRuntimeCold(config: BenchConfig, origin: string): Promise<RuntimeColdResult> {
  const samples: RuntimeColdStart[] = [];
  for (let i = 0; i < config.runtimeColdBrowsers; i++) {
    const d = await Driver.launch(origin, '/bench/blank.html');
    try {
      await d.ext.startOffscreen();
      const c = await d.debug('coldStart', 0);
      const toFirstImage = c.start + c.compile.segmentation + c.compile.transfer + c.firstRun.segmentation + c.firstRun.transfer;
      samples.push({ ...c, toFirstImage });
      log(`cold ${c.runtime} ${i + 1}/${config.runtimeColdBrowsers} (${c.litertBuilds.join(', ')}): start ${n0(c.start)}, compile ${Object.values(c.compile).map(n0).join('/')}, ` +
        `first runs ${Object.values(c.firstRun).map(n0).join('/')}, second ${Object.values(c.secondRun).map(n0).join('/')} ms (seg/transfer/pred)`);
    } finally {
      await d.close();
    }
  }
  return {
    samples,
    median: {
      start: median(samples.map((x) => x.start)),
      compile: median(samples.map((x) => sum(Object.values(x.compile)))),
      firstRun: median(samples.map((x) => sum(Object.values(x.firstRun)))),
      toFirstImage: median(samples.map((x) => x.toFirstImage)),
    },
  };
}

/**
 * High and Full Detail per image size (all four, whatever the mode): the fp16 transfer model's time
 * at the size that Detail gives (debug timeTransferAt, on the size's photo), and for the sizes this
 * run serves, warm right-click stylizations at that Detail. Standard's transfer at the reference
 * size is timed in the same run, as the baseline. Leaves the setting at Standard.
 */
export async function measureDetail(config: BenchConfig, d: Driver, origin: string): Promise<{ detail: DetailResult[]; baselineMs: number }> {
  await d.goto(new URL('/bench/sizes.html', d.page.url()).href);
  const photo = (fixture: string) => `${origin}/fixtures/${fixture}`;
  const ref = SIZES.find((z) => z.label === config.reference)!;
  const std = transferSize(ref.width, ref.height, 'standard');
  const base = await d.debug('timeTransferAt', 'fp16', std.height, std.width, config.detailRuns, photo(ref.fixture));
  const results: DetailResult[] = [];
  try {
    for (const detail of ['high', 'full'] as const) {
      await d.setDetail(detail);
      for (const size of SIZES) {
        const t = transferSize(size.width, size.height, detail);
        const m = await d.debug('timeTransferAt', 'fp16', t.height, t.width, config.detailRuns, photo(size.fixture));
        const e2e: number[] = [], transfer: number[] = [];
        if (config.sizes.some((z) => z.label === size.label)) {
          const id = sizeImage(size.label);
          await timed(d, id); // the model at this size compiles and sets up
          for (let i = 0; i < config.detailRuns; i++) {
            const s = await timed(d, id);
            e2e.push(s.e2e);
            transfer.push(s.stages.transfer ?? NaN);
          }
        }
        const { label, width, height } = size;
        results.push({
          detail, label, width, height, transfer: t, modelMs: m.times, modelMedian: median(m.times),
          e2e, e2eMedian: e2e.length ? median(e2e) : undefined, transferStageMedian: transfer.length ? median(transfer) : undefined,
        });
        log(`detail ${detail} ${label} (transfer ${t.width}×${t.height}): model ${median(m.times).toFixed(0)} ms` +
          (e2e.length ? `, warm e2e ${median(e2e).toFixed(0)} ms` : ''));
      }
    }
  } finally {
    await d.setDetail('standard');
  }
  return { detail: results, baselineMs: median(base.times) };
}

/**
 * The same few figures for one browser, measured the same way in each (`npm run bench` runs it for
 * Chromium, then Firefox): cold and warm end to end at the reference size with the warm run's stages,
 * the models alone on that photo's inputs, and a batch of the gallery. No trace and no CDP: Firefox
 * has neither here.
 */
export async function measureBrowserColumn(config: BenchConfig, origin: string, which: 'chromium' | 'firefox'): Promise<BrowserColumn> {
  const id = sizeImage(config.reference);
  const cold: number[] = [];
  for (let i = 0; i < config.coldBrowsers; i++) {
    const d = await Driver.launch(origin, '/bench/sizes.html', [], which);
    try {
      await d.reset(id, fresh());
      cold.push((await d.stylize(id)).e2e);
    } finally {
      await d.close();
    }
  }
  const d = await Driver.launch(origin, '/bench/sizes.html', [], which);
  try {
    await timed(d, id);
    const warm: Sample[] = [];
    const models: ModelTimes[] = [];
    for (let i = 0; i < config.repeats; i++) {
      warm.push(await timed(d, id));
      models.push(await d.timeModels(Math.ceil(config.modelRuns / config.repeats), 0, d.lastSrc));
    }
    const info = await d.debug('info');
    const url = new URL('/bench/gallery.html', d.page.url()).href;
    const tab = await d.newTab(`${url}?${which}-batch`);
    let batchWall: number;
    try {
      batchWall = await pageBatch(tab);
    } finally {
      await tab.page.close();
    }
    const column: BrowserColumn = {
      browser: which, version: await d.ext.browser.version(), runtime: `${info.runtime}, ${info.maxThreads} thread${info.maxThreads === 1 ? '' : 's'}`,
      image: config.reference, coldMedian: median(cold), cold, warm: summarize(warm), models: mergeModelTimes(models),
      batch: { count: config.galleryCount, wall: batchWall },
    };
    log(`${which}: cold ${column.coldMedian.toFixed(0)} ms, warm ${column.warm.e2e.toFixed(0)} ms, models ${column.models.sumMedian.toFixed(0)} ms, batch of ${config.galleryCount} ${batchWall.toFixed(0)} ms`);
    return column;
  } finally {
    await d.close();
  }
}
