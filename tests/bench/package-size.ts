/** The packed extension's size: the build folder zipped as a store would receive it, and the wasm files it ships. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import type { PackageChoice, PackageResult } from './record';

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)]));
}

/** The folder zipped with `zip -9`, leaving out the files under `without` (path prefixes relative to it). */
function zipped(dir: string, without: string[] = []): { zipBytes: number; unpackedBytes: number } {
  const kept = files(dir).map((f) => relative(dir, f)).filter((f) => !without.some((w) => f.startsWith(w)));
  const tmp = mkdtempSync(join(tmpdir(), 'backdrop-zip-'));
  try {
    const zip = join(tmp, 'extension.zip');
    execFileSync('zip', ['-9', '-q', '-X', zip, '-@'], { cwd: dir, input: kept.join('\n') });
    return { zipBytes: statSync(zip).size, unpackedBytes: kept.reduce((n, f) => n + statSync(join(dir, f)).size, 0) };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

export function measurePackage(extensionDir: string): PackageResult {
  return {
    ...zipped(extensionDir),
    wasm: files(extensionDir).filter((f) => f.endsWith('.wasm')).map((f) => ({ file: relative(extensionDir, f), bytes: statSync(f).size })),
  };
}

/**
 * The package without some of its files: what the runtime's share of it is. A choice whose files are not
 * in the build is skipped. (Issue 17 weighed two runtimes and their builds with more choices: see
 * docs/benchmark.md, "Runtimes".)
 */
export const PACKAGE_CHOICES: { label: string; without: string[] }[] = [
  { label: 'as built', without: [] },
  { label: 'no runtime (the rest of the extension)', without: ['litert/'] },
];

export function measurePackageChoices(extensionDir: string, choices = PACKAGE_CHOICES): PackageChoice[] {
  const all = files(extensionDir).map((f) => relative(extensionDir, f));
  return choices
    .filter((c) => c.without.every((w) => all.some((f) => f.startsWith(w))))
    .map((c) => ({ ...c, ...zipped(extensionDir, c.without) }));
}
