#!/usr/bin/env node
/**
 * `npm run bench [-- --smoke] [--only runtime|browsers] [--rounds N]`: benchmarks the test build,
 * .output/chrome-mv3-test, and measures the production build's package (run `npm run build` first: it
 * makes both; set BACKDROP_OUT to use another folder). `--only runtime` runs the runtime section alone
 * (model runs at each thread setting side by side, cold starts, the package with and without the
 * runtime; `--only browsers` the Chromium and Firefox table alone); `--rounds N` sets that section's alternating rounds and fresh browsers. Writes
 * bench-results/<full|smoke>[-runtime]/. See docs/benchmark.md.
 */
import { spawnSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const USAGE = 'usage: npm run bench [-- --smoke] [--only runtime|browsers] [--rounds N]';
const args = process.argv.slice(2);
let smoke = false, only = 'all', rounds;
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  if (a === '--smoke') smoke = true;
  else if (a === '--only' && ['runtime', 'browsers'].includes(args[i + 1])) only = args[++i];
  else if (a === '--rounds' && /^[1-9][0-9]?$/.test(args[i + 1] ?? '')) rounds = args[++i];
  else {
    console.error(`${USAGE}   (not understood: ${args.slice(i).join(' ')})`);
    process.exit(2);
  }
}
const vitest = resolve(root, 'node_modules/vitest/vitest.mjs');
const run = spawnSync(process.execPath, [vitest, 'run', '--config', 'tests/bench/vitest.config.ts'], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, BACKDROP_BENCH: smoke ? 'smoke' : 'full', BACKDROP_BENCH_ONLY: only, BACKDROP_BENCH_ROUNDS: rounds ?? '' },
});
process.exit(run.status ?? 1);
