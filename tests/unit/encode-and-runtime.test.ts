import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { bmpHeader, BMP_HEADER_SIZE, bmpStride, encodeBmp } from '../../src/inference/encode';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { threadPlan, type Runtime } from '../../src/inference/runtime';
import { BROWSER_FEATURES, litertBuild, shippedLitertBuilds } from '../../src/inference/litert-builds';
import { ROOT } from '../support/paths';
import { ModelSet, segmentationSize } from '../../src/inference/models';
import { serveModelFiles } from '../support/model-files';
import { sniffImageType } from '../../src/inference/decode';

describe('BMP header', () => {
  test('top-down 32-bit RGBA bitfields, sizes consistent', () => {
    const h = new DataView(bmpHeader(3, 2).buffer);
    expect(String.fromCharCode(h.getUint8(0), h.getUint8(1))).toBe('BM');
    expect(h.getUint32(2, true)).toBe(BMP_HEADER_SIZE + 3 * 2 * 4);
    expect(h.getUint32(10, true)).toBe(BMP_HEADER_SIZE);
    expect(h.getInt32(18, true)).toBe(3);
    expect(h.getInt32(22, true)).toBe(-2);
    expect(h.getUint16(28, true)).toBe(32);
    expect(h.getUint32(30, true)).toBe(3);
    // masks pick bytes 0,1,2,3 of each pixel as R,G,B,A: canvas order
    expect([h.getUint32(54, true), h.getUint32(58, true), h.getUint32(62, true), h.getUint32(66, true)])
      .toEqual([0xff, 0xff00, 0xff0000, 0xff000000]);
  });
});

describe('BMP file', () => {
  /** Opaque RGBA pixels of varied values, `width` × `height`. */
  const opaque = (width: number, height: number) => {
    const px = new Uint8ClampedArray(width * height * 4);
    for (let i = 0; i < px.length; i++) px[i] = i % 4 === 3 ? 255 : (i * 37 + 11) % 256;
    return px;
  };

  test('an opaque picture: 24-bit B, G, R rows padded to 4 bytes, at every width modulo 4', async () => {
    for (const [width, height] of [[8, 3], [5, 2], [6, 2], [7, 3], [1, 1]]) {
      const px = opaque(width, height);
      const bytes = new Uint8Array(await encodeBmp({ width, height, data: px } as ImageData).arrayBuffer());
      const stride = bmpStride(width, 24);
      expect(stride % 4).toBe(0);
      expect(bytes.length).toBe(BMP_HEADER_SIZE + stride * height);
      const h = new DataView(bytes.buffer);
      expect([h.getUint16(28, true), h.getUint32(30, true), h.getUint32(2, true)]).toEqual([24, 0, bytes.length]);
      const want = new Uint8Array(stride * height);
      for (let y = 0; y < height; y++) {
        for (let x = 0; x < width; x++) {
          const i = (y * width + x) * 4, o = y * stride + x * 3;
          [want[o], want[o + 1], want[o + 2]] = [px[i + 2], px[i + 1], px[i]];
        }
      }
      expect(Array.from(bytes.subarray(BMP_HEADER_SIZE)), `${width}×${height}`).toEqual(Array.from(want));
    }
  });

  test('one pixel not opaque, among the groups of four or in the rest of a row: 32-bit RGBA', async () => {
    for (const at of [5, 9]) { // 10×2: pixel 5 is in a group of four, pixel 9 in the row's last two
      const px = opaque(10, 2);
      px[at * 4 + 3] = 254;
      const bytes = new Uint8Array(await encodeBmp({ width: 10, height: 2, data: px } as ImageData).arrayBuffer());
      expect(new DataView(bytes.buffer).getUint16(28, true)).toBe(32);
      expect(Array.from(bytes.subarray(BMP_HEADER_SIZE))).toEqual(Array.from(px));
    }
  });

  test('with transparency: a Blob of the header and the pixel bytes as they are', async () => {
    const pixels = new Uint8ClampedArray([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24]);
    const file = encodeBmp({ width: 3, height: 2, data: pixels } as ImageData);
    expect(file.type).toBe('image/bmp');
    const bytes = new Uint8Array(await file.arrayBuffer());
    expect(bytes.length).toBe(BMP_HEADER_SIZE + pixels.length);
    expect(Array.from(bytes.subarray(0, BMP_HEADER_SIZE))).toEqual(Array.from(bmpHeader(3, 2)));
    expect(Array.from(bytes.subarray(BMP_HEADER_SIZE))).toEqual(Array.from(pixels));
  });
});

describe('thread plan', () => {
  test('live models never hold more pool workers than the pool has', () => {
    for (const pool of [0, 1, 2, 3, 4, 8, 16]) {
      for (const wanted of [0, 1, 2, 4, 32]) {
        const p = threadPlan(pool, wanted);
        const workers = (p.segmentation - 1) + (p.transfer - 1) + (p.prediction - 1);
        expect(workers).toBeLessThanOrEqual(pool);
        expect(Math.min(p.segmentation, p.transfer, p.prediction)).toBeGreaterThanOrEqual(1);
      }
    }
  });
  test('two cores: two threads for the heavy models, one for prediction', () => {
    expect(threadPlan(2, 0)).toEqual({ segmentation: 2, transfer: 2, prediction: 1 });
    expect(threadPlan(2, 1)).toEqual({ segmentation: 1, transfer: 1, prediction: 1 });
    expect(threadPlan(0, 0)).toEqual({ segmentation: 1, transfer: 1, prediction: 1 });
  });
});

describe('image sniffing', () => {
  const bytes = (...b: number[]) => new Uint8Array([...b, ...new Array(16).fill(0)]);
  const ascii = (s: string) => bytes(...[...s].map((c) => c.charCodeAt(0)));
  test.each([
    [bytes(0xff, 0xd8, 0xff, 0xe0), 'image/jpeg'],
    [bytes(0x89, 0x50, 0x4e, 0x47), 'image/png'],
    [ascii('GIF89a'), 'image/gif'],
    [ascii('RIFF\0\0\0\0WEBPVP8 '), 'image/webp'],
    [ascii('\0\0\0\x1cftypavif'), 'image/avif'],
  ])('%#: %s', (head, type) => expect(sniffImageType(head)).toBe(type));
  test('text and HTML are not images', () => {
    expect(sniffImageType(ascii('this is plain text'))).toBeUndefined();
    expect(sniffImageType(ascii('<!doctype html>'))).toBeUndefined();
  });
});

describe('LiteRT.js builds', () => {
  test('the build LiteRT.js picks: compat without relaxed SIMD, threaded where memory can be shared, plain elsewhere', () => {
    expect(litertBuild({ relaxedSimd: false, sharedMemory: true })).toBe('litert_wasm_compat_internal');
    expect(litertBuild({ relaxedSimd: false, sharedMemory: false })).toBe('litert_wasm_compat_internal');
    expect(litertBuild({ relaxedSimd: true, sharedMemory: true })).toBe('litert_wasm_threaded_internal');
    expect(litertBuild({ relaxedSimd: true, sharedMemory: false })).toBe('litert_wasm_internal');
  });
  test('each browser\'s package ships the one build it loads, and no browser the compat build', () => {
    expect(shippedLitertBuilds('chrome')).toEqual(['litert_wasm_threaded_internal']);
    expect(shippedLitertBuilds('firefox')).toEqual(['litert_wasm_internal']);
    expect(shippedLitertBuilds('edge')).toEqual(shippedLitertBuilds('chrome'));
    for (const [browser, features] of Object.entries(BROWSER_FEATURES)) expect(shippedLitertBuilds(browser)).toEqual([litertBuild(features)]);
  });
  test('the build names are files of @litertjs/core, with a JavaScript glue beside each wasm', () => {
    for (const build of ['litert_wasm_threaded_internal', 'litert_wasm_internal', 'litert_wasm_compat_internal']) {
      for (const ext of ['js', 'wasm']) expect(existsSync(join(ROOT, 'node_modules/@litertjs/core/wasm', `${build}.${ext}`)), `${build}.${ext}`).toBe(true);
    }
  });
});

describe('warming the models', () => {
  // Segmentation is always the official file rewritten (deeplab-resize.ts): its bytes are fetched.
  beforeAll(serveModelFiles);
  afterAll(() => vi.unstubAllGlobals());
  /** Before any photo, segmentation is warmed at a square photo's size. */
  const square = segmentationSize(1, 1);
  const SEG = `segmentation-${square.height}x${square.width}`;

  /** A runtime whose models only count their runs (the real ones run in tests/e2e). */
  function countingRuntime() {
    const runs: string[] = [];
    const runtime: Runtime = {
      name: 'counting', accelerator: 'none', maxThreads: 2,
      async load(_url, { name }) {
        return { name, async run() { runs.push(name); return [new Float32Array(1)]; }, delete() {} };
      },
    };
    return { runtime, runs };
  }

  test('each model runs once on zeros; warming again, or after real runs, runs nothing', async () => {
    const { runtime, runs } = countingRuntime();
    const models = new ModelSet(runtime, '/models/', 0);
    await models.warmUp('fp16');
    expect(runs).toEqual([SEG, 'transfer-fp16']);
    await models.warmUp('fp16');
    expect(runs).toEqual([SEG, 'transfer-fp16']);

    const fresh = countingRuntime();
    const used = new ModelSet(fresh.runtime, '/models/', 0);
    await used.segment(new Float32Array(3), square);
    await used.transfer('fp16', new Float32Array(3), new Float32Array(1));
    await used.warmUp('fp16');
    expect(fresh.runs).toEqual([SEG, 'transfer-fp16']);
  });

  test('a warm-up asked to stop runs no further trial run, and a job after it sets up what was skipped', async () => {
    const { runtime, runs } = countingRuntime();
    const models = new ModelSet(runtime, '/models/', 0);
    let jobWaiting = false;
    const asked: string[] = [];
    // A job comes during the segmentation trial run: the transfer's is left to it (the check may be async).
    await models.warmUp('fp16', async () => {
      asked.push(runs.join('+') || 'none');
      const stop = jobWaiting;
      jobWaiting = true;
      return stop;
    });
    expect(asked).toEqual(['none', SEG]);
    expect(runs).toEqual([SEG]);
    await models.transfer('fp16', new Float32Array(3), new Float32Array(1));
    await models.warmUp('fp16', () => true);
    expect(runs).toEqual([SEG, 'transfer-fp16']);

    const idle = countingRuntime();
    await new ModelSet(idle.runtime, '/models/', 0).warmUp('fp16', () => true);
    expect(idle.runs).toEqual([]);
  });

  test('another transfer model, or models rebuilt, are warmed again', async () => {
    const { runtime, runs } = countingRuntime();
    const models = new ModelSet(runtime, '/models/', 0);
    await models.warmUp('fp16');
    await models.warmUp('int8');
    await models.warmUp('fp16');
    expect(runs).toEqual([SEG, 'transfer-fp16', 'transfer-int8', 'transfer-fp16']);
    await models.dispose();
    await models.warmUp('fp16');
    expect(runs.slice(4)).toEqual([SEG, 'transfer-fp16']);
  });
});
