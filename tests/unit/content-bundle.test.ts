// @vitest-environment node
/**
 * The content script's debug surface (`backdropContentDebug`, src/content/results.ts, read by
 * tests/e2e/restore-all.test.ts) is in the test build only: the production content script has
 * neither it nor its counters. Reads the built files, as tests/unit/bundle.test.ts does for the
 * offscreen document's surface (`npm run build` makes both builds).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { EXTENSION_DIR, PRODUCTION_DIR, withOut } from '../support/paths';

/** Names only the content debug surface brings in (property names outlive minification). */
const MARKERS = ['backdropContentDebug', 'letGo', 'revoked', 'released'];

function contentScript(dir: string, build: string): string {
  const file = join(dir, 'content-scripts', 'content.js');
  if (!existsSync(file)) throw new Error(`No content script at ${file}: run \`${withOut(build)}\` first.`);
  return readFileSync(file, 'utf8');
}

describe('the content script’s debug surface', () => {
  test('is in the test build (so the check below can fail)', () => {
    const text = contentScript(EXTENSION_DIR, 'npm run build:test');
    expect(MARKERS.filter((m) => !text.includes(m)), `the test build at ${EXTENSION_DIR} lacks them: is it a test build of this code? \`${withOut('npm run build')}\``).toEqual([]);
  });

  test('is not in the production build', () => {
    const text = contentScript(PRODUCTION_DIR, 'npm run build');
    expect(MARKERS.filter((m) => text.includes(m))).toEqual([]);
  });
});
