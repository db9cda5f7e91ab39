/**
 * Backdrop's TFLite runtime, LiteRT.js (@litertjs/core), behind the Runtime seam. The package ships one of
 * its wasm builds per browser, the one that browser loads (litert-builds.ts): threaded in Chrome, plain in
 * Firefox. docs/benchmark.md ("Runtimes") says why it is the only runtime.
 */
import { loadAndCompile, loadLiteRt, Tensor, type CompiledModel } from '@litertjs/core';
import { litertBuild, litertFeatures } from './litert-builds';
import { onceRetrying, type LoadedModel, type Runtime, type TensorIn } from './runtime';

export interface LiteRtRuntimeOptions {
  /** URL of the folder holding the packaged litert_wasm_*.js/.wasm build (never a CDN). */
  wasmDir: string;
  /** Where the runtime's native log lines go (they would otherwise land in console.error). */
  log?: (line: string) => void;
}

/** Loads LiteRT.js once per page (it refuses a second load) and wraps it in the Runtime seam. */
export const loadLiteRtRuntime = onceRetrying(async (opts: LiteRtRuntimeOptions): Promise<Runtime> => {
    const log = opts.log ?? (() => {});
    const build = litertBuild(litertFeatures());
    // LiteRT.js would look for its compat build, which no package ships (no browser Backdrop runs on needs it).
    if (build === 'litert_wasm_compat_internal') throw new Error('this browser lacks WebAssembly relaxed SIMD (Chrome 114+), which Backdrop\'s LiteRT.js build needs');
    // Threads wherever memory can be shared, even on one core (a pool of one worker): the one build Chrome ships.
    const threaded = build === 'litert_wasm_threaded_internal';
    // Emscripten reads `self.Module` when the factory runs: route its stdout/stderr to our log.
    (self as unknown as { Module: unknown }).Module = { print: log, printErr: log };
    await loadLiteRt(opts.wasmDir, { threads: threaded });
    // The threaded build starts a pool of navigator.hardwareConcurrency workers.
    const pool = threaded ? navigator.hardwareConcurrency || 1 : 0;
    return {
      name: 'litert',
      accelerator: 'wasm',
      maxThreads: threaded ? pool : 1,
      async load(source, { threads, name }) {
        // Always name the accelerator: LiteRT.js would pick WebGPU (even a software one) by itself.
        const model = await loadAndCompile(source, {
          accelerator: 'wasm',
          cpuOptions: { numThreads: threaded ? threads : 1 },
        });
        return wrap(model, name);
      },
    } satisfies Runtime;
});

function wrap(model: CompiledModel, name: string): LoadedModel {
  return {
    name,
    async run(inputs: TensorIn[]) {
      const tensors = inputs.map((t) => new Tensor(t.data, t.shape));
      let outputs: Tensor[] | undefined;
      try {
        outputs = await model.run(tensors);
        // Copy out of wasm memory: the tensor's view dies with delete().
        return outputs.map((o) => new Float32Array(o.toTypedArray() as Float32Array));
      } finally {
        for (const t of tensors) t.delete();
        for (const o of outputs ?? []) o.delete();
      }
    },
    delete: () => model.delete(),
  };
}
