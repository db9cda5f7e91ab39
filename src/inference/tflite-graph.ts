/**
 * Reading a .tflite flatbuffer and rewriting the shapes its input size is baked into, in place.
 *
 * Both official graphs Backdrop runs at other sizes (DeepLab, deeplab-resize.ts; the style transfer,
 * tflite-resize.ts) bake their input size into every activation tensor's shape and into a few
 * constants and options. `rewriteShapes` walks the operators in order and asks the graph's own rules
 * for each output's shape; a shape keeps its rank and a constant its length, so no offset moves and
 * the file's layout stays the same. What is common to both lives here: the parse, the walk and its
 * checks, and the writes at the end.
 */

/** A minimal read/write view of a flatbuffer: tables, vectors, scalars. */
export class Fb {
  readonly view: DataView;
  constructor(readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  u32(p: number) { this.check(p, 4); return this.view.getUint32(p, true); }
  i32(p: number) { this.check(p, 4); return this.view.getInt32(p, true); }
  private check(p: number, n: number) {
    if (p < 0 || p + n > this.bytes.length) throw new Error(`tflite: offset ${p} outside the file`);
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

/** TensorType codes (schema.fbs) of the constants read here. */
export const INT32 = 2;
const INT64 = 4;

export interface TensorInfo {
  /** The shape in the file. */
  shape: number[];
  /** Where the shape vector's ints start (rewritten in place). */
  shapeAt: number;
  type: number;
  buffer: number;
}

/** The model's one subgraph, parsed: what a graph's rules read while the walk runs. */
export interface Graph {
  fb: Fb;
  /** The BuiltinOperator code of each operator code index. */
  opcodes: number[];
  /** The subgraph's table. */
  sg: number;
  tensors: TensorInfo[];
  /** The raw bytes of a buffer (a constant's data). */
  bufferData(index: number): { at: number; length: number };
  /** A constant integer tensor's values. */
  constInts(tensor: number): number[];
  /** A tensor's new shape; throws if the walk has not computed it yet. */
  shapeOf(tensor: number): number[];
  /** An int32 to write at `at` once the walk has succeeded (a size constant, an option). */
  write(at: number, value: number): void;
}

/** One operator as the walk meets it. */
export interface Op {
  code: number;
  name: string;
  ins: number[];
  out: number;
  /** The builtin options table, or 0. */
  options: number;
}

export interface ShapeRules {
  /** Prefixes every error ('deeplab-resize', 'tflite-resize'). */
  tag: string;
  /** The BuiltinOperator codes the rules understand, by name; any other operator is refused. */
  ops: Record<string, number>;
  /** New shapes of the graph's inputs to resize, by tensor index. */
  inputs(g: Graph, inputs: number[]): Map<number, number[]>;
  /** The output shape of `op` from its inputs' new shapes. */
  infer(op: Op, g: Graph): number[];
  /** Checks an operator's result (beyond rank and emptiness) and learns from it. */
  after?(op: Op, result: number[], g: Graph): void;
  /** Checks the graph's outputs' new shapes: a message when wrong. */
  outputs(shapes: number[][]): string | undefined;
}

/**
 * Returns a copy of `model` whose shapes follow `rules` from the new input shapes; the walk throws
 * on anything the rules do not know (another op, a second subgraph, dynamic shapes).
 */
export function rewriteShapes(model: Uint8Array, rules: ShapeRules): Uint8Array {
  const { tag } = rules;
  const fail = (why: string): never => { throw new Error(`${tag}: ${why}`); };
  const out = new Uint8Array(model); // a copy: the rewrite is in place
  const fb = new Fb(out);
  const root = fb.u32(0);
  const opcodes = opcodeList(fb, root);
  const subgraphs = fb.tables(root, 2);
  if (subgraphs.length !== 1) fail(`${subgraphs.length} subgraphs, expected 1`);
  const sg = subgraphs[0];
  const buffers = fb.tables(root, 4);
  const bufferData = (index: number) => {
    const b = buffers[index];
    if (b === undefined) fail(`buffer ${index} missing`);
    return fb.vector(b, 0);
  };
  const tensors: TensorInfo[] = fb.tables(sg, 0).map((t) => {
    if (fb.field(t, 7)) fail('a tensor has a shape_signature (dynamic shapes are not supported)');
    return { shape: fb.ints(t, 0), shapeAt: fb.vector(t, 0).at, type: fb.scalar(t, 1, 1, 0), buffer: fb.scalar(t, 2, 4, 0) >>> 0 };
  });
  const isConstant = (i: number) => tensors[i].buffer !== 0 && bufferData(tensors[i].buffer).length > 0;
  const shapes = tensors.map((t) => t.shape.slice());
  const known = new Set<number>();
  tensors.forEach((_, i) => { if (isConstant(i)) known.add(i); });
  /** Writes to make after the walk: position → int32 value. */
  const writes = new Map<number, number>();

  const g: Graph = {
    fb, opcodes, sg, tensors, bufferData,
    constInts(i) {
      const t = tensors[i];
      const { at, length } = bufferData(t.buffer);
      if (!length) fail(`tensor ${i} should be a constant`);
      if (t.type === INT32) return Array.from({ length: length / 4 }, (_, k) => fb.i32(at + 4 * k));
      if (t.type === INT64) return Array.from({ length: length / 8 }, (_, k) => Number(fb.view.getBigInt64(at + 8 * k, true)));
      return fail(`tensor ${i} has type ${t.type}, expected int32 or int64`);
    },
    shapeOf(i) {
      if (!known.has(i)) fail(`tensor ${i} is used before it is computed`);
      return shapes[i];
    },
    write(at, value) {
      const prior = writes.get(at);
      if (prior !== undefined && prior !== value) fail(`a shared constant would need both ${prior} and ${value}`);
      writes.set(at, value);
    },
  };

  const inputs = fb.ints(sg, 1);
  for (const i of inputs) known.add(i);
  for (const [i, shape] of rules.inputs(g, inputs)) shapes[i] = shape;

  const names = new Map<number, string>(Object.entries(rules.ops).map(([k, v]) => [v, k]));
  for (const opT of fb.tables(sg, 3)) {
    const code = opcodes[fb.scalar(opT, 0, 4, 0) >>> 0];
    const name = names.get(code) ?? fail(`unsupported operator (builtin code ${code})`);
    const outs = fb.ints(opT, 2);
    if (outs.length !== 1) fail(`${name} with ${outs.length} outputs`);
    const op: Op = { code, name, ins: fb.ints(opT, 1), out: outs[0], options: fb.table(opT, 4) };
    const result = rules.infer(op, g);
    if (result.length !== tensors[op.out].shape.length) fail(`${name} changes rank`);
    if (result.some((d) => !(d >= 1))) fail(`${name} gives an empty shape`);
    rules.after?.(op, result, g);
    shapes[op.out] = result;
    known.add(op.out);
  }

  const wrong = rules.outputs(fb.ints(sg, 2).map((o) => shapes[o]));
  if (wrong) fail(wrong);
  tensors.forEach((t, i) => {
    const s = shapes[i];
    if (!known.has(i) && s.some((d, k) => d !== t.shape[k])) fail(`tensor ${i} is never computed`);
    s.forEach((d, k) => fb.view.setInt32(t.shapeAt + 4 * k, d, true));
  });
  for (const [at, v] of writes) fb.view.setInt32(at, v, true);
  return out;
}

/** The BuiltinOperator code of each operator code (the larger of the deprecated byte and the int). */
export const opcodeList = (fb: Fb, root = fb.u32(0)) =>
  fb.tables(root, 1).map((oc) => Math.max(fb.scalar(oc, 0, 1, 0), fb.scalar(oc, 3, 4, 0)));

/** Every tensor's shape, the input and output tensors' indices (for tests and checks). */
export function tensorShapes(bytes: Uint8Array): { shapes: number[][]; inputs: number[]; outputs: number[] } {
  const fb = new Fb(bytes);
  const sg = fb.tables(fb.u32(0), 2)[0];
  return { shapes: fb.tables(sg, 0).map((t) => fb.ints(t, 0)), inputs: fb.ints(sg, 1), outputs: fb.ints(sg, 2) };
}

/** How many tensor shapes differ between two versions of one model (what a resize changed). */
export function changedShapes(a: Uint8Array, b: Uint8Array): number {
  const x = tensorShapes(a).shapes.map(String), y = tensorShapes(b).shapes.map(String);
  return x.filter((s, i) => s !== y[i]).length;
}

/** The int32 values of the second input (a size constant) of each operator with `code`, in order (for tests and checks). */
export function sizeConstants(bytes: Uint8Array, code: number): number[][] {
  const fb = new Fb(bytes);
  const root = fb.u32(0);
  const codes = opcodeList(fb, root);
  const sg = fb.tables(root, 2)[0];
  const buffers = fb.tables(root, 4);
  const tensors = fb.tables(sg, 0);
  return fb.tables(sg, 3)
    .filter((op) => codes[fb.scalar(op, 0, 4, 0)] === code)
    .map((op) => {
      const { at, length } = fb.vector(buffers[fb.scalar(tensors[fb.ints(op, 1)[1]], 2, 4, 0)], 0);
      return Array.from({ length: length / 4 }, (_, k) => fb.i32(at + 4 * k));
    });
}

/** A convolution's output size along one axis (padding: SAME = 0, VALID = 1). */
export const convDim = (n: number, k: number, s: number, d: number, padding: number) =>
  padding === 0 ? Math.ceil(n / s) : Math.floor((n - ((k - 1) * d + 1)) / s) + 1;
