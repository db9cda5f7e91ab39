/** Types of scripts/patch-tflite.mjs (the CSP patch for @tensorflow/tfjs-tflite; see that file). */
export interface ShippedFile {
  absoluteSrc: string;
  relativeDest: string;
}
export interface PatchPaths {
  packageDir?: string;
  outDir?: string;
}
export const TFLITE_VERSION: string;
export const PACKAGE_DIR: string;
export const OUT_DIR: string;
export const BUILDS: string[];
export const WORKERS: string[];
export class PatchError extends Error {}
export function replaceOnce(text: string, find: string, replacement: string, what: string): string;
export function patchGlue(text: string, file?: string): string;
export function patchWorker(text: string, file?: string): string;
export function cspProblems(text: string): string[];
export function patchTflite(paths?: PatchPaths): ShippedFile[];
export function tfliteAssets(paths?: PatchPaths): ShippedFile[];
