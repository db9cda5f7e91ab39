/** The packed extension's size: the build folder zipped as a store would receive it, and the wasm files it ships. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import type { PackageResult } from './record';

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)]));
}

export function measurePackage(extensionDir: string): PackageResult {
  const all = files(extensionDir);
  const tmp = mkdtempSync(join(tmpdir(), 'backdrop-zip-'));
  try {
    const zip = join(tmp, 'extension.zip');
    execFileSync('zip', ['-r', '-9', '-q', '-X', zip, '.'], { cwd: extensionDir });
    return {
      zipBytes: statSync(zip).size,
      unpackedBytes: all.reduce((n, f) => n + statSync(f).size, 0),
      wasm: all.filter((f) => f.endsWith('.wasm')).map((f) => ({ file: relative(extensionDir, f), bytes: statSync(f).size })),
    };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
