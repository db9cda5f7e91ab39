/**
 * The benchmark as a vitest run (for TypeScript and the test support code), started by
 * scripts/bench.mjs with BACKDROP_BENCH=full|smoke. It asserts nothing about timings: the targets
 * are read from the results it writes.
 */
import { test } from 'vitest';
import { runBenchmark } from './bench';

const mode = process.env.BACKDROP_BENCH === 'smoke' ? 'smoke' : 'full';

test(`benchmark (${mode})`, async () => {
  await runBenchmark(mode);
}, mode === 'smoke' ? 600_000 : 3_600_000);
