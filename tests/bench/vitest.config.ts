/** The benchmark's own vitest config: kept apart so that `npm test` never runs it. */
import { resolve } from 'node:path';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  root: resolve(import.meta.dirname, '../..'),
  test: {
    name: 'bench',
    include: ['tests/bench/run.ts'],
    environment: 'node',
    fileParallelism: false,
    disableConsoleIntercept: true,
  },
});
