/**
 * The second runtime behind the Runtime seam: @tensorflow/tfjs-tflite 0.0.1-alpha.10 (the package the
 * design started from), kept so that the benchmark can compare it with LiteRT.js and users can pick it.
 *
 * The bundler resolves '@tensorflow/tfjs-tflite' to the copy patched by scripts/patch-tflite.mjs (no
 * eval, no blob: workers), and its glue, pthread worker and wasm are served from /tflite/. The path
 * must be absolute and without the origin: the package's loader mangles chrome-extension:// URLs.
 *
 * Threads: the package loads its threaded SIMD build wherever SharedArrayBuffer can be posted (our
 * cross-origin-isolated pages), and that build starts a fixed pool of PTHREAD_POOL pthread workers,
 * separate from LiteRT.js's pool. Each live model holds `threads - 1` of them for as long as it
 * lives, so `maxThreads` is capped to keep the thread plan (two heavy models at most
 * 1 + maxThreads/2 threads each) within that pool.
 *
 * Tensors: tfjs-core (the CPU backend's bookkeeping only, no kernels) wraps inputs and outputs;
 * inputs live in a tf.tidy, outputs are disposed right after they are copied out (they are views into
 * wasm memory that the next run overwrites), so no tensor outlives a run.
 */
import * as tf from '@tensorflow/tfjs-core';
// Registers the 'cpu' backend without its kernels: tensors here only carry data in and out.
import '@tensorflow/tfjs-backend-cpu/dist/base';
import { getWasmFeatures, loadTFLiteModel, setWasmPath, type TFLiteModel } from '@tensorflow/tfjs-tflite';
import { onceRetrying, type LoadedModel, type Runtime, type TensorIn } from './runtime';

/** Workers the package's threaded build starts up front (`pthreadPoolSize=8` in its glue). */
export const PTHREAD_POOL = 8;

export interface TfliteRuntimeOptions {
  /** Absolute path (no origin) of the folder holding the patched tflite_web_api_cc_* files, e.g. '/tflite/'. */
  wasmPath: string;
}

/** Live models, for the benchmark's leak check. */
export const tfliteLive = { models: 0 };

/** tfjs-core's live tensors and the live models: both must stay flat across runs. */
export const tfliteMemory = () => ({ tensors: tf.memory().numTensors, liveModels: tfliteLive.models });

export const loadTfliteRuntime = onceRetrying(async (opts: TfliteRuntimeOptions): Promise<Runtime> => {
    if (!opts.wasmPath.startsWith('/')) throw new Error(`tfjs-tflite: wasmPath must be an absolute path, not ${opts.wasmPath}`);
    setWasmPath(opts.wasmPath);
    await tf.setBackend('cpu');
    const features = await getWasmFeatures();
    const threaded = features.multiThreading;
    const maxThreads = threaded ? Math.max(1, Math.min(navigator.hardwareConcurrency || 1, PTHREAD_POOL)) : 1;
    return {
      name: 'tfjs-tflite',
      accelerator: features.simd ? 'wasm-simd' : 'wasm',
      maxThreads,
      async load(url, { threads, name }) {
        const model = await loadTFLiteModel(url, { numThreads: threaded ? Math.max(1, Math.min(threads, maxThreads)) : 1 });
        tfliteLive.models++;
        return wrap(model, name);
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

function wrap(model: TFLiteModel, name: string): LoadedModel {
  // Read once: each read of `inputs`/`outputs` goes through the wasm bindings.
  const inputShapes = model.inputs.map((t) => t.shape ?? []);
  const outputNames = model.outputs.map((t) => t.name);
  let deleted = false;
  return {
    name,
    async run(inputs: TensorIn[]) {
      if (deleted) throw new Error(`${name}: the model was deleted`);
      // The tidy returns the output tensors only: tf.tidy walks what it returns key by key, which for a
      // Float32Array of DeepLab's 1.4 M logits took ~0.7 s.
      const outputs = tf.tidy(() => {
        const tensors = orderInputs(inputShapes, inputs).map((t) => tf.tensor(t.data, t.shape, 'float32'));
        const out = model.predict(tensors.length === 1 ? tensors[0] : tensors);
        return out instanceof tf.Tensor ? [out] : outputNames.map((n) => (out as tf.NamedTensorMap)[n]);
      });
      try {
        // Copy: an output's data is a view into wasm memory that the next run overwrites.
        return outputs.map((t) => new Float32Array(t.dataSync() as Float32Array));
      } finally {
        tf.dispose(outputs);
      }
    },
    delete() {
      if (deleted) return;
      deleted = true;
      tfliteLive.models--;
      (model as unknown as { modelRunner: { cleanUp(): void } }).modelRunner.cleanUp();
    },
  };
}
