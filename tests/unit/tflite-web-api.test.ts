/** Which tfjs-tflite build Backdrop loads (src/inference/tflite-web-api.ts). */
import { describe, expect, test } from 'vitest';
import { glueFile, wasmFeatures } from '../../src/inference/tflite-web-api';

describe('tfjs-tflite build choice', () => {
  test('threaded SIMD where memory can be shared, plain SIMD otherwise', () => {
    expect(glueFile({ simd: true, threads: true })).toBe('tflite_web_api_cc_simd_threaded.js');
    expect(glueFile({ simd: true, threads: false })).toBe('tflite_web_api_cc_simd.js');
  });

  test('no SIMD: no build ships for it, and the error says why (the host then falls back to LiteRT.js)', () => {
    expect(() => glueFile({ simd: false, threads: true })).toThrow(/SIMD/);
  });

  test('the feature probes run: SIMD is there (Node has it); threads only in a cross-origin-isolated page', () => {
    const isolated = Object.getOwnPropertyDescriptor(globalThis, 'crossOriginIsolated');
    try {
      Object.defineProperty(globalThis, 'crossOriginIsolated', { value: false, configurable: true });
      expect(wasmFeatures()).toEqual({ simd: true, threads: false });
      Object.defineProperty(globalThis, 'crossOriginIsolated', { value: true, configurable: true });
      expect(wasmFeatures()).toEqual({ simd: true, threads: true });
    } finally {
      if (isolated) Object.defineProperty(globalThis, 'crossOriginIsolated', isolated);
      else delete (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated;
    }
  });
});
