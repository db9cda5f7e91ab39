/** The build step that makes @tensorflow/tfjs-tflite CSP-safe (scripts/patch-tflite.mjs). */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import {
  BUILDS, PACKAGE_DIR, PatchError, WORKERS, cspProblems, patchGlue, patchTflite, patchWorker, replaceOnce,
} from '../../scripts/patch-tflite.mjs';

const read = (...p: string[]) => readFileSync(join(...p), 'utf8');
const glue = (build: string) => read(PACKAGE_DIR, 'wasm', `${build}.js`);

describe('patch-tflite', () => {
  test('the published files have what the extension CSP refuses (so the checks below can fail)', () => {
    expect(cspProblems(glue(BUILDS[0]))).toContain('new Function');
    expect(cspProblems(glue(BUILDS[1]))).toContain('new_(Function, …)');
    expect(cspProblems(read(PACKAGE_DIR, 'wasm', WORKERS[0]))).toContain('importScripts of a blob: URL');
  });

  test('the patched output has no new Function, no eval( and no blob: workers', () => {
    const out = mkdtempSync(join(tmpdir(), 'backdrop-tflite-'));
    const files = patchTflite({ outDir: out });
    expect(files.map((f) => f.relativeDest).sort()).toEqual([
      'tflite/tflite_web_api_cc_simd.js', 'tflite/tflite_web_api_cc_simd.wasm',
      'tflite/tflite_web_api_cc_simd_threaded.js', 'tflite/tflite_web_api_cc_simd_threaded.wasm',
      'tflite/tflite_web_api_cc_simd_threaded.worker.js',
    ]);
    const texts = files.filter((f) => f.absoluteSrc.endsWith('.js')).map((f) => read(f.absoluteSrc));
    for (const text of texts) {
      expect(cspProblems(text)).toEqual([]);
      expect(text).not.toMatch(/new Function|[^\w$.]eval\(/);
    }
    // The threaded glue still starts its workers, now from the packaged worker script next to it.
    const threaded = read(out, 'public', `${BUILDS[1]}.js`);
    expect(threaded).toContain(`locateFile("${WORKERS[0]}")`);
    expect(threaded).toContain('new Worker(pthreadMainJs)');
    // The patched scripts still parse.
    for (const f of files.filter((f) => f.absoluteSrc.endsWith('.js'))) expect(() => new Function(read(f.absoluteSrc))).not.toThrow();
  });

  test('the closures do what the generated code did', () => {
    // Evaluate the patched embind helpers in isolation with stubbed wire types.
    const src = patchGlue(glue(BUILDS[0]));
    const pick = (start: string, end: string) => src.slice(src.indexOf(start), src.indexOf(end, src.indexOf(start)));
    const helpers = [
      pick('function makeLegalFunctionName(', 'function createNamedFunction('),
      pick('function createNamedFunction(', 'function extendError('),
      pick('function craftInvokerFunction(', 'function heap32VectorToArray('),
    ].join('\n');
    const make = new Function('throwBindingError', 'runDestructors', `var char_0=48,char_9=57;${helpers};return craftInvokerFunction;`);
    const errors: string[] = [];
    const craft = make((m: string) => { errors.push(m); throw new Error(m); }, (d: unknown[]) => d.splice(0));
    const int = { name: 'int', toWireType: (_d: unknown, v: number) => v * 10, fromWireType: (v: number) => v + 1, destructorFunction: null };
    const freed: number[] = [];
    const str = { name: 'str', toWireType: (_d: unknown, v: string) => v.length, destructorFunction: (p: number) => freed.push(p) };
    const self = { name: 'Self', toWireType: (_d: unknown, o: { ptr: number }) => o.ptr, destructorFunction: null };
    const calls: unknown[][] = [];
    const invoker = (...args: unknown[]) => { calls.push(args); return 5; };
    const method = craft('Self.m', [int, self, int, str], {}, invoker, 'target');
    expect(method.name).toBe('Self$m');
    expect(method.call({ ptr: 7 }, 2, 'abc')).toBe(6);
    expect(calls[0]).toEqual(['target', 7, 20, 3]);
    expect(freed).toEqual([3]);
    expect(() => method.call({ ptr: 7 }, 2)).toThrow(/called with 1 arguments, expected 2/);
    const free = craft('f', [{ name: 'void' }, null, int], null, invoker, 'fn');
    expect(free(4)).toBeUndefined();
    expect(calls[1]).toEqual(['fn', 40]);
  });

  test('fails loudly on input it was not written for', () => {
    expect(() => patchGlue('var x = 1;')).toThrow(PatchError);
    expect(() => patchGlue(glue(BUILDS[0]).replace('craftInvokerFunction(humanName,argTypes', 'craftInvokerFunction(name,argTypes'))).toThrow(/craftInvokerFunction/);
    expect(() => patchGlue(glue(BUILDS[0]).replace('new_(Function,params)', 'new_(Function, params)'))).toThrow(/__emval_get_method_caller/);
    expect(() => patchWorker('self.onmessage = () => {}')).toThrow(/blob import/);
    expect(() => replaceOnce('a a', 'a', 'b', 'twice')).toThrow(/more than once/);
    // Already patched input is not the input the patch expects either.
    expect(() => patchGlue(patchGlue(glue(BUILDS[0])))).toThrow(PatchError);
  });
});
