import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
/** Third-party fixtures and styles: $BACKDROP_ASSETS or ../shared beside the project (never committed). */
export const SHARED = process.env.BACKDROP_ASSETS ? resolve(process.env.BACKDROP_ASSETS) : resolve(ROOT, '../shared');
export const FIXTURES = resolve(SHARED, 'fixtures');
const OUT = resolve(ROOT, process.env.BACKDROP_OUT ?? '.output');
/**
 * The browser the e2e tests drive: Chromium, or Firefox ESR with BACKDROP_BROWSER=firefox (the vitest
 * project `e2e-firefox` sets it, over the same test files).
 */
export const BROWSER: 'chromium' | 'firefox' = process.env.BACKDROP_BROWSER === 'firefox' ? 'firefox' : 'chromium';
export const FIREFOX_TESTS = BROWSER === 'firefox';
/**
 * The test build (`npm run build:test`, `wxt build --mode test`; `npm run build` makes it too): the production code plus the debug surface
 * (`globalThis.backdropDebug`, src/offscreen/debug.ts) and the counters of src/test-hooks/probe.ts. The e2e tests and the
 * benchmark drive it.
 */
export const testBuildDir = (browser: 'chromium' | 'firefox') => resolve(OUT, browser === 'firefox' ? 'firefox-mv3-test' : 'chrome-mv3-test');
export const EXTENSION_DIR = testBuildDir(BROWSER);
/** The production build (`wxt build`, the first half of `npm run build`): what a person loads, with no debug surface (tests/unit/bundle.test.ts). */
export const PRODUCTION_DIR = resolve(OUT, FIREFOX_TESTS ? 'firefox-mv3' : 'chrome-mv3');
/** An empty CHROMIUM_PATH counts as unset (as in scripts/check-test-prereqs.mjs, which `npm test` runs first). */
export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
export const FIREFOX = process.env.FIREFOX_PATH || '/usr/bin/firefox-esr';

export function requireBuilt(dir = EXTENSION_DIR) {
  if (!existsSync(resolve(dir, 'manifest.json'))) {
    throw new Error(`No test build at ${dir}: run \`${withOut('npm run build')}\` first (it makes both builds).`);
  }
  if (!existsSync(FIXTURES)) throw new Error(`No fixtures at ${FIXTURES}: export BACKDROP_ASSETS=/path/to/shared (the folder holding fixtures/ and styles/).`);
}

/** A command as it must be typed: with BACKDROP_OUT set, it builds into that folder too. */
export const withOut = (cmd: string) => (process.env.BACKDROP_OUT ? `BACKDROP_OUT=${process.env.BACKDROP_OUT} ${cmd}` : cmd);
