/**
 * The benchmark as a vitest run (for TypeScript and the test support code), started by
 * scripts/bench.mjs with BACKDROP_BENCH=full|smoke, BACKDROP_BENCH_ONLY=all|runtime|browsers and
 * BACKDROP_BENCH_ROUNDS. It asserts nothing about timings: the targets are read from the results it writes.
 */
import { test } from 'vitest';
import { runBenchmark, runBrowsersBenchmark, runRuntimeBenchmark } from './bench';

const mode = process.env.BACKDROP_BENCH === 'smoke' ? 'smoke' : 'full';
const only = process.env.BACKDROP_BENCH_ONLY === 'runtime' || process.env.BACKDROP_BENCH_ONLY === 'browsers' ? process.env.BACKDROP_BENCH_ONLY : 'all';
const rounds = Number(process.env.BACKDROP_BENCH_ROUNDS) || undefined;

test(`benchmark (${mode}${only === 'all' ? '' : `, ${only} only`})`, async () => {
  if (only === 'runtime') await runRuntimeBenchmark(mode, rounds);
  else if (only === 'browsers') await runBrowsersBenchmark(mode);
  else await runBenchmark(mode, process.env.BACKDROP_BENCH_DIR || undefined, rounds); // BACKDROP_BENCH_DIR: another results folder
}, mode === 'smoke' ? 600_000 : 3_600_000);
