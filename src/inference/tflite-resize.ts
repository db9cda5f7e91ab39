/**
 * Runs Magenta's official transfer graph (fp16 or int8 .tflite) at another input size.
 *
 * The file bakes its 384² input size into every activation tensor's shape and into the three
 * RESIZE_NEAREST_NEIGHBOR size constants; neither LiteRT.js nor the file offers a resize. This
 * rewrites those numbers in a copy of the bytes, in place: a shape keeps its rank and a constant its
 * length, so no offset moves and the flatbuffer's layout stays the same. It walks the operators in
 * order and recomputes each output's shape from its inputs, for the ops these graphs use only, and
 * throws on anything else (another op, a second subgraph, dynamic shapes, a size it cannot reach).
 * At the file's own size it reproduces the file byte for byte (tests/unit/tflite-resize.test.ts).
 *
 * The model files are Apache-2.0; bytes this returns are a modified version of them.
 */

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
const OP_NAME = new Map<number, string>(Object.entries(OP).map(([k, v]) => [v, k]));

/** TensorType codes (schema.fbs) of the constants read here. */
const INT32 = 2;
const INT64 = 4;

/** A minimal read/write view of a flatbuffer: tables, vectors, scalars. */
export class Fb {
  readonly view: DataView;
  constructor(readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  u32(p: number) { this.check(p, 4); return this.view.getUint32(p, true); }
  i32(p: number) { this.check(p, 4); return this.view.getInt32(p, true); }
  private check(p: number, n: number) {
    if (p < 0 || p + n > this.bytes.length) throw new Error(`tflite-resize: offset ${p} outside the file`);
  }
  /** Position of a table's field `i`, or 0 when absent. */
  field(table: number, i: number): number {
    const vt = table - this.i32(table);
    const vtSize = this.view.getUint16(vt, true);
    const at = 4 + 2 * i;
    if (at >= vtSize) return 0;
    const o = this.view.getUint16(vt + at, true);
    return o ? table + o : 0;
  }
  /** The table a field's uoffset points to, or 0. */
  table(table: number, i: number): number {
    const p = this.field(table, i);
    return p ? p + this.u32(p) : 0;
  }
  /** A vector field: position of its first element and its length (0, 0 when absent). */
  vector(table: number, i: number): { at: number; length: number } {
    const p = this.field(table, i);
    if (!p) return { at: 0, length: 0 };
    const v = p + this.u32(p);
    return { at: v + 4, length: this.u32(v) };
  }
  /** The tables of a vector-of-tables field. */
  tables(table: number, i: number): number[] {
    const { at, length } = this.vector(table, i);
    return Array.from({ length }, (_, k) => at + 4 * k + this.u32(at + 4 * k));
  }
  ints(table: number, i: number): number[] {
    const { at, length } = this.vector(table, i);
    return Array.from({ length }, (_, k) => this.i32(at + 4 * k));
  }
  scalar(table: number, i: number, size: 1 | 4, dflt: number): number {
    const p = this.field(table, i);
    if (!p) return dflt;
    return size === 1 ? this.view.getInt8(p) : this.i32(p);
  }
}

interface TensorInfo {
  table: number;
  shape: number[];
  /** Where the shape vector's ints start (rewritten in place). */
  shapeAt: number;
  type: number;
  buffer: number;
}

/**
 * Returns a copy of `model` (an official Magenta transfer .tflite) whose content input is
 * 1×height×width×3 and every shape after it follows. Both sizes must be multiples of 4 (two stride-2
 * convolutions down, two ×2 resizes up). Throws on anything it does not know.
 */
export function resizeTransferModel(model: Uint8Array, height: number, width: number): Uint8Array {
  for (const [name, v] of [['height', height], ['width', width]] as const) {
    if (!Number.isInteger(v) || v < 4 || v % 4 !== 0) throw new Error(`tflite-resize: ${name} ${v} is not a positive multiple of 4`);
  }
  const out = new Uint8Array(model); // a copy: the rewrite is in place
  const fb = new Fb(out);
  const root = fb.u32(0);

  const opcodes = fb.tables(root, 1).map((oc) => {
    const deprecated = fb.scalar(oc, 0, 1, 0);
    const builtin = fb.scalar(oc, 3, 4, 0);
    return Math.max(deprecated, builtin);
  });
  const subgraphs = fb.tables(root, 2);
  if (subgraphs.length !== 1) throw new Error(`tflite-resize: ${subgraphs.length} subgraphs, expected 1`);
  const sg = subgraphs[0];
  const buffers = fb.tables(root, 4);
  /** The raw bytes of a buffer (a constant's data). */
  const bufferData = (index: number): { at: number; length: number } => {
    const b = buffers[index];
    if (b === undefined) throw new Error(`tflite-resize: buffer ${index} missing`);
    return fb.vector(b, 0);
  };

  const tensors: TensorInfo[] = fb.tables(sg, 0).map((t) => {
    if (fb.field(t, 7)) throw new Error('tflite-resize: a tensor has a shape_signature (dynamic shapes are not supported)');
    const shapeVec = fb.vector(t, 0);
    return { table: t, shape: fb.ints(t, 0), shapeAt: shapeVec.at, type: fb.scalar(t, 1, 1, 0), buffer: fb.scalar(t, 2, 4, 0) >>> 0 };
  });
  const isConstant = (i: number) => tensors[i].buffer !== 0 && bufferData(tensors[i].buffer).length > 0;
  /** A constant integer tensor's values. */
  const constInts = (i: number): number[] => {
    const t = tensors[i];
    const { at, length } = bufferData(t.buffer);
    if (!length) throw new Error(`tflite-resize: tensor ${i} should be a constant`);
    if (t.type === INT32) return Array.from({ length: length / 4 }, (_, k) => fb.i32(at + 4 * k));
    if (t.type === INT64) return Array.from({ length: length / 8 }, (_, k) => Number(fb.view.getBigInt64(at + 8 * k, true)));
    throw new Error(`tflite-resize: tensor ${i} has type ${t.type}, expected int32 or int64`);
  };

  // The new shape of every tensor: constants keep theirs, the content input gets the new size.
  const shapes = tensors.map((t) => t.shape.slice());
  const inputs = fb.ints(sg, 1);
  const content = inputs.filter((i) => tensors[i].shape.length === 4 && tensors[i].shape[3] === 3);
  if (content.length !== 1) throw new Error('tflite-resize: expected exactly one 1×H×W×3 input');
  const [, h0, w0] = tensors[content[0]].shape;
  shapes[content[0]] = [tensors[content[0]].shape[0], height, width, 3];
  const known = new Set<number>(inputs);
  tensors.forEach((_, i) => { if (isConstant(i)) known.add(i); });
  /** Resize constants to overwrite: buffer position → new values. */
  const constantWrites = new Map<number, number[]>();

  const shapeOf = (i: number) => {
    if (!known.has(i)) throw new Error(`tflite-resize: tensor ${i} is used before it is computed`);
    return shapes[i];
  };
  const spatial = (s: number[], op: string) => {
    if (s.length !== 4) throw new Error(`tflite-resize: ${op} on a rank-${s.length} tensor`);
    return s;
  };
  const broadcast = (a: number[], b: number[], op: string): number[] => {
    const n = Math.max(a.length, b.length);
    const r: number[] = [];
    for (let k = 0; k < n; k++) {
      const x = a[a.length - n + k] ?? 1, y = b[b.length - n + k] ?? 1;
      if (x !== y && x !== 1 && y !== 1) throw new Error(`tflite-resize: ${op} cannot broadcast [${a}] with [${b}]`);
      r.push(x === 1 ? y : x);
    }
    return r;
  };

  for (const opT of fb.tables(sg, 3)) {
    const code = opcodes[fb.scalar(opT, 0, 4, 0) >>> 0];
    const name = OP_NAME.get(code);
    if (name === undefined) throw new Error(`tflite-resize: unsupported operator (builtin code ${code})`);
    const ins = fb.ints(opT, 1);
    const outs = fb.ints(opT, 2);
    if (outs.length !== 1) throw new Error(`tflite-resize: ${name} with ${outs.length} outputs`);
    const options = fb.table(opT, 4);
    const a = shapeOf(ins[0]);
    let result: number[];
    switch (code) {
      case OP.DEQUANTIZE: case OP.QUANTIZE: case OP.LOGISTIC: case OP.RSQRT:
        result = a.slice();
        break;
      case OP.ADD: case OP.MUL: case OP.SUB: case OP.SQUARED_DIFFERENCE:
        result = broadcast(a, shapeOf(ins[1]), name);
        break;
      case OP.MIRROR_PAD: {
        const pads = constInts(ins[1]);
        if (pads.length !== 2 * a.length) throw new Error('tflite-resize: MIRROR_PAD paddings do not match the rank');
        result = a.map((d, k) => d + pads[2 * k] + pads[2 * k + 1]);
        break;
      }
      case OP.MEAN: {
        const keepDims = options ? fb.scalar(options, 0, 1, 0) : 0;
        if (!keepDims) throw new Error('tflite-resize: MEAN without keep_dims');
        const axes = constInts(ins[1]).map((x) => (x < 0 ? x + a.length : x));
        result = a.map((d, k) => (axes.includes(k) ? 1 : d));
        break;
      }
      case OP.CONV_2D: {
        spatial(a, name);
        const w = shapeOf(ins[1]); // [out channels, kh, kw, in channels]
        if (!options) throw new Error('tflite-resize: CONV_2D without options');
        const padding = fb.scalar(options, 0, 1, 0); // SAME = 0, VALID = 1
        const strideW = fb.scalar(options, 1, 4, 0), strideH = fb.scalar(options, 2, 4, 0);
        const dilW = fb.scalar(options, 4, 4, 1), dilH = fb.scalar(options, 5, 4, 1);
        if (strideW < 1 || strideH < 1 || dilW < 1 || dilH < 1 || (padding !== 0 && padding !== 1)) {
          throw new Error('tflite-resize: CONV_2D options out of range');
        }
        const dim = (n: number, k: number, s: number, d: number) => {
          const eff = (k - 1) * d + 1;
          return padding === 0 ? Math.ceil(n / s) : Math.floor((n - eff) / s) + 1;
        };
        result = [a[0], dim(a[1], w[1], strideH, dilH), dim(a[2], w[2], strideW, dilW), w[0]];
        break;
      }
      case OP.RESIZE_NEAREST_NEIGHBOR: {
        spatial(a, name);
        const sizeT = ins[1];
        const t = tensors[sizeT];
        if (t.type !== INT32) throw new Error('tflite-resize: RESIZE_NEAREST_NEIGHBOR size is not int32');
        const old = constInts(sizeT);
        const oldIn = tensors[ins[0]].shape;
        if (old.length !== 2) throw new Error('tflite-resize: RESIZE_NEAREST_NEIGHBOR size is not 2 long');
        // Keep each resize's scale (×2 in these graphs): it must land on a whole size.
        const scale = (o: number, inOld: number, inNew: number) => {
          const v = (o * inNew) / inOld;
          if (!Number.isInteger(v)) throw new Error(`tflite-resize: resize ${o}/${inOld} does not scale to ${inNew}`);
          return v;
        };
        const size = [scale(old[0], oldIn[1], a[1]), scale(old[1], oldIn[2], a[2])];
        const { at } = bufferData(t.buffer);
        const prior = constantWrites.get(at);
        if (prior && (prior[0] !== size[0] || prior[1] !== size[1])) throw new Error('tflite-resize: a shared resize constant would need two values');
        constantWrites.set(at, size);
        shapes[sizeT] = t.shape; // the constant's own shape ([2]) does not change
        result = [a[0], size[0], size[1], a[3]];
        break;
      }
      default:
        throw new Error(`tflite-resize: unsupported operator ${name}`);
    }
    const o = outs[0];
    if (result.length !== tensors[o].shape.length) throw new Error(`tflite-resize: ${name} changes rank`);
    if (result.some((d) => !(d >= 1))) throw new Error(`tflite-resize: ${name} gives an empty shape at ${height}×${width}`);
    shapes[o] = result;
    known.add(o);
  }

  // The graph must end at the new size: an output of 1×height×width×3.
  for (const o of fb.ints(sg, 2)) {
    const s = shapes[o];
    if (s.length !== 4 || s[1] !== height || s[2] !== width) {
      throw new Error(`tflite-resize: output is [${s}], not ${height}×${width} (input was ${h0}×${w0})`);
    }
  }

  tensors.forEach((t, i) => {
    const s = shapes[i];
    if (!known.has(i) && s.some((d, k) => d !== t.shape[k])) throw new Error(`tflite-resize: tensor ${i} is never computed`);
    s.forEach((d, k) => fb.view.setInt32(t.shapeAt + 4 * k, d, true));
  });
  for (const [at, values] of constantWrites) values.forEach((v, k) => fb.view.setInt32(at + 4 * k, v, true));
  return out;
}

/** How many tensor shapes differ between two versions of one model (what a resize changed). */
export function changedShapes(a: Uint8Array, b: Uint8Array): number {
  const shapesOf = (bytes: Uint8Array) => {
    const fb = new Fb(bytes);
    const sg = fb.tables(fb.u32(0), 2)[0];
    return fb.tables(sg, 0).map((t) => fb.ints(t, 0).join(','));
  };
  const x = shapesOf(a), y = shapesOf(b);
  return x.filter((s, i) => s !== y[i]).length;
}

/** Every tensor's shape, the input and output tensors' indices (for tests and checks). */
export function tensorShapes(bytes: Uint8Array): { shapes: number[][]; inputs: number[]; outputs: number[] } {
  const fb = new Fb(bytes);
  const sg = fb.tables(fb.u32(0), 2)[0];
  return { shapes: fb.tables(sg, 0).map((t) => fb.ints(t, 0)), inputs: fb.ints(sg, 1), outputs: fb.ints(sg, 2) };
}

/** The size constants of the RESIZE_NEAREST_NEIGHBOR ops, in operator order (for tests and checks). */
export function resizeSizes(bytes: Uint8Array): number[][] {
  const fb = new Fb(bytes);
  const root = fb.u32(0);
  const codes = fb.tables(root, 1).map((oc) => Math.max(fb.scalar(oc, 0, 1, 0), fb.scalar(oc, 3, 4, 0)));
  const sg = fb.tables(root, 2)[0];
  const buffers = fb.tables(root, 4);
  const tensors = fb.tables(sg, 0);
  return fb.tables(sg, 3)
    .filter((op) => codes[fb.scalar(op, 0, 4, 0)] === OP.RESIZE_NEAREST_NEIGHBOR)
    .map((op) => {
      const { at, length } = fb.vector(buffers[fb.scalar(tensors[fb.ints(op, 1)[1]], 2, 4, 0)], 0);
      return Array.from({ length: length / 4 }, (_, k) => fb.i32(at + 4 * k));
    });
}
