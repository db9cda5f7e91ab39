/**
 * The wasm runtime inside @tensorflow/tfjs-tflite (its `tflite_web_api` Emscripten module), loaded and
 * driven directly. The package's JavaScript client (tf-tflite.fesm.js, 870 KB minified, with tfjs-core
 * under it) only wraps this module's `TFLiteWebModelRunner` in tfjs tensors and loads the module the
 * same way; importing it took 57–98 ms of a fresh offscreen document's first job here.
 *
 * Loading is what the client's EmscriptenModuleLoader does: the glue script for the build the
 * browser can run (the SIMD builds only ship; threaded where memory can be shared), then its module
 * factory with `locateFile` pointing next to the glue, so the threaded build starts its pthread
 * workers from the packaged `*.worker.js` (never a `blob:` URL) and fetches the packaged `.wasm`.
 * scripts/patch-tflite.mjs makes the glue and the worker script CSP-safe.
 */

export type TfliteDataType = 'int8' | 'uint8' | 'bool' | 'int16' | 'int32' | 'uint32' | 'float32' | 'float64';

/** One of a model's tensors (embind object): a view of its data in wasm memory, and what it holds. */
export interface TfliteTensorInfo {
  id: number;
  name: string;
  dataType: TfliteDataType;
  /** Dimensions, comma-separated ("1,257,257,3"). */
  shape: string;
  /** A view into wasm memory: read again after memory may have grown. */
  data(): Int8Array | Uint8Array | Int16Array | Int32Array | Uint32Array | Float32Array | Float64Array;
}

interface CppVector<T> {
  size(): number;
  get(i: number): T;
  delete(): void;
}

interface CppModelRunner {
  GetInputs(): CppVector<TfliteTensorInfo>;
  GetOutputs(): CppVector<TfliteTensorInfo>;
  Infer(): boolean;
  delete(): void;
}

interface TfliteModule {
  _malloc(bytes: number): number;
  _free(ptr: number): void;
  HEAPU8: Uint8Array;
  TFLiteWebModelRunner: {
    CreateFromBufferAndOptions(ptr: number, bytes: number, options: { numThreads: number; enableProfiling: boolean; maxProfilingBufferEntries: number }): {
      ok(): boolean;
      errorMessage(): string;
      value(): CppModelRunner;
    };
  };
}

type ModuleFactory = (options: { mainScriptUrlOrBlob: string; locateFile: (file: string) => string }) => Promise<TfliteModule>;

/** The smallest module using a SIMD instruction (as wasm-feature-detect checks it). */
const SIMD_PROBE = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11]);

export interface WasmFeatures {
  simd: boolean;
  /** Shared memory can be posted to workers: the threaded build runs. */
  threads: boolean;
}

export function wasmFeatures(): WasmFeatures {
  let threads = false;
  try {
    threads = globalThis.crossOriginIsolated === true && typeof SharedArrayBuffer !== 'undefined' && new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true }).buffer instanceof SharedArrayBuffer;
  } catch {
    // no shared memory here
  }
  return { simd: WebAssembly.validate(SIMD_PROBE), threads };
}

/** The glue file for these features (only the SIMD builds ship: every browser with offscreen documents has SIMD). */
export function glueFile(features: WasmFeatures): string {
  if (!features.simd) throw new Error('this browser has no WebAssembly SIMD, which the packaged tfjs-tflite builds need');
  return features.threads ? 'tflite_web_api_cc_simd_threaded.js' : 'tflite_web_api_cc_simd.js';
}

function loadScript(url: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.src = url;
    script.onload = () => resolve();
    script.onerror = () => reject(new Error(`could not load ${url}`));
    document.head.append(script);
  });
}

/** A model: its tensors (read once) and inference, and the wasm memory it holds until deleted. */
export interface TfliteModelRunner {
  inputs: TfliteTensorInfo[];
  outputs: TfliteTensorInfo[];
  infer(): boolean;
  delete(): void;
}

const toArray = <T>(vector: CppVector<T>): T[] => {
  try {
    return Array.from({ length: vector.size() }, (_, i) => vector.get(i));
  } finally {
    vector.delete();
  }
};

export interface TfliteWebApi {
  features: WasmFeatures;
  createRunner(model: ArrayBuffer, numThreads: number): TfliteModelRunner;
}

/** Loads the module from `dir` (an absolute URL ending in '/'), once per page. */
export async function loadTfliteWebApi(dir: string): Promise<TfliteWebApi> {
  const features = wasmFeatures();
  const glue = dir + glueFile(features);
  await loadScript(glue);
  const factory = (globalThis as unknown as { tflite_web_api_ModuleFactory?: ModuleFactory }).tflite_web_api_ModuleFactory;
  if (!factory) throw new Error(`${glue} did not define tflite_web_api_ModuleFactory`);
  const module = await factory({ mainScriptUrlOrBlob: glue, locateFile: (file) => dir + file });
  return {
    features,
    createRunner(model, numThreads) {
      const bytes = new Uint8Array(model);
      const ptr = module._malloc(bytes.length);
      module.HEAPU8.set(bytes, ptr);
      const created = module.TFLiteWebModelRunner.CreateFromBufferAndOptions(ptr, bytes.length, {
        numThreads, enableProfiling: false, maxProfilingBufferEntries: 1024,
      });
      if (!created.ok()) {
        module._free(ptr);
        throw new Error(`tfjs-tflite could not create the model: ${created.errorMessage()}`);
      }
      const runner = created.value();
      return {
        inputs: toArray(runner.GetInputs()),
        outputs: toArray(runner.GetOutputs()),
        infer: () => runner.Infer(),
        delete() {
          runner.delete();
          module._free(ptr); // the interpreter reads the model from this buffer: freed after it
        },
      };
    },
  };
}
