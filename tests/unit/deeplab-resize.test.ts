import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MODEL_FILES, SEG_LONG_SIDE, segmentationGrid, segmentationSize } from '../../src/inference/models';
import { gridPoints } from '../../src/inference/mask';
import { isSegmentationSide, resizeSegmentationModel, segmentationBakedSizes } from '../../src/inference/deeplab-resize';
import { tensorShapes } from '../../src/inference/tflite-graph';

const model = new Uint8Array(readFileSync(resolve(__dirname, '../../public/models', MODEL_FILES.segmentation)));

function differingBytes(a: Uint8Array, b: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) n++;
  return n;
}

describe('resizeSegmentationModel (the official DeepLab file)', () => {
  it('knows what the official file bakes: a 33² global pool, resizes to 33² and 257²', () => {
    expect(segmentationBakedSizes(model)).toEqual({ pool: [33, 33, 33, 33], resizes: [[33, 33], [33, 33], [257, 257]] });
  });

  it('reproduces the official file byte for byte at its own size, 257²', () => {
    const same = resizeSegmentationModel(model, 257, 257);
    expect(same === model, 'a copy').toBe(false);
    expect(same.length).toBe(model.length);
    expect(differingBytes(same, model)).toBe(0);
  });

  it.each([[513, 513], [385, 513], [513, 385], [193, 257], [65, 129]])('at %d×%d: input, logits, pool and resizes follow, layout unchanged', (h, w) => {
    const resized = resizeSegmentationModel(model, h, w);
    expect(resized.length).toBe(model.length);
    const { shapes, inputs, outputs } = tensorShapes(resized);
    expect(inputs.map((i) => shapes[i])).toEqual([[1, h, w, 3]]);
    expect(outputs.map((i) => shapes[i])).toEqual([[1, h, w, 21]]);
    const fh = (h - 1) / 8 + 1, fw = (w - 1) / 8 + 1;
    expect(segmentationBakedSizes(resized)).toEqual({ pool: [fw, fh, fw, fh], resizes: [[fh, fw], [fh, fw], [h, w]] });
    // Every activation at 257/k (k = 1, 2, 4, 8, rounded up) is at the new side/k: none is left at a 257-based size.
    const original = tensorShapes(model).shapes;
    const ks = new Map([[257, 1], [129, 2], [65, 4], [33, 8]]);
    shapes.forEach((s, i) => {
      const o = original[i];
      expect(s.length).toBe(o.length);
      if (o.length === 4 && ks.has(o[1])) {
        expect(s).toEqual([o[0], Math.ceil(h / ks.get(o[1])!), Math.ceil(w / ks.get(o[2])!), o[3]]);
      } else {
        expect(s).toEqual(o);
      }
    });
  });

  it.each([[256, 257], [257, 0], [400, 513], [1, 9]])('refuses %d×%d (sides must be 8k + 1)', (h, w) => {
    expect(() => resizeSegmentationModel(model, h, w)).toThrow(/8k \+ 1/);
  });

  it('refuses a file that is not the graph it knows', () => {
    const transfer = new Uint8Array(readFileSync(resolve(__dirname, '../../public/models', MODEL_FILES.transfer.int8)));
    expect(() => resizeSegmentationModel(transfer, 385, 513)).toThrow(/deeplab-resize/);
  });

  it('isSegmentationSide', () => {
    expect([9, 257, 385, 513].every(isSegmentationSide)).toBe(true);
    expect([0, 1, 8, 256, 384, 512, 257.5].some(isSegmentationSide)).toBe(false);
  });
});

describe('segmentationSize: the size DeepLab sees a photo at', () => {
  it('keeps the photo\'s aspect ratio, SEG_LONG_SIDE on the long side, both sides 8k + 1', () => {
    expect(isSegmentationSide(SEG_LONG_SIDE)).toBe(true);
    for (const [w, h] of [[1280, 960], [960, 1280], [1280, 1280], [853, 853], [1546, 1213], [4000, 500], [120, 90], [1, 1]]) {
      const s = segmentationSize(w, h);
      expect(isSegmentationSide(s.width) && isSegmentationSide(s.height), `${w}×${h} → ${s.width}×${s.height}`).toBe(true);
      expect(Math.max(s.width, s.height)).toBe(SEG_LONG_SIDE);
      // Within one grid step of the photo's aspect ratio along the short side.
      const short = (SEG_LONG_SIDE * Math.min(w, h)) / Math.max(w, h);
      expect(Math.abs(Math.min(s.width, s.height) - short)).toBeLessThanOrEqual(4);
      expect(gridPoints(segmentationGrid(s))).toEqual({ gw: (s.width - 1) / 8 + 1, gh: (s.height - 1) / 8 + 1 });
    }
    expect(segmentationSize(1, 1)).toEqual({ width: SEG_LONG_SIDE, height: SEG_LONG_SIDE });
    expect(segmentationSize(100000, 1).height).toBe(9); // never below one grid cell
  });
});
