/**
 * The picture-quality run as a vitest run (for TypeScript and the test support code), started by
 * scripts/quality.mjs with BACKDROP_QUALITY_COMPARE, BACKDROP_QUALITY_PHOTOS and
 * BACKDROP_QUALITY_REFRESH. It asserts nothing about the figures: the targets are read from its report.
 */
import { test } from 'vitest';
import { runQuality } from './quality';

test('picture quality (issue 18)', async () => {
  await runQuality({
    compare: process.env.BACKDROP_QUALITY_COMPARE || undefined,
    extraPhotos: process.env.BACKDROP_QUALITY_PHOTOS || undefined,
    refreshMasks: process.env.BACKDROP_QUALITY_REFRESH === '1',
  });
}, 3_600_000);
