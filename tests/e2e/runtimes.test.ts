/**
 * The runtime, LiteRT.js, in the real extension: the one wasm build Chrome's package ships is the one it
 * loads (threaded, on any number of cores), and every use of the models (a stylization, the popup's
 * "Add a style") runs on that runtime. Its outputs are checked against the official references in
 * golden.test.ts.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, onTestFinished, test } from 'vitest';
import type { Page } from 'puppeteer-core';
import { launchWithExtension } from '../support/browser';
import { onlyIn } from '../support/only-in';
import { useOffscreenSuite } from '../support/offscreen-suite';
import { callDebug, type BackdropDebug } from '../support/debug';
import { EXTENSION_DIR, PRODUCTION_DIR, SHARED } from '../support/paths';

const suite = useOffscreenSuite(async (path) => (path === '/one.html'
  ? { type: 'text/html; charset=utf-8', body: '<!doctype html><img id="photo" src="/fixtures/pexels-jansel-ferma-3949761.jpg" style="width: 480px" alt="dancer">' }
  : undefined));

const debug = <K extends keyof BackdropDebug>(name: K, ...args: Parameters<BackdropDebug[K]>) => callDebug(suite.offscreen, name, ...args);

/** Opens the test page and stylizes its photo through the right-click handler. */
async function stylizeOnePage(ext = suite.ext, tag = 'one') {
  const page = await ext.browser.newPage();
  onTestFinished(() => page.close());
  await page.goto(`${suite.server.origin}/one.html?${tag}`, { waitUntil: 'load' });
  const src = await page.$eval('#photo', (el) => (el as HTMLImageElement).currentSrc);
  expect(await ext.click('stylize-background', page, src)).toEqual({ ok: true });
  expect(await page.$eval('#photo', (el) => el.hasAttribute('data-backdrop-stylized'))).toBe(true);
  return page;
}

// First in the file: the offscreen document is fresh, no runtime loaded yet. (It failed when the popup's
// "Add a style" loaded LiteRT.js while the runtime setting chose tfjs-tflite, as it did by default.)
test('the popup\'s "Add a style" predicts on the runtime the stylizations use, and loads no other', async () => {
  const popup = await suite.ext.openPage('/popup.html');
  onTestFinished(() => popup.close());
  const input = await popup.waitForSelector('input[name="style-file"]');
  await input!.uploadFile(join(SHARED, 'styles/style24.jpg'));
  await popup.waitForFunction(() => /Added “style24”/.test(document.body.textContent ?? ''), { timeout: 60_000 });
  const added = await debug('info');
  expect(added.modelRuns.prediction).toBe(1);

  await stylizeOnePage(suite.ext, 'add-style');
  const stylized = await debug('info');
  expect(added.runtimesLoaded).toEqual([stylized.runtime]);
  expect(stylized.runtimesLoaded).toEqual([stylized.runtime]);
});

test('each package ships one LiteRT.js build, and that is the build its engine loads: threaded in Chrome, plain in Firefox', async () => {
  const litert = (dir: string) => readdirSync(join(dir, 'litert')).sort();
  // Firefox gives an extension page no cross-origin isolation, so no shared memory for threads.
  const build = suite.ext.kind === 'chromium' ? 'litert_wasm_threaded_internal' : 'litert_wasm_internal';
  expect(litert(PRODUCTION_DIR)).toEqual([`${build}.js`, `${build}.wasm`]);
  expect(litert(EXTENSION_DIR)).toEqual([`${build}.js`, `${build}.wasm`]);
  expect(readdirSync(PRODUCTION_DIR)).not.toContain('tflite');

  const info = await debug('info');
  const isolated = suite.ext.kind === 'chromium';
  expect(info).toMatchObject({ runtime: 'litert', accelerator: 'wasm', crossOriginIsolated: isolated, litertBuilds: [build] });
  const cores = await suite.offscreen.evaluate(() => navigator.hardwareConcurrency);
  expect(info.maxThreads).toBe(isolated ? cores : 1);
});

onlyIn('chromium', 'CDP\'s hardware-concurrency override; Firefox\'s engine is single-threaded anyway')('on one core, the same threaded build runs every model on one thread', async () => {
  const ext = await launchWithExtension();
  onTestFinished(() => ext.close());
  const offscreen: Page = await ext.startOffscreen();
  // Before the runtime loads: its pool takes navigator.hardwareConcurrency workers.
  const cdp = await offscreen.createCDPSession();
  await cdp.send('Emulation.setHardwareConcurrencyOverride', { hardwareConcurrency: 1 });
  expect(await offscreen.evaluate(() => navigator.hardwareConcurrency)).toBe(1);

  await stylizeOnePage(ext, 'one-core');
  const info = await callDebug(offscreen, 'info');
  expect(info).toMatchObject({
    runtime: 'litert', maxThreads: 1, plan: { segmentation: 1, transfer: 1, prediction: 1 }, litertBuilds: ['litert_wasm_threaded_internal'],
  });
  expect(info.modelRuns).toMatchObject({ segmentation: 1, transfer: 1 });
});
