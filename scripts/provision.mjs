#!/usr/bin/env node
// Provisions public/models/*.tflite, public/styles/*.jpg and public/welcome/sample.jpg: copied from a local folder when present
// ($BACKDROP_ASSETS, else ../shared next to the project), otherwise downloaded from the official URLs.
// Every file must match its pinned sha256, or provisioning fails naming the file.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MODELS, WELCOME, styleUrl } from './assets.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');

export class ProvisionError extends Error {}

const sha256 = (buf) => createHash('sha256').update(buf).digest('hex');

export async function styleList() {
  const text = await readFile(join(here, 'styles.sha256'), 'utf8');
  return text.trim().split('\n').map((line) => {
    const [hash, name] = line.trim().split(/\s+/);
    return { name, sha256: hash, url: styleUrl(name) };
  });
}

/**
 * Ensures every asset is at `${dest}/${kind}/${name}` with the right sha256.
 * @param {{ dest: string, localDir?: string, fetchImpl?: typeof fetch, log?: (s: string) => void }} opts
 */
export async function provision({ dest, localDir, fetchImpl = fetch, log = () => {} }) {
  const groups = [
    ['models', MODELS],
    ['styles', await styleList()],
    ['welcome', WELCOME],
  ];
  const total = { copied: 0, downloaded: 0, kept: 0 };
  for (const [kind, files] of groups) {
    const r = await provisionFiles({ dest, kind, files, localDir, fetchImpl, log });
    for (const k of Object.keys(total)) total[k] += r[k];
  }
  return total;
}

/**
 * One group of assets into `${dest}/${kind}/`: each file kept when its sha256 is right already, else
 * copied from `${localDir}/${file.local ?? `${kind}/${file.name}`}`, else downloaded from `file.url`.
 * @param {{ dest: string, kind: string, files: { name: string, sha256: string, url: string, local?: string }[],
 *   localDir?: string, fetchImpl?: typeof fetch, log?: (s: string) => void }} opts
 */
export async function provisionFiles({ dest, kind, files, localDir, fetchImpl = fetch, log = () => {} }) {
  let copied = 0, downloaded = 0, kept = 0;
  await mkdir(join(dest, kind), { recursive: true });
  for (const file of files) {
    const target = join(dest, kind, file.name);
    if (existsSync(target) && sha256(await readFile(target)) === file.sha256) { kept++; continue; }
    let bytes, from;
    const local = localDir && join(localDir, file.local ?? join(kind, file.name));
    if (local && existsSync(local)) {
      bytes = await readFile(local);
      from = local;
      copied++;
    } else {
      from = file.url;
      let res;
      try {
        res = await fetchImpl(file.url);
      } catch (e) {
        throw new ProvisionError(`${file.name}: not found locally${local ? ` (${local})` : ''} and the download from ${file.url} failed: ${e.message}`);
      }
      if (!res.ok) throw new ProvisionError(`${file.name}: download from ${file.url} failed with HTTP ${res.status}`);
      bytes = Buffer.from(await res.arrayBuffer());
      downloaded++;
    }
    const got = sha256(bytes);
    if (got !== file.sha256) {
      throw new ProvisionError(`${file.name}: sha256 mismatch (from ${from}): expected ${file.sha256}, got ${got}`);
    }
    await writeFile(`${target}.part`, bytes);
    await rename(`${target}.part`, target);
    log(`  ${kind}/${file.name} <- ${from}`);
  }
  return { copied, downloaded, kept };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const localDir = process.env.BACKDROP_ASSETS ? resolve(process.env.BACKDROP_ASSETS) : resolve(root, '../shared');
  try {
    const r = await provision({ dest: join(root, 'public'), localDir, log: console.log });
    console.log(`backdrop: assets ready in public/ (${r.copied} copied from ${localDir}, ${r.downloaded} downloaded, ${r.kept} already there)`);
  } catch (e) {
    console.error(`backdrop: provisioning failed: ${e.message}`);
    process.exit(1);
  }
}
