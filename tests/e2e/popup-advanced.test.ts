/**
 * The popup's Advanced section, end to end with the real models: each painting model's file size and
 * its time measured on this machine ("not measured yet" before), a change of model that paints the
 * next image with the other model, and the thread count (Firefox: disabled, with the reason).
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Page } from 'puppeteer-core';
import { launchWithExtension, type ExtensionBrowser } from '../support/browser';
import { callDebug } from '../support/debug';
import { onlyIn } from '../support/only-in';
import { meanAbsDiff, readImagePixels } from '../support/pixels';
import { startServer, type TestServer } from '../support/server';

let ext: ExtensionBrowser;
let site: TestServer;
let page: Page;
let popup: Page;

const PHOTO = '/fixtures/pytorchhub_dog.jpg';
const html = `<!doctype html><meta charset="utf-8"><title>advanced</title><img id="photo" src="${PHOTO}" style="width: 400px">`;

const settings = () => ext.worker().then((w) => w.evaluate(async () => (await globalThis.chrome.storage.local.get('settings')).settings));
const facts = (kind: string) => popup.$eval(`[data-model-facts="${kind}"]`, (e) => e.textContent ?? '');
const src = () => page.$eval('#photo', (el) => (el as HTMLImageElement).currentSrc);

async function stylize() {
  await page.bringToFront();
  expect(await ext.click('stylize-background', page, await src())).toEqual({ ok: true });
  return readImagePixels(page, { selector: '#photo' });
}

beforeAll(async () => {
  site = await startServer(undefined, async (p) => (p === '/advanced.html' ? { type: 'text/html', body: html } : undefined));
  ext = await launchWithExtension();
  page = await ext.browser.newPage();
  await page.goto(`${site.origin}/advanced.html`, { waitUntil: 'load' });
  popup = await ext.openPage(`/popup.html?tab=${await ext.tabId(page)}`);
  await popup.waitForSelector('details.advanced');
  await popup.$eval('details.advanced', (d) => { (d as HTMLDetailsElement).open = true; });
});

afterAll(async () => {
  await ext?.close();
  await site?.close();
});

describe('Advanced', () => {
  test('each painting model shows its file\'s size, and "not measured yet" before it has painted here', async () => {
    expect(await facts('fp16')).toBe('422 kB · not measured yet');
    expect(await facts('int8')).toBe('284 kB · not measured yet');
    expect(await popup.$eval('input[name="transfer-model"]:checked', (e) => (e as HTMLInputElement).value)).toBe('fp16');
  });

  test('a result records its model\'s time, shown at once; int8 chosen paints the next image with int8', async () => {
    const withFp16 = await stylize();
    // The popup stays open and follows storage: the time appears without reopening it.
    await popup.waitForFunction(() => !/not measured/.test(document.querySelector('[data-model-facts="fp16"]')?.textContent ?? ''));
    expect(await facts('fp16')).toMatch(/^422 kB · \d+(\.\d+)?s .*on this computer.* \(Standard detail\)$/);
    expect(await facts('int8')).toBe('284 kB · not measured yet');
    const stored = await ext.worker().then((w) => w.evaluate(async () => (await globalThis.chrome.storage.local.get('transferLatency')).transferLatency));
    expect(stored.fp16.ms).toBeGreaterThan(0);
    expect(stored.fp16.detail).toBe('standard');

    const shown = await src();
    await popup.bringToFront();
    await popup.click('input[name="transfer-model"][value="int8"]');
    await popup.waitForFunction(() => (document.querySelector('input[name="transfer-model"][value="int8"]') as HTMLInputElement).checked);
    await expect.poll(async () => (await settings()).transferModel).toBe('int8');
    // An engine setting restyles nothing already shown: it applies from the next image.
    await new Promise((r) => setTimeout(r, 500));
    expect(await src()).toBe(shown);

    const withInt8 = await stylize();
    const diff = meanAbsDiff(withFp16, withInt8).mad;
    console.log(`fp16 vs int8 result, mean difference ${diff.toFixed(2)}/255`);
    expect(diff).toBeGreaterThan(0.5);
    await popup.waitForFunction(() => !/not measured/.test(document.querySelector('[data-model-facts="int8"]')?.textContent ?? ''));
    expect(await facts('int8')).toMatch(/^284 kB · \d+(\.\d+)?s .*on this computer.* \(Standard detail\)$/);
    console.log(`Advanced shows: ${await facts('fp16')} | ${await facts('int8')}`);

    // Back to fp16: the very picture fp16 painted before.
    await popup.bringToFront();
    await popup.click('input[name="transfer-model"][value="fp16"]');
    await expect.poll(async () => (await settings()).transferModel).toBe('fp16');
    expect(meanAbsDiff(withFp16, await stylize()).mad).toBeLessThan(0.5);
  });

  onlyIn('chromium', 'Firefox runs one thread (no cross-origin isolation); its disabled control is tested below')(
    'a thread count chosen applies to the next image: its models run with that many threads', async () => {
      await stylize();
      const before = await callDebug(await ext.offscreen(), 'info');
      expect(before.plan?.transfer).toBeGreaterThan(1); // automatic, on 2 cores or more
      await popup.bringToFront();
      await popup.select('#threads', '1');
      await expect.poll(async () => (await settings()).threads).toBe(1);
      await stylize();
      const after = await callDebug(await ext.offscreen(), 'info');
      expect(after.plan).toEqual({ segmentation: 1, transfer: 1, prediction: 1 });
      await popup.bringToFront();
      await popup.select('#threads', '0');
      await expect.poll(async () => (await settings()).threads).toBe(0);
    },
  );

  onlyIn('firefox', 'Chrome\'s extension pages are cross-origin isolated, so its threads can be chosen')(
    'the thread count is disabled, and says why', async () => {
      expect(await popup.$eval('#threads', (e) => (e as HTMLSelectElement).disabled)).toBe(true);
      const why = await popup.$eval('#threads', (e) => document.getElementById(e.getAttribute('aria-describedby') ?? '')?.textContent ?? '');
      expect(why).toMatch(/Firefox runs the models on one thread.*cross-origin isolation/);
    },
  );
});
