import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { vi } from 'vitest';
import { ROOT } from './paths';

/**
 * Stubs `fetch` to serve the official model files of public/models by their file name (whatever the
 * folder in the URL): ModelSet fetches the bytes of every file it rewrites (the segmentation file at
 * every size, a transfer file at sizes other than its own) even where the runtime is a fake.
 * Undo with `vi.unstubAllGlobals()`.
 */
export function serveModelFiles() {
  const cache = new Map<string, Uint8Array>();
  vi.stubGlobal('fetch', async (url: string | URL) => {
    const name = basename(String(url));
    let bytes = cache.get(name);
    if (!bytes) cache.set(name, (bytes = new Uint8Array(readFileSync(join(ROOT, 'public/models', name)))));
    return new Response(bytes.slice());
  });
}
