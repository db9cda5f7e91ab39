import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it, test, vi } from 'vitest';
import { MODEL_FILES, ModelSet, segmentationSize, transferSize } from '../../src/inference/models';
import { serveModelFiles } from '../support/model-files';
import type { Runtime } from '../../src/inference/runtime';
import { changedShapes, tensorShapes } from '../../src/inference/tflite-graph';
import { resizeSizes, resizeTransferModel } from '../../src/inference/tflite-resize';

const read = (file: string) => new Uint8Array(readFileSync(resolve(__dirname, '../../public/models', file)));
const models = { fp16: read(MODEL_FILES.transfer.fp16), int8: read(MODEL_FILES.transfer.int8) };
/** Tensor shapes the rewrite changes at 768² (recorded in ../shared/NOTES.md by an earlier rewrite). */
const CHANGED_AT_768 = { fp16: 81, int8: 139 };

/** How many bytes differ between two files of one length. */
function differingBytes(a: Uint8Array, b: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) n++;
  return n;
}

describe.each(['fp16', 'int8'] as const)('resizeTransferModel (%s, the official file)', (kind) => {
  const model = models[kind];

  it('reproduces the official file byte for byte at its own size, 384²', () => {
    const same = resizeTransferModel(model, 384, 384);
    expect(same).not.toBe(model);
    expect(same.length).toBe(model.length);
    expect(differingBytes(same, model)).toBe(0);
  }, 30_000); // a byte-by-byte walk of megabytes: seconds on a loaded machine

  it.each([[768, 768], [576, 768], [384, 512], [960, 1280]])('at %d×%d gives the input and output the new size, layout unchanged', (h, w) => {
    const resized = resizeTransferModel(model, h, w);
    expect(resized.length).toBe(model.length);
    const { shapes, inputs, outputs } = tensorShapes(resized);
    const content = inputs.filter((i) => shapes[i][3] === 3);
    expect(content.map((i) => shapes[i])).toEqual([[1, h, w, 3]]);
    expect(inputs.filter((i) => shapes[i][3] !== 3).map((i) => shapes[i])).toEqual([[1, 1, 1, 100]]);
    expect(outputs.map((i) => shapes[i])).toEqual([[1, h, w, 3]]);
    // Every activation's spatial size is the old one scaled by the same ratio (plus the fixed
    // mirror-pad margins): no tensor is left at a 384-based size.
    const original = tensorShapes(model).shapes;
    shapes.forEach((s, i) => {
      expect(s.length).toBe(original[i].length);
      const near = (o: number) => [1, 2, 4].find((f) => Math.abs(o - 384 / f) <= 10);
      if (s.length === 4 && near(original[i][1]) && near(original[i][2])) {
        // An activation at 384/k + pad is at h/k + pad (k = 1, 2, 4; the mirror-pad margins fixed).
        for (const [d, scaled] of [[1, h], [2, w]] as const) {
          const o = original[i][d];
          const k = near(o)!;
          expect(s[d] - scaled / k, `tensor ${i} dim ${d}: ${o} → ${s[d]}`).toBe(o - 384 / k);
        }
        expect(s[3]).toBe(original[i][3]); // channels never change
        expect(s[0]).toBe(original[i][0]);
      } else {
        expect(s).toEqual(original[i]);
      }
    });
  });

  it(`changes ${CHANGED_AT_768[kind]} tensor shapes at 768²`, () => {
    expect(changedShapes(model, resizeTransferModel(model, 768, 768))).toBe(CHANGED_AT_768[kind]);
  });

  it('rewrites the three resize constants to the new sizes', () => {
    expect(resizeSizes(model)).toEqual([[192, 192], [384, 384], [384, 384]]);
    expect(resizeSizes(resizeTransferModel(model, 768, 768))).toEqual([[384, 384], [768, 768], [768, 768]]);
    expect(resizeSizes(resizeTransferModel(model, 576, 768))).toEqual([[288, 384], [576, 768], [576, 768]]);
  });

  it('refuses a size that is not a multiple of 4', () => {
    expect(() => resizeTransferModel(model, 766, 768)).toThrow(/multiple of 4/);
    expect(() => resizeTransferModel(model, 768, 770)).toThrow(/multiple of 4/);
    expect(() => resizeTransferModel(model, 0, 768)).toThrow(/multiple of 4/);
  });
});

describe('resizeTransferModel refuses what it does not know', () => {
  it('throws on an unknown operator', () => {
    // In a copy of the official file's opcode table, CONV_2D (stored in the table's first, byte
    // field) becomes PAD (34), an op the rewrite does not know.
    const model = new Uint8Array(models.fp16);
    const view = new DataView(model.buffer);
    const root = view.getUint32(0, true);
    const vt = root - view.getInt32(root, true);
    const codesField = root + view.getUint16(vt + 4 + 2 * 1, true);
    const codes = codesField + view.getUint32(codesField, true);
    let changed = 0;
    for (let k = 0; k < view.getUint32(codes, true); k++) {
      const at = codes + 4 + 4 * k;
      const table = at + view.getUint32(at, true);
      const tvt = table - view.getInt32(table, true);
      const o = view.getUint16(tvt, true) > 4 ? view.getUint16(tvt + 4, true) : 0;
      if (o && view.getInt8(table + o) === 3) { view.setInt8(table + o, 34); changed++; }
    }
    expect(changed).toBe(1);
    expect(() => resizeTransferModel(model, 768, 768)).toThrow(/unsupported operator/);
  });

  it('throws on bytes that are not a transfer model', () => {
    const prediction = read(MODEL_FILES.prediction);
    expect(() => resizeTransferModel(prediction, 768, 768)).toThrow(/tflite-resize/);
  });
});

describe('transferSize: the transfer model\'s size for a photo and a Detail', () => {
  it('Standard keeps 384²\'s pixel count at the photo\'s aspect ratio, in multiples of 4', () => {
    expect(transferSize(1280, 1280)).toEqual({ width: 384, height: 384 });
    const s = transferSize(1280, 960);
    expect(s).toEqual({ width: 440, height: 332 });
    expect(s.width * s.height).toBeLessThanOrEqual(384 * 384);
    expect(s.width * s.height).toBeGreaterThan(0.97 * 384 * 384);
    expect(transferSize(200, 150)).toEqual(transferSize(1280, 960, 'standard')); // small photos too
  });

  it('High puts 768 on the long side, never above the photo\'s own size nor below Standard', () => {
    expect(transferSize(1280, 960, 'high')).toEqual({ width: 768, height: 576 });
    expect(transferSize(4000, 3000, 'high')).toEqual({ width: 768, height: 576 });
    expect(transferSize(512, 512, 'high')).toEqual({ width: 512, height: 512 });
    expect(transferSize(300, 200, 'high')).toEqual(transferSize(300, 200, 'standard'));
  });

  it('Full is the photo\'s own size up to 1024×768\'s pixel count', () => {
    expect(transferSize(1024, 768, 'full')).toEqual({ width: 1024, height: 768 });
    expect(transferSize(1280, 960, 'full')).toEqual({ width: 1024, height: 768 });
    expect(transferSize(4000, 3000, 'full')).toEqual({ width: 1024, height: 768 });
    expect(transferSize(2048, 2048, 'full')).toEqual({ width: 884, height: 884 });
    expect(transferSize(801, 601, 'full')).toEqual({ width: 800, height: 600 });
    expect(transferSize(4000, 500, 'full')).toEqual({ width: 1280, height: 160 });
  });
});

describe('ModelSet keeps the transfer model a job compiled at the photo\'s size', () => {
  test('warming and preloading without a size reuse the live size of that kind; another kind or size replaces it', async () => {
    const loads: string[] = [], deleted: string[] = [];
    const runtime: Runtime = {
      name: 'counting', accelerator: 'none', maxThreads: 2,
      async load(source, { name }) {
        loads.push(`${name}:${typeof source === 'string' ? 'url' : 'bytes'}`);
        return { name, async run() { return [new Float32Array(1)]; }, delete() { deleted.push(name); } };
      },
    };
    serveModelFiles();
    try {
      const set = new ModelSet(runtime, '/models/', 0);
      const size = transferSize(1280, 960);
      await set.transfer('fp16', new Float32Array(1), new Float32Array(1), size);
      await set.warmUp('fp16');
      set.preload('fp16');
      await set.transfer('fp16', new Float32Array(1), new Float32Array(1), size);
      // Segmentation is always the official file rewritten (deeplab-resize.ts), before any photo at a square one's size.
      const square = segmentationSize(1, 1);
      expect(loads).toEqual(['transfer-fp16-332x440:bytes', `segmentation-${square.height}x${square.width}:bytes`]);
      await set.warmUp('int8');
      expect(loads.at(-1)).toBe('transfer-int8:url');
      expect(deleted).toEqual(['transfer-fp16-332x440']);
    } finally {
      vi.unstubAllGlobals();
    }
  });
});
