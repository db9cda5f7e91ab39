/**
 * The second runtime behind the Runtime seam: @tensorflow/tfjs-tflite 0.0.1-alpha.10 (the package the
 * design started from), kept so that the benchmark can compare it with LiteRT.js and users can pick it.
 *
 * Its wasm module runs the models, loaded directly (tflite-web-api.ts) from /tflite/, where the build
 * ships its glue, pthread worker and wasm, made CSP-safe by scripts/patch-tflite.mjs. The package's
 * JavaScript client and tfjs-core are not bundled: inputs are copied straight into the model
 * runner's input buffers and outputs out of its output buffers, with no tensors in between.
 *
 * Threads: the threaded SIMD build loads wherever memory can be shared (our cross-origin-isolated
 * pages), and it starts a fixed pool of PTHREAD_POOL pthread workers, separate from LiteRT.js's
 * pool. Each live model holds `threads - 1` of them for as long as it lives, so `maxThreads` is
 * capped to keep the thread plan (two heavy models at most 1 + maxThreads/2 threads each) within
 * that pool.
 */
import { loadTfliteWebApi, type TfliteModelRunner } from './tflite-web-api';
import { onceRetrying, type LoadedModel, type Runtime, type TensorIn } from './runtime';
import { probe } from '../test-hooks/probe';

/** Workers the package's threaded build starts up front (`pthreadPoolSize=8` in its glue). */
export const PTHREAD_POOL = 8;

export interface TfliteRuntimeOptions {
  /** Folder of the patched tflite_web_api_cc_* files, e.g. '/tflite/'. */
  wasmPath: string;
}

export const loadTfliteRuntime = onceRetrying(async (opts: TfliteRuntimeOptions): Promise<Runtime> => {
  const api = await loadTfliteWebApi(opts.wasmPath.endsWith('/') ? opts.wasmPath : `${opts.wasmPath}/`);
  const threaded = api.features.threads;
  const maxThreads = threaded ? Math.max(1, Math.min(navigator.hardwareConcurrency || 1, PTHREAD_POOL)) : 1;
  return {
    name: 'tfjs-tflite',
    accelerator: 'wasm-simd',
    maxThreads,
    async load(url, { threads, name }) {
      const res = await fetch(url);
      if (!res.ok) throw new Error(`${name}: HTTP ${res.status} for ${url}`);
      const runner = api.createRunner(await res.arrayBuffer(), threaded ? Math.max(1, Math.min(threads, maxThreads)) : 1);
      const other = [...runner.inputs, ...runner.outputs].find((t) => t.dataType !== 'float32');
      if (other) {
        runner.delete();
        throw new Error(`${name}: tensor ${other.name} is ${other.dataType}; Backdrop feeds float32 only`);
      }
      if (import.meta.env.MODE === 'test') probe.tfliteModels++;
      return wrap(runner, name);
    },
  } satisfies Runtime;
});

const sameShape = (want: number[], got: number[]) =>
  want.length === got.length && want.every((d, i) => d === -1 || d === got[i]);

/**
 * Puts the inputs in the model's input order, matching by shape when the order differs (the two
 * runtimes need not list a model's inputs the same way). Throws when an input has no match.
 */
export function orderInputs<T extends { shape: number[] }>(modelShapes: number[][], inputs: T[]): T[] {
  if (modelShapes.length !== inputs.length) throw new Error(`the model takes ${modelShapes.length} inputs, got ${inputs.length}`);
  if (modelShapes.every((s, i) => sameShape(s, inputs[i].shape))) return inputs;
  const left = [...inputs];
  return modelShapes.map((s) => {
    const i = left.findIndex((t) => sameShape(s, t.shape));
    if (i < 0) throw new Error(`no input of shape [${s}] (got ${inputs.map((t) => `[${t.shape}]`).join(', ')})`);
    return left.splice(i, 1)[0];
  });
}

function wrap(runner: TfliteModelRunner, name: string): LoadedModel {
  const inputShapes = runner.inputs.map((t) => t.shape.split(',').map(Number));
  let deleted = false;
  return {
    name,
    async run(inputs: TensorIn[]) {
      if (deleted) throw new Error(`${name}: the model was deleted`);
      const ordered = orderInputs(inputShapes, inputs);
      runner.inputs.forEach((info, i) => {
        // (data() is read at each run: a view into wasm memory, which may have grown meanwhile.)
        const buffer = info.data();
        if (buffer.length !== ordered[i].data.length) throw new Error(`${name}: input ${info.name} takes ${buffer.length} values, got ${ordered[i].data.length}`);
        buffer.set(ordered[i].data);
      });
      if (!runner.infer()) throw new Error(`${name}: inference failed`);
      // Copy: an output's data is a view into wasm memory that the next run overwrites.
      return runner.outputs.map((info) => new Float32Array(info.data() as Float32Array));
    },
    delete() {
      if (deleted) return;
      deleted = true;
      if (import.meta.env.MODE === 'test') probe.tfliteModels--;
      runner.delete();
    },
  };
}
