import { test } from 'vitest';
import { BROWSER } from './paths';

/**
 * A test that runs in one browser only, skipped in the other with the reason in its name, so the
 * report says why: `onlyIn('chromium', 'why')('name', async () => {...}, timeout)`.
 */
export function onlyIn(browser: 'chromium' | 'firefox', why: string) {
  const skip = BROWSER !== browser;
  return (name: string, fn: () => unknown, timeout?: number) =>
    test.skipIf(skip)(skip ? `${name} [${browser} only: ${why}]` : name, fn, timeout);
}
