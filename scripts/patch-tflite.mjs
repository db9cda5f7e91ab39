/**
 * Makes the wasm runtime of @tensorflow/tfjs-tflite 0.0.1-alpha.10 run inside an MV3 extension page,
 * as a build step.
 *
 * As published, it cannot run under the extension CSP (`script-src 'self' 'wasm-unsafe-eval'`):
 * - its Emscripten/embind glue (wasm/tflite_web_api_cc_*.js) builds functions from strings with
 *   `new Function` (createNamedFunction, craftInvokerFunction, __emval_get_method_caller,
 *   craftEmvalAllocator): EvalError. They are replaced by closures doing the same work (what later
 *   Emscripten versions emit with -sDYNAMIC_EXECUTION=0);
 * - its pthread worker script imports the glue from a `blob:` URL when given a Blob, which the
 *   extension blocks: it now refuses a Blob, and is always given the packaged glue's URL.
 * The package's JavaScript client (dist/tf-tflite.fesm.js) is not used: it starts the workers from a
 * `blob:` URL of an embedded copy of the worker script and drags in tfjs-core. Backdrop loads the
 * module itself (src/inference/tflite-web-api.ts), so Emscripten starts the workers from the packaged
 * `*.worker.js` next to the glue, a chrome-extension:// URL.
 *
 * node_modules is never touched: the patched copies go to .generated/tflite/, and the build copies the
 * glue, the worker and the wasm under /tflite/ in the extension (the `build:publicAssets` hook).
 *
 * Only the SIMD builds ship: every browser that has MV3 offscreen documents (Chrome 109+) has wasm
 * SIMD. `_simd_threaded` loads where memory can be shared (our cross-origin-isolated pages), else `_simd`.
 *
 * Every replacement is exact and must match exactly once: an unexpected input (another package
 * version, an edited file) fails the build loudly rather than shipping a half-patched runtime.
 *
 * Usage: `node scripts/patch-tflite.mjs`; wxt.config.ts runs it before every build (`build:before`).
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const TFLITE_VERSION = '0.0.1-alpha.10';
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const PACKAGE_DIR = join(ROOT, 'node_modules/@tensorflow/tfjs-tflite');
export const OUT_DIR = join(ROOT, '.generated/tflite');
/** Wasm builds shipped (see above), each a glue script + a .wasm; the threaded one also has a worker script. */
export const BUILDS = ['tflite_web_api_cc_simd', 'tflite_web_api_cc_simd_threaded'];
export const WORKERS = ['tflite_web_api_cc_simd_threaded.worker.js'];

export class PatchError extends Error {}

/** Replaces `find` by `replacement`, which must occur exactly once in `text`. */
export function replaceOnce(text, find, replacement, what) {
  const first = text.indexOf(find);
  if (first < 0) throw new PatchError(`patch-tflite: ${what}: expected text not found (is @tensorflow/tfjs-tflite ${TFLITE_VERSION} installed?)`);
  if (text.indexOf(find, first + 1) >= 0) throw new PatchError(`patch-tflite: ${what}: expected text found more than once`);
  return text.slice(0, first) + replacement + text.slice(first + find.length);
}

/** Replaces a whole function: from `start` up to (not including) `next`, which must be exactly `original`. */
function replaceFunction(text, start, next, original, replacement, what) {
  const i = text.indexOf(start);
  const j = i < 0 ? -1 : text.indexOf(next, i);
  if (i < 0 || j < 0 || text.slice(i, j) !== original) {
    throw new PatchError(`patch-tflite: ${what}: the function differs from the one this patch was written for`);
  }
  return replaceOnce(text, original, replacement, what);
}

// ------------------------------------------------------------------ the Emscripten/embind glue
const CREATE_NAMED_FUNCTION = {
  find: 'function createNamedFunction(name,body){name=makeLegalFunctionName(name);return new Function("body","return function "+name+"() {\\n"+\'    "use strict";\'+"    return body.apply(this, arguments);\\n"+"};\\n")(body)}',
  replace: 'function createNamedFunction(name,body){name=makeLegalFunctionName(name);return{[name]:function(){"use strict";return body.apply(this,arguments)}}[name]}',
};

const CRAFT_INVOKER_ORIGINAL = 'function craftInvokerFunction(humanName,argTypes,classType,cppInvokerFunc,cppTargetFunc){var argCount=argTypes.length;if(argCount<2){throwBindingError("argTypes array size mismatch! Must at least get return value and \'this\' types!")}var isClassMethodFunc=argTypes[1]!==null&&classType!==null;var needsDestructorStack=false;for(var i=1;i<argTypes.length;++i){if(argTypes[i]!==null&&argTypes[i].destructorFunction===undefined){needsDestructorStack=true;break}}var returns=argTypes[0].name!=="void";var argsList="";var argsListWired="";for(var i=0;i<argCount-2;++i){argsList+=(i!==0?", ":"")+"arg"+i;argsListWired+=(i!==0?", ":"")+"arg"+i+"Wired"}var invokerFnBody="return function "+makeLegalFunctionName(humanName)+"("+argsList+") {\\n"+"if (arguments.length !== "+(argCount-2)+") {\\n"+"throwBindingError(\'function "+humanName+" called with \' + arguments.length + \' arguments, expected "+(argCount-2)+" args!\');\\n"+"}\\n";if(needsDestructorStack){invokerFnBody+="var destructors = [];\\n"}var dtorStack=needsDestructorStack?"destructors":"null";var args1=["throwBindingError","invoker","fn","runDestructors","retType","classParam"];var args2=[throwBindingError,cppInvokerFunc,cppTargetFunc,runDestructors,argTypes[0],argTypes[1]];if(isClassMethodFunc){invokerFnBody+="var thisWired = classParam.toWireType("+dtorStack+", this);\\n"}for(var i=0;i<argCount-2;++i){invokerFnBody+="var arg"+i+"Wired = argType"+i+".toWireType("+dtorStack+", arg"+i+"); // "+argTypes[i+2].name+"\\n";args1.push("argType"+i);args2.push(argTypes[i+2])}if(isClassMethodFunc){argsListWired="thisWired"+(argsListWired.length>0?", ":"")+argsListWired}invokerFnBody+=(returns?"var rv = ":"")+"invoker(fn"+(argsListWired.length>0?", ":"")+argsListWired+");\\n";if(needsDestructorStack){invokerFnBody+="runDestructors(destructors);\\n"}else{for(var i=isClassMethodFunc?1:2;i<argTypes.length;++i){var paramName=i===1?"thisWired":"arg"+(i-2)+"Wired";if(argTypes[i].destructorFunction!==null){invokerFnBody+=paramName+"_dtor("+paramName+"); // "+argTypes[i].name+"\\n";args1.push(paramName+"_dtor");args2.push(argTypes[i].destructorFunction)}}}if(returns){invokerFnBody+="var ret = retType.fromWireType(rv);\\n"+"return ret;\\n"}else{}invokerFnBody+="}\\n";args1.push(invokerFnBody);var invokerFunction=new_(Function,args1).apply(null,args2);return invokerFunction}';

// The same invoker as a closure: wire `this` and the arguments, call, run the destructors, unwire the result.
const CRAFT_INVOKER_CLOSURE = 'function craftInvokerFunction(humanName,argTypes,classType,cppInvokerFunc,cppTargetFunc){var argCount=argTypes.length;if(argCount<2){throwBindingError("argTypes array size mismatch! Must at least get return value and \'this\' types!")}var isClassMethodFunc=argTypes[1]!==null&&classType!==null;var needsDestructorStack=false;for(var i=1;i<argTypes.length;++i){if(argTypes[i]!==null&&argTypes[i].destructorFunction===undefined){needsDestructorStack=true;break}}var returns=argTypes[0].name!=="void";var expected=argCount-2;return createNamedFunction(humanName,function(){if(arguments.length!==expected){throwBindingError("function "+humanName+" called with "+arguments.length+" arguments, expected "+expected+" args!")}var destructors=needsDestructorStack?[]:null;var wired=[cppTargetFunc];var thisWired;if(isClassMethodFunc){thisWired=argTypes[1].toWireType(destructors,this);wired.push(thisWired)}for(var i=0;i<expected;++i){wired.push(argTypes[i+2].toWireType(destructors,arguments[i]))}var rv=cppInvokerFunc.apply(null,wired);if(needsDestructorStack){runDestructors(destructors)}else{for(var i=isClassMethodFunc?1:2;i<argTypes.length;++i){if(argTypes[i].destructorFunction!==null){argTypes[i].destructorFunction(i===1?thisWired:wired[i-(isClassMethodFunc?0:1)])}}}if(returns){return argTypes[0].fromWireType(rv)}})}';

const METHOD_CALLER = {
  find: 'var invokerFunction=new_(Function,params).apply(null,args);',
  // handle[name](args read from the pointer at fixed offsets), objects deleted, the result wired back.
  replace: 'var invokerFunction=function(handle,name,destructors,argsPtr){var a=[];var offset=0;for(var i=0;i<argCount-1;++i){a.push(types[1+i].readValueFromPointer(argsPtr+offset));offset+=types[1+i]["argPackAdvance"]}var rv=handle[name].apply(handle,a);for(var i=0;i<argCount-1;++i){if(types[1+i]["deleteObject"]){types[1+i].deleteObject(a[i])}}if(!retType.isVoid){return retType.toWireType(destructors,rv)}};',
};

// `memory` is how the build reads HEAPU32: `HEAPU32`, or `GROWABLE_HEAP_U32()` in the threaded build.
const EMVAL_ALLOCATOR_ORIGINAL = (memory) => 'function craftEmvalAllocator(argCount){var argsList="";for(var i=0;i<argCount;++i){argsList+=(i!==0?", ":"")+"arg"+i}var getMemory=()=>' + memory + ';var functionBody="return function emval_allocator_"+argCount+"(constructor, argTypes, args) {\\n"+"  var HEAPU32 = getMemory();\\n";for(var i=0;i<argCount;++i){functionBody+="var argType"+i+" = requireRegisteredType(HEAPU32[((argTypes)>>2)], \'parameter "+i+"\');\\n"+"var arg"+i+" = argType"+i+".readValueFromPointer(args);\\n"+"args += argType"+i+"[\'argPackAdvance\'];\\n"+"argTypes += 4;\\n"}functionBody+="var obj = new constructor("+argsList+");\\n"+"return valueToHandle(obj);\\n"+"}\\n";return new Function("requireRegisteredType","Module","valueToHandle","getMemory",functionBody)(requireRegisteredType,Module,Emval.toHandle,getMemory)}';
const EMVAL_ALLOCATOR_CLOSURE = (memory) => 'function craftEmvalAllocator(argCount){return function(constructor,argTypes,args){var a=[];for(var i=0;i<argCount;++i){var argType=requireRegisteredType(' + memory + '[argTypes>>2],"parameter "+i);a.push(argType.readValueFromPointer(args));args+=argType["argPackAdvance"];argTypes+=4}return Emval.toHandle(Reflect.construct(constructor,a))}}';

export function patchGlue(text, file = 'glue') {
  let out = replaceOnce(text, CREATE_NAMED_FUNCTION.find, CREATE_NAMED_FUNCTION.replace, `${file}: createNamedFunction`);
  out = replaceFunction(out, 'function craftInvokerFunction(', 'function heap32VectorToArray(', CRAFT_INVOKER_ORIGINAL, CRAFT_INVOKER_CLOSURE, `${file}: craftInvokerFunction`);
  out = replaceOnce(out, METHOD_CALLER.find, METHOD_CALLER.replace, `${file}: __emval_get_method_caller`);
  const memory = out.includes('var getMemory=()=>GROWABLE_HEAP_U32();') ? 'GROWABLE_HEAP_U32()' : 'HEAPU32';
  out = replaceFunction(out, 'function craftEmvalAllocator(', 'var emval_newers=', EMVAL_ALLOCATOR_ORIGINAL(memory), EMVAL_ALLOCATOR_CLOSURE(memory), `${file}: craftEmvalAllocator`);
  assertCspSafe(out, file);
  return out;
}

// ------------------------------------------------------------------ the pthread worker script
// The worker is always given the glue's URL (a string): it refuses a Blob instead of importing a blob: URL.
const WORKER_BLOB_IMPORT = {
  find: 'else{var objectUrl=URL.createObjectURL(e.data.urlOrBlob);importScripts(objectUrl);URL.revokeObjectURL(objectUrl)}',
  replace: 'else{throw new Error("tfjs-tflite worker: the glue must be a packaged URL")}',
};

export function patchWorker(text, file = 'worker') {
  const out = replaceOnce(text, WORKER_BLOB_IMPORT.find, WORKER_BLOB_IMPORT.replace, `${file}: blob import`);
  assertCspSafe(out, file);
  return out;
}

/** What an extension page's CSP refuses: code from strings, and workers from blob: URLs. */
export function cspProblems(text) {
  const problems = [];
  if (/new Function\s*\(/.test(text)) problems.push('new Function');
  if (/new_\(\s*Function\b/.test(text)) problems.push('new_(Function, …)');
  if (/(^|[^\w$.])eval\s*\(/.test(text)) problems.push('eval(');
  if (/new Worker\(\s*(URL\.createObjectURL|["']blob:)/.test(text)) problems.push('worker from a blob: URL');
  if (/importScripts\(\s*URL\.createObjectURL/.test(text) || /URL\.createObjectURL\(e\.data\.urlOrBlob\)/.test(text)) problems.push('importScripts of a blob: URL');
  return problems;
}

function assertCspSafe(text, file) {
  const problems = cspProblems(text);
  if (problems.length) throw new PatchError(`patch-tflite: ${file}: still has ${problems.join(', ')}`);
}

function writeAtomic(path, text) {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

/**
 * Patches the installed package into `outDir` and returns the files to ship ({ absoluteSrc,
 * relativeDest } under tflite/, for WXT's `build:publicAssets` hook).
 */
export function patchTflite({ packageDir = PACKAGE_DIR, outDir = OUT_DIR } = {}) {
  const version = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')).version;
  if (version !== TFLITE_VERSION) throw new PatchError(`patch-tflite: @tensorflow/tfjs-tflite is ${version}, the patch is for ${TFLITE_VERSION}`);
  mkdirSync(join(outDir, 'public'), { recursive: true });
  for (const build of BUILDS) {
    const glue = `${build}.js`;
    writeAtomic(join(outDir, 'public', glue), patchGlue(readFileSync(join(packageDir, 'wasm', glue), 'utf8'), glue));
  }
  for (const worker of WORKERS) {
    writeAtomic(join(outDir, 'public', worker), patchWorker(readFileSync(join(packageDir, 'wasm', worker), 'utf8'), worker));
  }
  return tfliteAssets({ packageDir, outDir });
}

/** The files shipped under /tflite/ (patched glue and worker, the package's own wasm). */
export function tfliteAssets({ packageDir = PACKAGE_DIR, outDir = OUT_DIR } = {}) {
  return [
    ...BUILDS.flatMap((build) => [
      { absoluteSrc: join(outDir, 'public', `${build}.js`), relativeDest: `tflite/${build}.js` },
      { absoluteSrc: join(packageDir, 'wasm', `${build}.wasm`), relativeDest: `tflite/${build}.wasm` },
    ]),
    ...WORKERS.map((worker) => ({ absoluteSrc: join(outDir, 'public', worker), relativeDest: `tflite/${worker}` })),
  ];
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const files = patchTflite();
  console.log(`patch-tflite: wrote ${OUT_DIR} (${files.length} files to ship under /tflite/)`);
}
