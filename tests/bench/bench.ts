/** One benchmark run: serve the pages, measure every phase, write the record, table and chart. */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { EXTENSION_DIR, PRODUCTION_DIR, ROOT } from '../support/paths';
import { startServer } from '../support/server';
import { chartSvg } from './chart';
import { benchConfig, type BenchMode } from './config';
import { Driver } from './driver';
import { measurePackage, measurePackageChoices } from './package-size';
import {
  measureBrowserColumn, measureCold, measureDetail, measureGallery, measureMemory, measureMemoryNoJit, measureMenuPath, measureRuntimeCold, measureRuntimeThreads,
  measureSegmentationSizes, measureSizes, measureThreads,
} from './phases';
import type { BenchRecord, BrowserColumn, RuntimeRecord, Stamp } from './record';
import { browsersMarkdown, markdown, runtimeMarkdown } from './report';
import { benchRoute, imageSpecs, makeImages } from './site';

const git = (...args: string[]) => execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' }).trim();

function commit(): string {
  try {
    return git('rev-parse', 'HEAD') + (git('status', '--porcelain', '--untracked-files=no') ? ' (modified)' : '');
  } catch {
    return 'unknown';
  }
}

/** Whether the built extension has the page-wide batch menu (being built beside this benchmark). */
const hasBatchMenu = () => readFileSync(join(EXTENSION_DIR, 'background.js'), 'utf8').includes('stylize-page');

export async function runBenchmark(mode: BenchMode, outDir = join(ROOT, 'bench-results', mode), rounds?: number): Promise<BenchRecord> {
  const config = benchConfig(mode, rounds);
  const loadStart = loadavg()[0];
  const images = new Map<string, Buffer>();
  const site = await startServer(undefined, benchRoute(config, images));
  try {
    const maker = await Driver.launch(site.origin, '/bench/blank.html');
    try {
      for (const [name, bytes] of await makeImages(maker.page, imageSpecs(config))) images.set(name, bytes);
    } finally {
      await maker.close();
    }

    const cold = await measureCold(config, site.origin);
    const d = await Driver.launch(site.origin, '/bench/sizes.html');
    try {
      const { sizes, models } = await measureSizes(config, d, images);
      const menuPath = await measureMenuPath(config, d);
      // Jobs have run by now: the runtime and its plan are known.
      const info = await d.debug('info');
      if (!info.runtime || !info.accelerator || info.maxThreads === undefined || !info.plan) throw new Error(`no runtime after the jobs: ${JSON.stringify(info)}`);
      const hardwareConcurrency = await (await d.offscreen()).evaluate(() => navigator.hardwareConcurrency);
      const refine = await d.debug('refineInfo');
      const gallery = await measureGallery(config, d, hasBatchMenu());
      const detail = await measureDetail(config, d, site.origin);
      const threads = await measureThreads(config, d);
      const memory = await measureMemory(config, d);
      // After the memory phase: its uncut run frees the live models (the next job loads them again).
      const segmentationSizes = await measureSegmentationSizes(config, d);
      const runtimeThreads = await measureRuntimeThreads(config, d);
      const memoryNoJit = await measureMemoryNoJit(config, site.origin);
      const runtimeCold = await measureRuntimeCold(config, site.origin);
      // Chromium and Firefox measured the same way, one after the other (the driver above sits idle).
      const browsers = [await measureBrowserColumn(config, site.origin, 'chromium'), await measureBrowserColumn(config, site.origin, 'firefox')];
      const reference = sizes.find((s) => s.label === config.reference)!;
      const stamp: Stamp = {
        date: new Date().toISOString(), mode, commit: commit(), browser: await d.ext.browser.version(),
        cpuModel: cpus()[0]?.model ?? 'unknown', cores: cpus().length, hardwareConcurrency,
        runtime: info.runtime, accelerator: info.accelerator, maxThreads: info.maxThreads, threadPlan: info.plan,
        crossOriginIsolated: info.crossOriginIsolated, node: process.version, loadAverage: { start: loadStart, end: loadavg()[0] },
        refinePath: refine.path && `${refine.path}${refine.reason ? ` (${refine.reason})` : ''}`,
      };
      const record: BenchRecord = {
        stamp, sizes, cold, models, overheadRatio: reference.median.e2e / models.sumMedian,
        menuPath, menuPathRatio: menuPath.rightClickMedian.e2e / menuPath.models.sumMedian, gallery, threads, segmentationSizes, memory, memoryNoJit, runtimeThreads, runtimeCold,
        // What users install: the production build, not the test build the benchmark drives.
        package: measurePackage(PRODUCTION_DIR),
        packageChoices: measurePackageChoices(PRODUCTION_DIR),
        detail: detail.detail, detailBaselineMs: detail.baselineMs,
        browsers,
        maxPageLongTask: [...sizes.flatMap((s) => s.pageLongTasks), ...gallery.pageLongTasks].sort((a, b) => b.ms - a.ms)[0],
      };
      mkdirSync(outDir, { recursive: true });
      writeFileSync(join(outDir, 'results.json'), JSON.stringify(record, null, 2) + '\n');
      writeFileSync(join(outDir, 'results.md'), markdown(record));
      writeFileSync(join(outDir, 'chart.svg'), chartSvg(record));
      console.log(`[bench] wrote ${outDir}/results.{json,md} and chart.svg`);
      return record;
    } finally {
      await d.close();
    }
  } finally {
    await site.close();
  }
}

/**
 * The runtime section alone (`npm run bench -- --only runtime`), in browsers of its own: the model runs
 * at each thread setting side by side, then the runtime's cold start in fresh browsers, then the
 * package with and without the runtime (zipping last, so it weighs on no timing).
 */
export async function runRuntimeBenchmark(mode: BenchMode, rounds?: number, outDir = join(ROOT, 'bench-results', `${mode}-runtime`)): Promise<RuntimeRecord> {
  const config = benchConfig(mode, rounds);
  const loadStart = loadavg()[0];
  const site = await startServer(undefined, benchRoute(config, new Map()));
  try {
    const d = await Driver.launch(site.origin, '/bench/blank.html');
    let stampBase: Omit<Stamp, 'loadAverage'>;
    let runtimeThreads;
    try {
      await d.ext.startOffscreen();
      runtimeThreads = await measureRuntimeThreads(config, d);
      const info = await d.debug('info');
      const hardwareConcurrency = await (await d.offscreen()).evaluate(() => navigator.hardwareConcurrency);
      stampBase = {
        date: new Date().toISOString(), mode, commit: commit(), browser: await d.ext.browser.version(),
        cpuModel: cpus()[0]?.model ?? 'unknown', cores: cpus().length, hardwareConcurrency,
        runtime: info.runtime ?? '?', accelerator: info.accelerator ?? '?', maxThreads: info.maxThreads ?? 0, threadPlan: info.plan ?? {},
        crossOriginIsolated: info.crossOriginIsolated, node: process.version,
      };
    } finally {
      await d.close();
    }
    const runtimeCold = await measureRuntimeCold(config, site.origin);
    const record: RuntimeRecord = {
      stamp: { ...stampBase, loadAverage: { start: loadStart, end: loadavg()[0] } },
      runtimeThreads, runtimeCold, package: measurePackage(PRODUCTION_DIR), packageChoices: measurePackageChoices(PRODUCTION_DIR),
    };
    mkdirSync(outDir, { recursive: true });
    writeFileSync(join(outDir, 'results.json'), JSON.stringify(record, null, 2) + '\n');
    writeFileSync(join(outDir, 'results.md'), runtimeMarkdown(record));
    console.log(`[bench] wrote ${outDir}/results.{json,md}`);
    return record;
  } finally {
    await site.close();
  }
}

/** The Chromium and Firefox table alone (`npm run bench -- --only browsers`), with the run's full or smoke sizes. */
export async function runBrowsersBenchmark(mode: BenchMode, outDir = join(ROOT, 'bench-results', `${mode}-browsers`)): Promise<BrowserColumn[]> {
  const config = benchConfig(mode);
  const images = new Map<string, Buffer>();
  const site = await startServer(undefined, benchRoute(config, images));
  try {
    const maker = await Driver.launch(site.origin, '/bench/blank.html');
    try {
      for (const [name, bytes] of await makeImages(maker.page, imageSpecs(config))) images.set(name, bytes);
    } finally {
      await maker.close();
    }
    const browsers = [await measureBrowserColumn(config, site.origin, 'chromium'), await measureBrowserColumn(config, site.origin, 'firefox')];
    mkdirSync(outDir, { recursive: true });
    writeFileSync(join(outDir, 'results.json'), JSON.stringify({ date: new Date().toISOString(), commit: commit(), loadAverage: loadavg(), browsers }, null, 2) + '\n');
    writeFileSync(join(outDir, 'results.md'), browsersMarkdown(browsers));
    console.log(`[bench] wrote ${outDir}/results.{json,md}`);
    return browsers;
  } finally {
    await site.close();
  }
}
