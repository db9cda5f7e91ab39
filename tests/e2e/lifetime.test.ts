/**
 * Firefox suspends an event page after a while without events (30 s by default), and the engine's
 * frame lives in that page. The engine keeps it awake for as long as it holds its models
 * (src/offscreen/keep-awake.ts); this test shortens both Firefox's timeout and the engine's period.
 */
import { afterAll, beforeAll, expect } from 'vitest';
import { launchWithExtension, type ExtensionBrowser } from '../support/browser';
import { onlyIn } from '../support/only-in';
import { FIREFOX_TESTS } from '../support/paths';

let ext: ExtensionBrowser;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  // Not when the suite runs in Chromium: its offscreen document is no part of the background.
  if (!FIREFOX_TESTS) return;
  ext = await launchWithExtension(undefined, [], { 'extensions.background.idle.timeout': 3000 });
});

afterAll(async () => {
  await ext?.close();
});

const firefox = onlyIn('firefox', 'Chrome\'s offscreen document is no part of the service worker, which may stop under it');

firefox('the engine keeps the event page, and itself, alive past Firefox\'s idle timeout; without it both go', async () => {
  const off = await ext.startOffscreen();
  expect(await off.evaluate(() => globalThis.backdropDebug.awakeEvery(1000))).toBe(true);
  const kept = await ext.markContexts();
  await sleep(9000); // three of Firefox's timeouts, nothing else happening
  expect(await kept.same()).toEqual({ background: true, engine: true });

  // Slower than Firefox's timeout: the page is suspended, its engine with it.
  expect(await (await ext.offscreen()).evaluate(() => globalThis.backdropDebug.awakeEvery(60_000))).toBe(true);
  const left = await ext.markContexts();
  await sleep(9000);
  expect(await left.same()).toEqual({ background: false, engine: false });
}, 60_000);
