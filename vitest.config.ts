import { defineConfig } from 'vitest/config';
import { WxtVitest } from 'wxt/testing/vitest-plugin';

/**
 * The end-to-end suite, once per browser over the same files: `e2e` drives Chromium, `e2e-firefox`
 * Firefox ESR (tests/support/browser.ts reads BACKDROP_BROWSER). A test that cannot run in one of
 * them is skipped there with its reason (tests/support/only-in.ts).
 */
const e2e = (browser: 'chromium' | 'firefox') => ({
  test: {
    name: browser === 'chromium' ? 'e2e' : 'e2e-firefox',
    include: ['tests/e2e/**/*.test.ts'],
    env: { BACKDROP_BROWSER: browser },
    // Built extension, browsers, fixtures: say what is missing and the command that fixes it, before any launch.
    globalSetup: ['scripts/check-test-prereqs.mjs'],
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 120_000,
    fileParallelism: false,
    // One browser after the other, after the unit tests: two browsers at once on a small machine
    // only make both slower and their timeouts flaky.
    sequence: { groupOrder: browser === 'chromium' ? 1 : 2 },
  },
});

export default defineConfig({
  test: {
    projects: [
      {
        plugins: [WxtVitest()],
        test: {
          name: 'unit',
          include: ['tests/unit/**/*.test.ts'],
          setupFiles: ['tests/unit/setup-i18n.ts'],
          environment: 'happy-dom',
          // Some unit tests do real-size pixel work (masks, model rewrites) that a busy 2-core machine
          // stretches past vitest's default 5 s; a timeout there is noise, not a finding.
          testTimeout: 30_000,
          sequence: { groupOrder: 0 },
        },
      },
      e2e('chromium'),
      e2e('firefox'),
    ],
  },
});
