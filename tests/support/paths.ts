import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
/** Third-party fixtures and styles: $BACKDROP_ASSETS or ../shared beside the project (never committed). */
export const SHARED = process.env.BACKDROP_ASSETS ? resolve(process.env.BACKDROP_ASSETS) : resolve(ROOT, '../shared');
export const FIXTURES = resolve(SHARED, 'fixtures');
export const EXTENSION_DIR = resolve(ROOT, process.env.BACKDROP_OUT ?? '.output', 'chrome-mv3');
/** An empty CHROMIUM_PATH counts as unset (as in scripts/check-test-prereqs.mjs, which `npm test` runs first). */
export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

export function requireBuilt() {
  if (!existsSync(resolve(EXTENSION_DIR, 'manifest.json'))) {
    const build = process.env.BACKDROP_OUT ? `BACKDROP_OUT=${process.env.BACKDROP_OUT} npm run build` : 'npm run build';
    throw new Error(`No built extension at ${EXTENSION_DIR}: run \`${build}\` first.`);
  }
  if (!existsSync(FIXTURES)) throw new Error(`No fixtures at ${FIXTURES}: export BACKDROP_ASSETS=/path/to/shared (the folder holding fixtures/ and styles/).`);
}
