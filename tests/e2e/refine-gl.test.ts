/**
 * The keep-mask refinement's two paths (src/inference/refine-path.ts, refine-gl.ts), end to end in the
 * test build with the real models. This Chromium has no GPU: its WebGL2 is SwiftShader, which the
 * extension must never take for a GPU. The test build forces the GPU path onto it to check that the
 * WebGL guided filter gives the CPU path's keep-alpha on a real photo and its real keep-mask.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Page } from 'puppeteer-core';
import { onlyIn } from '../support/only-in';
import { launchWithExtension, type ExtensionBrowser } from '../support/browser';
import { callDebug } from '../support/debug';
import { startServer, type TestServer } from '../support/server';
import type { StylizeOptions } from '../../src/messaging/protocol';
import { DEFAULT_STYLE_ID } from '../../src/styles/builtins';
import { ALL_OBJECTS } from '../../src/inference/mask';

let ext: ExtensionBrowser;
let site: TestServer;
let page: Page;
let offscreen: Page;

const DOG = '/fixtures/pytorchhub_dog.jpg'; // 1546×1213
const SHEEP = '/fixtures/pytorchhub_deeplab1_person_sheep.png'; // 1282×1026

const JOB_OPTIONS: StylizeOptions = {
  styleId: DEFAULT_STYLE_ID, mixRatio: 0.5, strength: 1, subject: [...ALL_OBJECTS], invert: false, transferModel: 'fp16', threads: 0,
};

const pageHtml = (src: string) => `<!doctype html><meta charset="utf-8"><title>refine</title>
<style>body { margin: 0 } img { display: block; width: 400px }</style><img id="photo" src="${src}" alt="a photo">`;

beforeAll(async () => {
  site = await startServer(undefined, async (path) => (path === '/refine.html' ? { type: 'text/html; charset=utf-8', body: pageHtml(DOG) } : undefined));
  ext = await launchWithExtension();
  page = await ext.browser.newPage();
  offscreen = await ext.startOffscreen();
});

afterAll(async () => {
  await ext?.close();
  await site?.close();
});

/** Stylizes `src` (a URL the document has not prepared yet) on a fresh page, as a right-click would. */
async function stylize(src: string) {
  await page.goto(`${site.origin}/refine.html`, { waitUntil: 'load' });
  await page.evaluate((s: string) => new Promise((resolve, reject) => {
    const img = document.querySelector('img')!;
    img.onload = resolve;
    img.onerror = reject;
    img.src = s;
  }), src);
  const outcome = await ext.click('stylize-background', page, `${site.origin}${src}`);
  expect(outcome).toEqual({ ok: true });
  await page.waitForFunction(() => document.querySelector('#photo')?.hasAttribute('data-backdrop-stylized'));
}

describe('the refinement path', () => {
  test('without a GPU, a software WebGL (SwiftShader) is refused: the CPU path runs', async () => {
    // Chosen in the warm-up, before any refinement.
    const worker = await ext.worker();
    const warmed = await worker.evaluate((options) => globalThis.backdrop.sendFromBackground({ to: 'offscreen', type: 'warm', options }), JOB_OPTIONS);
    expect(warmed).toEqual({ ok: true });
    const early = await callDebug(offscreen, 'refineInfo');
    expect(early.path).toBe('cpu');
    expect(early.last).toBeUndefined();
    await stylize(`${DOG}?v=cpu`);
    const info = await callDebug(offscreen, 'refineInfo');
    expect(info.path).toBe('cpu');
    // Refused by its name, or by Chromium itself (failIfMajorPerformanceCaveat).
    expect(info.reason).toMatch(/software renderer|performance caveat/);
    expect(info.last).toEqual({ path: 'cpu', width: 400, height: 313 });
  });

  // Headless Firefox here gives the engine no WebGL2 context at all, software or not: it refines on the CPU (above).
  const onSwiftShader = onlyIn('chromium', 'needs a WebGL2 context, which headless Firefox here does not give');
  onSwiftShader('the GPU path forced onto SwiftShader gives the CPU path\'s keep-alpha (real photo, real mask)', async () => {
    await callDebug(offscreen, 'refineForce', 'gpu');
    await stylize(`${DOG}?v=gpu`);
    const info = await callDebug(offscreen, 'refineInfo');
    expect(info.path).toBe('gpu');
    expect(info.renderer).toMatch(/swiftshader/i);
    expect(info.last?.path).toBe('gpu');
    // At the CPU's working size, and at the photo's own size.
    for (const side of [400, 1546]) {
      const c = await callDebug(offscreen, 'refineCompare', `${DOG}?v=gpu`, side);
      expect(c.gpuSize).toEqual([c.width, c.height]);
      expect(Math.max(c.width, c.height)).toBe(side);
      // Something to compare: a subject, and a soft edge around it.
      expect(c.kept).toBeGreaterThan(0.05 * c.pixels);
      expect(c.edge).toBeGreaterThan(100);
      expect(c.maxDiff, `${side}: ${c.differing} pixels differ`).toBeLessThanOrEqual(2);
    }
    // "What I right-click on", inverted (all but the dog): the cut mask goes to the GPU as the coarse one.
    const cut = await callDebug(offscreen, 'refineCompare', `${DOG}?v=gpu`, 400, { point: { x: 0.5, y: 0.5 }, invert: true });
    const whole = await callDebug(offscreen, 'refineCompare', `${DOG}?v=gpu`, 400);
    expect(cut.kept).toBeGreaterThan(0.05 * cut.pixels);
    expect(cut.kept).toBeLessThan(whole.pixels - whole.kept); // the dog is out
    expect(cut.maxDiff, `cut: ${cut.differing} pixels differ`).toBeLessThanOrEqual(2);
  });

  onSwiftShader('a lost WebGL context: that job and the next ones refine on the CPU', async () => {
    await callDebug(offscreen, 'refineForce', 'gpu');
    await stylize(`${SHEEP}?v=before`);
    expect((await callDebug(offscreen, 'refineInfo')).last?.path).toBe('gpu');
    const fallbacks = (await callDebug(offscreen, 'refineInfo')).fallbacks;
    expect(await callDebug(offscreen, 'refineLoseContext')).toBe(true);
    await stylize(`${SHEEP}?v=lost`);
    let info = await callDebug(offscreen, 'refineInfo');
    expect(info.last?.path).toBe('cpu');
    expect(info.path).toBe('cpu');
    expect(info.fallbacks).toBe(fallbacks + 1);
    expect(info.reason).toMatch(/lost/);
    await stylize(`${SHEEP}?v=after`);
    info = await callDebug(offscreen, 'refineInfo');
    expect(info.last?.path).toBe('cpu');
    expect(info.fallbacks).toBe(fallbacks + 1);
  });
});
