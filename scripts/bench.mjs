#!/usr/bin/env node
/**
 * `npm run bench [-- --smoke]`: benchmarks the test build, .output/chrome-mv3-test, and measures the
 * production build's package (run `npm run build` first: it makes both; set BACKDROP_OUT to use another folder). Writes bench-results/<full|smoke>/. See docs/benchmark.md.
 */
import { spawnSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const unknown = args.filter((a) => a !== '--smoke');
if (unknown.length) {
  console.error(`usage: npm run bench [-- --smoke]   (unknown: ${unknown.join(' ')})`);
  process.exit(2);
}
const mode = args.includes('--smoke') ? 'smoke' : 'full';
const vitest = resolve(root, 'node_modules/vitest/vitest.mjs');
const run = spawnSync(process.execPath, [vitest, 'run', '--config', 'tests/bench/vitest.config.ts'], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, BACKDROP_BENCH: mode },
});
process.exit(run.status ?? 1);
