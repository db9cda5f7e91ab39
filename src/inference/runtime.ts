/**
 * The one seam between Backdrop and a TFLite runtime (LiteRT.js, src/inference/litert.ts). The pipeline
 * only sees these types, so another runtime can be measured beside it without touching anything else
 * (tfjs-tflite was, until issue 17: docs/benchmark.md, "Runtimes"), and unit tests run counting fakes.
 */

export interface TensorIn {
  data: Float32Array;
  shape: number[];
}

export interface LoadedModel {
  readonly name: string;
  /** Runs the model on float32 inputs and returns every output as a fresh Float32Array. */
  run(inputs: TensorIn[]): Promise<Float32Array[]>;
  delete(): void;
}

export interface Runtime {
  readonly name: string;
  /** The accelerator actually used, e.g. 'wasm'. */
  readonly accelerator: string;
  /** Threads the runtime's pool can give a model (1 when unthreaded). */
  readonly maxThreads: number;
  /** Loads a model from its URL or from its bytes (e.g. a rewritten file, tflite-resize.ts). */
  load(source: string | Uint8Array, opts: { threads: number; name: string }): Promise<LoadedModel>;
}

/**
 * How many threads each of the three live models may take. In an Emscripten pthread pool every
 * live model holds `threads - 1` workers for as long as it lives; if the models together ask for
 * more workers than the pool has, the page deadlocks for good. The models run one at a time, so the
 * two heavy ones (segmentation, transfer) share the pool and prediction, run once per style, stays
 * single-threaded.
 */
export function threadPlan(poolSize: number, wanted: number): { segmentation: number; transfer: number; prediction: number } {
  const pool = Math.max(0, Math.floor(poolSize));
  const perHeavy = Math.max(1, Math.min(wanted > 0 ? wanted : pool, 1 + Math.floor(pool / 2)));
  return { segmentation: perHeavy, transfer: perHeavy, prediction: 1 };
}

/** Memoizes an async loader for the page; a failed load is forgotten, so the next call tries again. */
export function onceRetrying<A extends unknown[], T>(load: (...args: A) => Promise<T>): (...args: A) => Promise<T> {
  let loading: Promise<T> | undefined;
  return (...args) => (loading ??= load(...args).catch((e) => {
    loading = undefined;
    throw e;
  }));
}
