#!/usr/bin/env node
/**
 * `npm run quality [-- --compare <old quality.json>] [--photos <dir>] [--refresh-masks]`: the picture
 * quality of issue 18 (halo, bleed, boundary F, frame strip) of the test build, .output/chrome-mv3-test
 * (BACKDROP_OUT moves it; `npm run build` makes it), on the fixture photos (and those of `--photos`),
 * against reference masks made by ISNet. Writes bench-results/quality/. See docs/benchmark.md.
 *
 * ISNet's weights (@imgly/background-removal-data, AGPL) and onnxruntime-node are never dependencies
 * of the project: the first run installs them into the git-ignored .cache/quality/ from the npm
 * registry (onnxruntime-node without its install script, which would fetch CUDA libraries), and the
 * masks are cached in .cache/quality/masks/.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const cache = join(root, '.cache/quality');
/** Pinned: the reference masks depend on them (tests/quality/reference.ts names the same data package). */
const ORT = { name: 'onnxruntime-node', version: '1.31.1' };
const ISNET = { name: '@imgly/background-removal-data', version: '1.4.5' };

const USAGE = 'usage: npm run quality [-- --compare <old quality.json>] [--photos <dir>] [--refresh-masks]';
const args = process.argv.slice(2);
let compare = '', photos = '', refresh = false;
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  if (a === '--compare' && args[i + 1]) compare = resolve(args[++i]);
  else if (a === '--photos' && args[i + 1]) photos = resolve(args[++i]);
  else if (a === '--refresh-masks') refresh = true;
  else {
    console.error(`${USAGE}   (not understood: ${args.slice(i).join(' ')})`);
    process.exit(2);
  }
}
if (compare && !existsSync(compare)) fail(`no such file: ${compare}`);
if (photos && !existsSync(photos)) fail(`no such folder: ${photos}`);

const out = process.env.BACKDROP_OUT ?? '.output';
if (!existsSync(join(root, out, 'chrome-mv3-test/manifest.json'))) {
  fail(`no test build in ${out}/chrome-mv3-test: run \`${process.env.BACKDROP_OUT ? `BACKDROP_OUT=${out} ` : ''}npm run build\` first`);
}

const version = (pkgJson) => {
  try {
    return JSON.parse(readFileSync(pkgJson, 'utf8')).version;
  } catch {
    return undefined;
  }
};

function run(cmd, cmdArgs, what) {
  console.log(`[quality] ${what}: ${cmd} ${cmdArgs.join(' ')}`);
  const r = spawnSync(cmd, cmdArgs, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) fail(`${what} failed (exit ${r.status ?? r.signal})`);
}

mkdirSync(cache, { recursive: true });
if (version(join(cache, 'node_modules', ORT.name, 'package.json')) !== ORT.version) {
  run('npm', ['install', '--prefix', cache, '--no-save', '--no-package-lock', '--ignore-scripts', '--no-audit', '--no-fund', `${ORT.name}@${ORT.version}`],
    'installing onnxruntime-node into .cache/quality (once)');
}
const isnetDir = join(cache, 'isnet');
if (version(join(isnetDir, 'package/package.json')) !== ISNET.version) {
  // The data package alone, unpacked: installing it would bring onnxruntime-web, which is not needed here.
  rmSync(isnetDir, { recursive: true, force: true });
  mkdirSync(isnetDir, { recursive: true });
  run('npm', ['pack', '--silent', '--pack-destination', isnetDir, `${ISNET.name}@${ISNET.version}`], 'fetching the ISNet weights into .cache/quality (once, ~137 MB)');
  const tgz = `imgly-background-removal-data-${ISNET.version}.tgz`;
  run('tar', ['xzf', join(isnetDir, tgz), '-C', isnetDir], 'unpacking them');
  rmSync(join(isnetDir, tgz));
}

const vitest = resolve(root, 'node_modules/vitest/vitest.mjs');
const r = spawnSync(process.execPath, [vitest, 'run', '--config', 'tests/quality/vitest.config.ts'], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, BACKDROP_QUALITY_COMPARE: compare, BACKDROP_QUALITY_PHOTOS: photos, BACKDROP_QUALITY_REFRESH: refresh ? '1' : '' },
});
process.exit(r.status ?? 1);

function fail(message) {
  console.error(`[quality] ${message}`);
  process.exit(1);
}
