/**
 * The second runtime (@tensorflow/tfjs-tflite, patched for MV3 by scripts/patch-tflite.mjs) in the real
 * extension: its bundled code runs in the offscreen document under the extension's CSP, agrees with
 * LiteRT.js, and carries a whole stylization through the right-click handler when chosen in settings.
 */
import { expect, onTestFinished, test } from 'vitest';
import { useOffscreenSuite } from '../support/offscreen-suite';
import { callDebug, type BackdropDebug } from '../support/debug';
import { decodeLabels } from '../support/pixels';

const suite = useOffscreenSuite(async (path) => (path === '/one.html'
  ? { type: 'text/html; charset=utf-8', body: '<!doctype html><img id="photo" src="/fixtures/pexels-jansel-ferma-3949761.jpg" style="width: 480px" alt="dancer">' }
  : undefined));

const debug = <K extends keyof BackdropDebug>(name: K, ...args: Parameters<BackdropDebug[K]>) => callDebug(suite.offscreen, name, ...args);

test('DeepLab on tfjs-tflite agrees with LiteRT.js on ≥ 99.9 % of pixels, and the outputs match numerically', async () => {
  const url = `${suite.server.origin}/fixtures/tfexamples_segmentation_input_image.jpg`;
  const lite = decodeLabels(await debug('segmentLabels', url, 0, 'litert'));
  const tflite = decodeLabels(await debug('segmentLabels', url, 0, 'tfjs-tflite'));
  const info = await debug('info');
  expect(info.runtime).toBe('tfjs-tflite');
  expect(info.runtimesLoaded.sort()).toEqual(['litert', 'tfjs-tflite']);
  expect(tflite.length).toBe(257 * 257);
  expect(lite.length).toBe(tflite.length);
  let agree = 0;
  for (let i = 0; i < lite.length; i++) if (lite[i] === tflite[i]) agree++;
  const share = agree / lite.length;
  // Not a trivial agreement: the image has a person and a horse on a background.
  expect(new Set(tflite)).toEqual(new Set([0, 13, 15]));
  console.log(`tfjs-tflite (${info.accelerator}, up to ${info.maxThreads} threads) vs LiteRT.js: ${(share * 100).toFixed(3)} % of labels agree`);
  expect(share).toBeGreaterThanOrEqual(0.999);

  const diff = await debug(
    'compareRuntimes', url, `${suite.server.origin}/styles/style24.jpg`);
  console.log(`largest differences, LiteRT.js vs tfjs-tflite: ${JSON.stringify(diff)}`);
  expect(diff.lengths).toEqual([257 * 257 * 21, 384 * 384 * 3]);
  expect(diff.logits).toBeLessThan(1e-4);
  expect(diff.bottleneck).toBeLessThan(1e-4);
  expect(diff.int8).toBeLessThan(1e-4);
  expect(diff.fp16).toBeLessThan(1e-3);

  // Runs leave no models behind (compareRuntimes disposed tfjs-tflite's models at the end).
  expect(await debug('tfliteMemory')).toEqual({ liveModels: 0 });
  await debug('timeModels', 2, 0, 'int8', 'tfjs-tflite', true);
  expect(await debug('tfliteMemory')).toEqual({ liveModels: 3 });
  await debug('segmentLabels', url, 0, 'litert');
  expect(await debug('tfliteMemory')).toEqual({ liveModels: 0 });
});

test.each(['litert', 'tfjs-tflite'])('a whole stylization through the right-click handler with runtime %s', async (runtime) => {
  const w = await suite.ext.worker();
  const changed = await w.evaluate(async (runtime) => {
    const storage = globalThis.chrome.storage.local;
    const { settings } = await storage.get('settings');
    await storage.set({ settings: { ...settings, runtime, transferModel: 'int8' } });
    return settings?.runtime !== runtime;
  }, runtime);
  // Changing the runtime closes the offscreen document: the job starts a fresh one.
  for (let i = 0; changed && i < 100 && suite.ext.browser.targets().some((t) => t.url().endsWith('/offscreen.html')); i++) {
    await new Promise((r) => setTimeout(r, 50));
  }
  const page = await suite.ext.browser.newPage();
  onTestFinished(() => page.close());
  await page.goto(`${suite.server.origin}/one.html?${runtime}`, { waitUntil: 'load' });
  const src = await page.$eval('#photo', (el) => (el as HTMLImageElement).currentSrc);
  const outcome = await suite.ext.click('stylize-background', page, src);
  expect(outcome).toEqual({ ok: true });
  suite.offscreen = await suite.ext.offscreen();
  const info = await debug('info');
  expect(info.runtime).toBe(runtime);
  const shown = await page.$eval('#photo', (el) => ({ stylized: el.hasAttribute('data-backdrop-stylized'), src: el.getAttribute('src') ?? '' }));
  expect(shown.stylized).toBe(true);
  expect(shown.src).not.toBe(src);
  console.log(`${runtime} stylization stages: ${JSON.stringify(await debug('lastTimings'), (_k, v) => (typeof v === 'number' ? Math.round(v) : v))}`);
});
