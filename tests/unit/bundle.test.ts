// @vitest-environment node
/**
 * What users install holds no debug surface: the production build (`npm run build`, .output/chrome-mv3) has
 * neither src/offscreen/debug.ts nor the counters of src/test-hooks/probe.ts, which only the test build (`npm run
 * build:test`, .output/chrome-mv3-test) keeps. It reads the built files (builds nothing: `npm run setup` and
 * `npm run build` make both) and fails, naming the command, when a build is missing. The test build must have
 * every marker, so that the check on the production build can fail.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, test } from 'vitest';
import { EXTENSION_DIR, PRODUCTION_DIR, withOut } from '../support/paths';

/**
 * Names only the debug surface and the probe bring into a bundle. Property names outlive minification: the
 * members of `backdropDebug` (debug.ts) and the fields of `probe` (probe.ts). (Not `objectsToDelete`, the private
 * LiteRT.js field debug.ts reads: LiteRT.js's own code uses it.)
 */
const DEBUG_MARKERS = [
  'backdropDebug', 'maskGridCheck', 'stylizeOfficial', 'coldStart', 'timeModels',
  'runtimeMemory', 'openResultPorts', 'modelRuns', 'warmUpRuns', 'deliveries', 'readAheadLast',
  'lastTimings', 'lastSave', 'saveKeep',
];
/** The service worker's seam the tests drive the production path through: in every build. */
const SEAM = ['handleContextMenuClick', 'handleCommand', 'ensureOffscreen', 'handleBatchCommand'];

/** Every script of a build folder, by path relative to it; a missing build fails with the command that makes it. */
function scriptsOf(dir: string, build: string): Map<string, string> {
  if (!existsSync(join(dir, 'manifest.json'))) {
    throw new Error(`No build at ${dir} (no manifest.json): run \`${withOut(build)}\` first (\`npm run setup\` makes both builds).`);
  }
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.js')) out.set(relative(dir, p), readFileSync(p, 'utf8'));
    }
  };
  walk(dir);
  return out;
}

/** For each marker, the files that contain it. */
function whereMarkers(scripts: Map<string, string>, markers: string[]) {
  return Object.fromEntries(markers.map((m) => [m, [...scripts].filter(([, text]) => text.includes(m)).map(([f]) => f)]));
}

describe('the production bundle has no debug surface', () => {
  test('the test build has every debug marker, in the offscreen document\'s code (so the check below can fail)', () => {
    const found = whereMarkers(scriptsOf(EXTENSION_DIR, 'npm run build:test'), DEBUG_MARKERS);
    const missing = DEBUG_MARKERS.filter((m) => found[m].length === 0);
    expect(missing, `the test build at ${EXTENSION_DIR} lacks these markers: is it a test build?`).toEqual([]);
    expect(found.backdropDebug.some((f) => /offscreen/.test(f))).toBe(true);
  });

  test('the production build has none of them, in any script', () => {
    const found = whereMarkers(scriptsOf(PRODUCTION_DIR, 'npm run build'), DEBUG_MARKERS);
    expect(Object.fromEntries(Object.entries(found).filter(([, files]) => files.length > 0))).toEqual({});
  });

  test('both builds keep the service worker\'s seam (tests drive the production path through it)', () => {
    for (const [dir, build] of [[PRODUCTION_DIR, 'npm run build'], [EXTENSION_DIR, 'npm run build:test']] as const) {
      const worker = scriptsOf(dir, build).get('background.js') ?? '';
      expect(SEAM.filter((name) => !worker.includes(name)), `${dir}/background.js`).toEqual([]);
    }
  });
});
