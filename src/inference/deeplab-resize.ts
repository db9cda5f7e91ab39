/**
 * Runs the official DeepLabV3 graph (MobileNetV2, lite-model_deeplabv3_1_metadata_2.tflite) at
 * another input size: the photo's own aspect ratio, at more detail than 257².
 *
 * The graph is convolutional but bakes its 257² input into every activation tensor's shape, into
 * the ASPP image-pooling branch (an AVERAGE_POOL_2D whose filter and stride are the whole 33² feature
 * map) and into the two RESIZE_BILINEAR size constants ([33, 33] after that pooling, [257, 257] at
 * the end). Like the transfer's rewrite (tflite-resize.ts) this rewrites those numbers in a copy of
 * the bytes, in place (a shape keeps its rank, a constant its length, the pool's options their
 * fields), walking the operators in order (tflite-graph.ts) and recomputing each output's shape with
 * the rules below, for the ops this graph uses only; it throws on anything else. At 257² it reproduces the file byte for byte
 * (tests/unit/deeplab-resize.test.ts).
 *
 * Sizes are 8k + 1: three stride-2 SAME convolutions take 8k + 1 to k + 1, and the final resize
 * (align corners) then puts every 8th pixel on a grid point of the coarse logits, as at 257²
 * (subjectKeepAlpha decides whole cells from their corners).
 *
 * The model file is Apache-2.0; bytes this returns are a modified version of it.
 */
import { convDim, Fb, INT32, opcodeList, rewriteShapes, sizeConstants, type Graph, type Op } from './tflite-graph';

/** The TFLite BuiltinOperator codes this rewrite understands (schema.fbs). */
const OP = {
  ADD: 0,
  AVERAGE_POOL_2D: 1,
  CONCATENATION: 2,
  CONV_2D: 3,
  DEPTHWISE_CONV_2D: 4,
  RESIZE_BILINEAR: 23,
} as const;

/** Whether DeepLab can run at `n` pixels along a side (see the file's comment). */
export const isSegmentationSide = (n: number) => Number.isInteger(n) && n >= 9 && (n - 1) % 8 === 0;

/**
 * Returns a copy of `model` (the official DeepLab .tflite) whose input is 1×height×width×3 and whose
 * logits are 1×height×width×21. Both sides must be 8k + 1. Throws on anything it does not know.
 */
export function resizeSegmentationModel(model: Uint8Array, height: number, width: number, options: { grid?: boolean } = {}): Uint8Array {
  for (const [name, v] of [['height', height], ['width', width]] as const) {
    if (!isSegmentationSide(v)) throw new Error(`deeplab-resize: ${name} ${v} is not 8k + 1`);
  }
  /** Old → new size along each spatial axis, as the walk finds them (one old size has one new size). */
  const axisMap = [new Map<number, number>(), new Map<number, number>()];
  const learn = (oldShape: number[], newShape: number[]) => {
    for (const k of [0, 1]) {
      const o = oldShape[1 + k], n = newShape[1 + k], prior = axisMap[k].get(o);
      if (prior !== undefined && prior !== n) throw new Error(`deeplab-resize: size ${o} would become both ${prior} and ${n}`);
      axisMap[k].set(o, n);
    }
  };
  const out = rewriteShapes(model, {
    tag: 'deeplab-resize',
    ops: OP,
    inputs(g, inputs) {
      const old = g.tensors[inputs[0]]?.shape;
      if (inputs.length !== 1 || !old || old.length !== 4 || old[3] !== 3) throw new Error('deeplab-resize: expected one 1×H×W×3 input');
      learn(old, [1, height, width, 3]);
      return new Map([[inputs[0], [1, height, width, 3]]]);
    },
    infer: (op, g) => outputShape(op, g, axisMap),
    after(op, result, g) {
      const old = g.tensors[op.out].shape;
      if (result[3] !== old[3]) throw new Error(`deeplab-resize: ${op.name} changes its channels`);
      learn(old, result);
    },
    outputs: (shapes) => shapes.map((s) => (s[1] !== height || s[2] !== width ? `output is [${s}], not ${height}×${width}` : undefined)).find(Boolean),
  });
  if (options.grid) {
    const fb = new Fb(out);
    const root = fb.u32(0);
    cutFinalResize(fb, fb.tables(root, 2)[0], opcodeList(fb, root));
  }
  return out;
}

function outputShape({ code, name, ins, options }: Op, g: Graph, axisMap: Map<number, number>[]): number[] {
  const { fb } = g;
  const rank4 = (s: number[]) => {
    if (s.length !== 4) throw new Error(`deeplab-resize: ${name} on a rank-${s.length} tensor`);
    return s;
  };
  const a = rank4(g.shapeOf(ins[0]));
  switch (code) {
    case OP.ADD: {
      const b = g.shapeOf(ins[1]);
      if (b.join() !== a.join()) throw new Error(`deeplab-resize: ADD of [${a}] and [${b}]`);
      return a.slice();
    }
    case OP.CONCATENATION: {
      const axis = options ? fb.scalar(options, 0, 4, 0) : 0;
      if (axis !== 3 && axis !== -1) throw new Error(`deeplab-resize: CONCATENATION on axis ${axis}`);
      const result = a.slice();
      for (const i of ins.slice(1)) {
        const b = rank4(g.shapeOf(i));
        if (b.slice(0, 3).join() !== a.slice(0, 3).join()) throw new Error(`deeplab-resize: CONCATENATION of [${a}] and [${b}]`);
        result[3] += b[3];
      }
      return result;
    }
    case OP.CONV_2D: case OP.DEPTHWISE_CONV_2D: {
      if (!options) throw new Error(`deeplab-resize: ${name} without options`);
      const w = g.shapeOf(ins[1]); // CONV_2D [out, kh, kw, in]; DEPTHWISE [1, kh, kw, out]
      const dilationField = code === OP.CONV_2D ? 4 : 5;
      const padding = fb.scalar(options, 0, 1, 0);
      const strideW = fb.scalar(options, 1, 4, 0), strideH = fb.scalar(options, 2, 4, 0);
      const dilW = fb.scalar(options, dilationField, 4, 1), dilH = fb.scalar(options, dilationField + 1, 4, 1);
      if (strideW < 1 || strideH < 1 || dilW < 1 || dilH < 1 || (padding !== 0 && padding !== 1)) {
        throw new Error(`deeplab-resize: ${name} options out of range`);
      }
      const channels = code === OP.CONV_2D ? w[0] : w[3];
      return [a[0], convDim(a[1], w[1], strideH, dilH, padding), convDim(a[2], w[2], strideW, dilW, padding), channels];
    }
    case OP.AVERAGE_POOL_2D: {
      // Only the ASPP's image pooling: a VALID pool over the whole feature map, to 1×1.
      if (!options) throw new Error('deeplab-resize: AVERAGE_POOL_2D without options');
      const old = g.tensors[ins[0]].shape;
      const padding = fb.scalar(options, 0, 1, 0);
      const fields = [1, 2, 3, 4].map((f) => fb.scalar(options, f, 4, 0)); // stride w, h, filter w, h
      const whole = [old[2], old[1], old[2], old[1]];
      if (padding !== 1 || fields.some((v, k) => v !== whole[k]) || [1, 2, 3, 4].some((f) => !fb.field(options, f))) {
        throw new Error(`deeplab-resize: AVERAGE_POOL_2D is not a global pool (padding ${padding}, [${fields}] over ${old[1]}×${old[2]})`);
      }
      [a[2], a[1], a[2], a[1]].forEach((v, k) => g.write(fb.field(options, 1 + k), v));
      return [a[0], 1, 1, a[3]];
    }
    case OP.RESIZE_BILINEAR: {
      const t = g.tensors[ins[1]];
      if (t.type !== INT32) throw new Error('deeplab-resize: RESIZE_BILINEAR size is not int32');
      const { at, length } = g.bufferData(t.buffer);
      if (length !== 8) throw new Error('deeplab-resize: RESIZE_BILINEAR size is not 2 long');
      // Each target size is one the walk has seen along its axis (the feature map's, the input's).
      const size = [0, 1].map((k) => {
        const o = fb.i32(at + 4 * k), n = axisMap[k].get(o);
        if (n === undefined) throw new Error(`deeplab-resize: RESIZE_BILINEAR to ${o}, a size the graph has not had`);
        g.write(at + 4 * k, n);
        return n;
      });
      return [a[0], size[0], size[1], a[3]];
    }
    default:
      throw new Error(`deeplab-resize: unsupported operator ${name}`);
  }
}

/**
 * Ends the graph before its last operator, the RESIZE_BILINEAR (align corners) of the 21 logits from
 * the (k+1)×(l+1) grid to the input's size: the graph's output becomes that resize's input, the grid
 * itself. In place: the subgraph's output index is rewritten and its operator vector's length cut by
 * one (the operator's table stays in the file, unreferenced).
 */
function cutFinalResize(fb: Fb, sg: number, opcodes: number[]) {
  const ops = fb.tables(sg, 3);
  const last = ops[ops.length - 1];
  const outputs = fb.vector(sg, 2);
  const lastOuts = fb.ints(last, 2);
  if (opcodes[fb.scalar(last, 0, 4, 0) >>> 0] !== OP.RESIZE_BILINEAR || outputs.length !== 1 || lastOuts.length !== 1 || fb.i32(outputs.at) !== lastOuts[0]) {
    throw new Error('deeplab-resize: the graph does not end in the resize of its one output');
  }
  fb.view.setInt32(outputs.at, fb.ints(last, 1)[0], true);
  const opsVector = fb.vector(sg, 3).at - 4;
  fb.view.setUint32(opsVector, ops.length - 1, true);
}

/** The sizes the graph bakes besides its shapes: the pool's [stride w, h, filter w, h] and each resize's target (for tests and checks). */
export function segmentationBakedSizes(bytes: Uint8Array): { pool: number[]; resizes: number[][] } {
  const fb = new Fb(bytes);
  const root = fb.u32(0);
  const codes = opcodeList(fb, root);
  const sg = fb.tables(root, 2)[0];
  const pool = fb.tables(sg, 3).filter((op) => codes[fb.scalar(op, 0, 4, 0)] === OP.AVERAGE_POOL_2D)
    .map((op) => [1, 2, 3, 4].map((f) => fb.scalar(fb.table(op, 4), f, 4, 0)));
  return { pool: pool.at(-1) ?? [], resizes: sizeConstants(bytes, OP.RESIZE_BILINEAR) };
}
