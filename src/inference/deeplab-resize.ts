/**
 * Runs the official DeepLabV3 graph (MobileNetV2, lite-model_deeplabv3_1_metadata_2.tflite) at
 * another input size: the photo's own aspect ratio, at more detail than 257².
 *
 * The graph is convolutional but bakes its 257² input into every activation tensor's shape, into
 * the ASPP image-pooling branch (an AVERAGE_POOL_2D whose filter and stride are the whole 33² feature
 * map) and into the two RESIZE_BILINEAR size constants ([33, 33] after that pooling, [257, 257] at
 * the end). Like the transfer's rewrite (tflite-resize.ts) this rewrites those numbers in a copy of
 * the bytes, in place (a shape keeps its rank, a constant its length, the pool's options their
 * fields), walking the operators in order and recomputing each output's shape, for the ops this
 * graph uses only; it throws on anything else. At 257² it reproduces the file byte for byte
 * (tests/unit/deeplab-resize.test.ts).
 *
 * Sizes are 8k + 1: three stride-2 SAME convolutions take 8k + 1 to k + 1, and the final resize
 * (align corners) then puts every 8th pixel on a grid point of the coarse logits, as at 257²
 * (subjectKeepAlpha decides whole cells from their corners).
 *
 * The model file is Apache-2.0; bytes this returns are a modified version of it.
 */
import { Fb } from './tflite-resize';

/** The TFLite BuiltinOperator codes this rewrite understands (schema.fbs). */
const OP = {
  ADD: 0,
  AVERAGE_POOL_2D: 1,
  CONCATENATION: 2,
  CONV_2D: 3,
  DEPTHWISE_CONV_2D: 4,
  RESIZE_BILINEAR: 23,
} as const;
const OP_NAME = new Map<number, string>(Object.entries(OP).map(([k, v]) => [v, k]));
const INT32 = 2;

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
  const out = new Uint8Array(model); // a copy: the rewrite is in place
  const fb = new Fb(out);
  const root = fb.u32(0);
  const opcodes = fb.tables(root, 1).map((oc) => Math.max(fb.scalar(oc, 0, 1, 0), fb.scalar(oc, 3, 4, 0)));
  const subgraphs = fb.tables(root, 2);
  if (subgraphs.length !== 1) throw new Error(`deeplab-resize: ${subgraphs.length} subgraphs, expected 1`);
  const sg = subgraphs[0];
  const buffers = fb.tables(root, 4);
  const bufferData = (index: number) => {
    const b = buffers[index];
    if (b === undefined) throw new Error(`deeplab-resize: buffer ${index} missing`);
    return fb.vector(b, 0);
  };
  const tensors = fb.tables(sg, 0).map((t) => {
    if (fb.field(t, 7)) throw new Error('deeplab-resize: a tensor has a shape_signature (dynamic shapes are not supported)');
    return { shape: fb.ints(t, 0), shapeAt: fb.vector(t, 0).at, type: fb.scalar(t, 1, 1, 0), buffer: fb.scalar(t, 2, 4, 0) >>> 0 };
  });
  const isConstant = (i: number) => tensors[i].buffer !== 0 && bufferData(tensors[i].buffer).length > 0;

  const shapes = tensors.map((t) => t.shape.slice());
  const inputs = fb.ints(sg, 1);
  if (inputs.length !== 1 || tensors[inputs[0]].shape.length !== 4 || tensors[inputs[0]].shape[3] !== 3) {
    throw new Error('deeplab-resize: expected one 1×H×W×3 input');
  }
  shapes[inputs[0]] = [1, height, width, 3];
  const known = new Set<number>(inputs);
  tensors.forEach((_, i) => { if (isConstant(i)) known.add(i); });
  /** Old → new size along each spatial axis, as the walk finds them (one old size has one new size). */
  const axisMap = [new Map<number, number>(), new Map<number, number>()];
  const learn = (oldShape: number[], newShape: number[]) => {
    for (const k of [0, 1]) {
      const o = oldShape[1 + k], n = newShape[1 + k], prior = axisMap[k].get(o);
      if (prior !== undefined && prior !== n) throw new Error(`deeplab-resize: size ${o} would become both ${prior} and ${n}`);
      axisMap[k].set(o, n);
    }
  };
  learn(tensors[inputs[0]].shape, shapes[inputs[0]]);
  /** Writes to make after the walk: position → int32 value. */
  const writes = new Map<number, number>();
  const write = (at: number, v: number) => writes.set(at, v);

  const shapeOf = (i: number) => {
    if (!known.has(i)) throw new Error(`deeplab-resize: tensor ${i} is used before it is computed`);
    return shapes[i];
  };
  const rank4 = (s: number[], op: string) => {
    if (s.length !== 4) throw new Error(`deeplab-resize: ${op} on a rank-${s.length} tensor`);
    return s;
  };
  const convDim = (n: number, k: number, s: number, d: number, padding: number) =>
    padding === 0 ? Math.ceil(n / s) : Math.floor((n - ((k - 1) * d + 1)) / s) + 1;

  for (const opT of fb.tables(sg, 3)) {
    const code = opcodes[fb.scalar(opT, 0, 4, 0) >>> 0];
    const name = OP_NAME.get(code);
    if (name === undefined) throw new Error(`deeplab-resize: unsupported operator (builtin code ${code})`);
    const ins = fb.ints(opT, 1), outs = fb.ints(opT, 2);
    if (outs.length !== 1) throw new Error(`deeplab-resize: ${name} with ${outs.length} outputs`);
    const options = fb.table(opT, 4);
    const a = rank4(shapeOf(ins[0]), name);
    let result: number[];
    switch (code) {
      case OP.ADD: {
        const b = shapeOf(ins[1]);
        if (b.join() !== a.join()) throw new Error(`deeplab-resize: ADD of [${a}] and [${b}]`);
        result = a.slice();
        break;
      }
      case OP.CONCATENATION: {
        const axis = options ? fb.scalar(options, 0, 4, 0) : 0;
        if (axis !== 3 && axis !== -1) throw new Error(`deeplab-resize: CONCATENATION on axis ${axis}`);
        result = a.slice();
        for (const i of ins.slice(1)) {
          const b = rank4(shapeOf(i), name);
          if (b.slice(0, 3).join() !== a.slice(0, 3).join()) throw new Error(`deeplab-resize: CONCATENATION of [${a}] and [${b}]`);
          result[3] += b[3];
        }
        break;
      }
      case OP.CONV_2D: case OP.DEPTHWISE_CONV_2D: {
        if (!options) throw new Error(`deeplab-resize: ${name} without options`);
        const w = shapeOf(ins[1]); // CONV_2D [out, kh, kw, in]; DEPTHWISE [1, kh, kw, out]
        const dilationField = code === OP.CONV_2D ? 4 : 5;
        const padding = fb.scalar(options, 0, 1, 0);
        const strideW = fb.scalar(options, 1, 4, 0), strideH = fb.scalar(options, 2, 4, 0);
        const dilW = fb.scalar(options, dilationField, 4, 1), dilH = fb.scalar(options, dilationField + 1, 4, 1);
        if (strideW < 1 || strideH < 1 || dilW < 1 || dilH < 1 || (padding !== 0 && padding !== 1)) {
          throw new Error(`deeplab-resize: ${name} options out of range`);
        }
        const channels = code === OP.CONV_2D ? w[0] : w[3];
        result = [a[0], convDim(a[1], w[1], strideH, dilH, padding), convDim(a[2], w[2], strideW, dilW, padding), channels];
        break;
      }
      case OP.AVERAGE_POOL_2D: {
        // Only the ASPP's image pooling: a VALID pool over the whole feature map, to 1×1.
        if (!options) throw new Error('deeplab-resize: AVERAGE_POOL_2D without options');
        const old = tensors[ins[0]].shape;
        const padding = fb.scalar(options, 0, 1, 0);
        const fields = [1, 2, 3, 4].map((f) => fb.scalar(options, f, 4, 0)); // stride w, h, filter w, h
        const whole = [old[2], old[1], old[2], old[1]];
        if (padding !== 1 || fields.some((v, k) => v !== whole[k]) || [1, 2, 3, 4].some((f) => !fb.field(options, f))) {
          throw new Error(`deeplab-resize: AVERAGE_POOL_2D is not a global pool (padding ${padding}, [${fields}] over ${old[1]}×${old[2]})`);
        }
        [a[2], a[1], a[2], a[1]].forEach((v, k) => write(fb.field(options, 1 + k), v));
        result = [a[0], 1, 1, a[3]];
        break;
      }
      case OP.RESIZE_BILINEAR: {
        const t = tensors[ins[1]];
        if (t.type !== INT32) throw new Error('deeplab-resize: RESIZE_BILINEAR size is not int32');
        const { at, length } = bufferData(t.buffer);
        if (length !== 8) throw new Error('deeplab-resize: RESIZE_BILINEAR size is not 2 long');
        // Each target size is one the walk has seen along its axis (the feature map's, the input's).
        const size = [0, 1].map((k) => {
          const o = fb.i32(at + 4 * k), n = axisMap[k].get(o);
          if (n === undefined) throw new Error(`deeplab-resize: RESIZE_BILINEAR to ${o}, a size the graph has not had`);
          write(at + 4 * k, n);
          return n;
        });
        result = [a[0], size[0], size[1], a[3]];
        break;
      }
      default:
        throw new Error(`deeplab-resize: unsupported operator ${name}`);
    }
    const o = outs[0];
    if (result.length !== tensors[o].shape.length) throw new Error(`deeplab-resize: ${name} changes rank`);
    if (result.some((d) => !(d >= 1))) throw new Error(`deeplab-resize: ${name} gives an empty shape at ${height}×${width}`);
    if (result[3] !== tensors[o].shape[3]) throw new Error(`deeplab-resize: ${name} changes its channels`);
    shapes[o] = result;
    learn(tensors[o].shape, result);
    known.add(o);
  }

  const outputs = fb.ints(sg, 2);
  for (const o of outputs) {
    const s = shapes[o];
    if (s[1] !== height || s[2] !== width) throw new Error(`deeplab-resize: output is [${s}], not ${height}×${width}`);
  }
  tensors.forEach((t, i) => {
    const s = shapes[i];
    if (!known.has(i) && s.some((d, k) => d !== t.shape[k])) throw new Error(`deeplab-resize: tensor ${i} is never computed`);
    s.forEach((d, k) => fb.view.setInt32(t.shapeAt + 4 * k, d, true));
  });
  for (const [at, v] of writes) fb.view.setInt32(at, v, true);
  if (options.grid) cutFinalResize(fb, sg, opcodes);
  return out;
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
  const codes = fb.tables(root, 1).map((oc) => Math.max(fb.scalar(oc, 0, 1, 0), fb.scalar(oc, 3, 4, 0)));
  const sg = fb.tables(root, 2)[0];
  const buffers = fb.tables(root, 4);
  const tensors = fb.tables(sg, 0);
  let pool: number[] = [];
  const resizes: number[][] = [];
  for (const op of fb.tables(sg, 3)) {
    const code = codes[fb.scalar(op, 0, 4, 0)];
    if (code === OP.AVERAGE_POOL_2D) {
      const options = fb.table(op, 4);
      pool = [1, 2, 3, 4].map((f) => fb.scalar(options, f, 4, 0));
    } else if (code === OP.RESIZE_BILINEAR) {
      const { at } = fb.vector(buffers[fb.scalar(tensors[fb.ints(op, 1)[1]], 2, 4, 0)], 0);
      resizes.push([fb.i32(at), fb.i32(at + 4)]);
    }
  }
  return { pool, resizes };
}
