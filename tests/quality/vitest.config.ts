/** The quality run's own vitest config (as the benchmark's): `npm test` never runs it. */
import { resolve } from 'node:path';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  root: resolve(import.meta.dirname, '../..'),
  test: {
    name: 'quality',
    include: ['tests/quality/run.ts'],
    environment: 'node',
    fileParallelism: false,
    disableConsoleIntercept: true,
  },
});
