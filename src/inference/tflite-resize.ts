/**
 * Runs Magenta's official transfer graph (fp16 or int8 .tflite) at another input size.
 *
 * The file bakes its 384² input size into every activation tensor's shape and into the three
 * RESIZE_NEAREST_NEIGHBOR size constants; neither LiteRT.js nor the file offers a resize. This
 * rewrites those numbers in a copy of the bytes, in place: a shape keeps its rank and a constant its
 * length, so no offset moves and the flatbuffer's layout stays the same. The walk (tflite-graph.ts)
 * recomputes each output's shape from its inputs with the rules below, for the ops these graphs use
 * only, and throws on anything else (another op, a second subgraph, dynamic shapes, a size it cannot reach).
 * At the file's own size it reproduces the file byte for byte (tests/unit/tflite-resize.test.ts).
 *
 * The model files are Apache-2.0; bytes this returns are a modified version of them.
 */

import { convDim, INT32, rewriteShapes, sizeConstants, type Graph, type Op } from './tflite-graph';

/** The TFLite BuiltinOperator codes this rewrite understands (schema.fbs). */
const OP = {
  ADD: 0,
  CONV_2D: 3,
  DEQUANTIZE: 6,
  LOGISTIC: 14,
  MUL: 18,
  MEAN: 40,
  SUB: 41,
  RSQRT: 76,
  RESIZE_NEAREST_NEIGHBOR: 97,
  SQUARED_DIFFERENCE: 99,
  MIRROR_PAD: 100,
  QUANTIZE: 114,
} as const;

/**
 * Returns a copy of `model` (an official Magenta transfer .tflite) whose content input is
 * 1×height×width×3 and every shape after it follows. Both sizes must be multiples of 4 (two stride-2
 * convolutions down, two ×2 resizes up). Throws on anything it does not know.
 */
export function resizeTransferModel(model: Uint8Array, height: number, width: number): Uint8Array {
  for (const [name, v] of [['height', height], ['width', width]] as const) {
    if (!Number.isInteger(v) || v < 4 || v % 4 !== 0) throw new Error(`tflite-resize: ${name} ${v} is not a positive multiple of 4`);
  }
  let original = '';
  return rewriteShapes(model, {
    tag: 'tflite-resize',
    ops: OP,
    inputs(g, inputs) {
      const content = inputs.filter((i) => g.tensors[i].shape.length === 4 && g.tensors[i].shape[3] === 3);
      if (content.length !== 1) throw new Error('tflite-resize: expected exactly one 1×H×W×3 input');
      const old = g.tensors[content[0]].shape;
      original = `${old[1]}×${old[2]}`;
      return new Map([[content[0], [old[0], height, width, 3]]]);
    },
    infer: (op, g) => outputShape(op, g),
    // The graph must end at the new size: an output of 1×height×width×3.
    outputs: (shapes) => shapes.map((s) => (s.length !== 4 || s[1] !== height || s[2] !== width
      ? `output is [${s}], not ${height}×${width} (input was ${original})` : undefined)).find(Boolean),
  });
}

function outputShape({ code, name, ins, options }: Op, g: Graph): number[] {
  const { fb } = g;
  const a = g.shapeOf(ins[0]);
  const spatial = () => {
    if (a.length !== 4) throw new Error(`tflite-resize: ${name} on a rank-${a.length} tensor`);
  };
  switch (code) {
    case OP.DEQUANTIZE: case OP.QUANTIZE: case OP.LOGISTIC: case OP.RSQRT:
      return a.slice();
    case OP.ADD: case OP.MUL: case OP.SUB: case OP.SQUARED_DIFFERENCE:
      return broadcast(a, g.shapeOf(ins[1]), name);
    case OP.MIRROR_PAD: {
      const pads = g.constInts(ins[1]);
      if (pads.length !== 2 * a.length) throw new Error('tflite-resize: MIRROR_PAD paddings do not match the rank');
      return a.map((d, k) => d + pads[2 * k] + pads[2 * k + 1]);
    }
    case OP.MEAN: {
      const keepDims = options ? fb.scalar(options, 0, 1, 0) : 0;
      if (!keepDims) throw new Error('tflite-resize: MEAN without keep_dims');
      const axes = g.constInts(ins[1]).map((x) => (x < 0 ? x + a.length : x));
      return a.map((d, k) => (axes.includes(k) ? 1 : d));
    }
    case OP.CONV_2D: {
      spatial();
      const w = g.shapeOf(ins[1]); // [out channels, kh, kw, in channels]
      if (!options) throw new Error('tflite-resize: CONV_2D without options');
      const padding = fb.scalar(options, 0, 1, 0); // SAME = 0, VALID = 1
      const strideW = fb.scalar(options, 1, 4, 0), strideH = fb.scalar(options, 2, 4, 0);
      const dilW = fb.scalar(options, 4, 4, 1), dilH = fb.scalar(options, 5, 4, 1);
      if (strideW < 1 || strideH < 1 || dilW < 1 || dilH < 1 || (padding !== 0 && padding !== 1)) {
        throw new Error('tflite-resize: CONV_2D options out of range');
      }
      return [a[0], convDim(a[1], w[1], strideH, dilH, padding), convDim(a[2], w[2], strideW, dilW, padding), w[0]];
    }
    case OP.RESIZE_NEAREST_NEIGHBOR: {
      spatial();
      const t = g.tensors[ins[1]];
      if (t.type !== INT32) throw new Error('tflite-resize: RESIZE_NEAREST_NEIGHBOR size is not int32');
      const old = g.constInts(ins[1]);
      const oldIn = g.tensors[ins[0]].shape;
      if (old.length !== 2) throw new Error('tflite-resize: RESIZE_NEAREST_NEIGHBOR size is not 2 long');
      // Keep each resize's scale (×2 in these graphs): it must land on a whole size.
      const scale = (o: number, inOld: number, inNew: number) => {
        const v = (o * inNew) / inOld;
        if (!Number.isInteger(v)) throw new Error(`tflite-resize: resize ${o}/${inOld} does not scale to ${inNew}`);
        return v;
      };
      const size = [scale(old[0], oldIn[1], a[1]), scale(old[1], oldIn[2], a[2])];
      const { at } = g.bufferData(t.buffer);
      size.forEach((v, k) => g.write(at + 4 * k, v));
      return [a[0], size[0], size[1], a[3]];
    }
    default:
      throw new Error(`tflite-resize: unsupported operator ${name}`);
  }
}

/** NumPy-style broadcasting of two shapes. */
function broadcast(a: number[], b: number[], op: string): number[] {
  const n = Math.max(a.length, b.length);
  const r: number[] = [];
  for (let k = 0; k < n; k++) {
    const x = a[a.length - n + k] ?? 1, y = b[b.length - n + k] ?? 1;
    if (x !== y && x !== 1 && y !== 1) throw new Error(`tflite-resize: ${op} cannot broadcast [${a}] with [${b}]`);
    r.push(x === 1 ? y : x);
  }
  return r;
}

/** The size constants of the RESIZE_NEAREST_NEIGHBOR ops, in operator order (for tests and checks). */
export const resizeSizes = (bytes: Uint8Array): number[][] => sizeConstants(bytes, OP.RESIZE_NEAREST_NEIGHBOR);
