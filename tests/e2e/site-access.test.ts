/**
 * Host access: Chrome grants it on install; Firefox lets a person withhold it from an MV3 add-on, and
 * then the popup says so and offers to ask (src/ui/SiteAccess.tsx).
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { launchWithExtension, type ExtensionBrowser } from '../support/browser';
import { onlyIn } from '../support/only-in';

let ext: ExtensionBrowser;

beforeAll(async () => {
  ext = await launchWithExtension();
});

afterAll(async () => {
  await ext?.close();
});

const banner = async () => {
  const popup = await ext.openPage('/popup.html');
  await popup.waitForSelector('[role="radio"]');
  const found = await popup.$eval('body', (b) => b.querySelector('[data-site-access]')?.textContent ?? null);
  await popup.close();
  return found;
};

test('with access to every site (as installed), the popup asks for nothing', async () => {
  expect(await (await ext.worker()).evaluate(() => globalThis.chrome.permissions.contains({ origins: ['<all_urls>'] }))).toBe(true);
  expect(await banner()).toBeNull();
});

onlyIn('firefox', 'Chrome does not let a person withhold an extension\'s required host access')(
  'with the access withheld, the popup says Backdrop cannot read images and offers to ask', async () => {
    expect(await (await ext.worker()).evaluate(() => globalThis.chrome.permissions.remove({ origins: ['<all_urls>'] }))).toBe(true);
    expect(await banner()).toMatch(/may not read images on websites.*Allow access to all websites/);
  },
);
