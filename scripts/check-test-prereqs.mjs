#!/usr/bin/env node
// What `npm test` needs before it starts, checked in a fraction of a second: Node, the installed packages, the
// built extension (both builds, production and test, with their models), the test browsers and the shared
// fixtures. When something is missing it prints what, and the one command that fixes it, and exits 1 — instead of
// a stack trace from deep inside a browser launcher. Run first by `npm test` and `npm run test:e2e`, as the e2e project's vitest globalSetup, and
// at the end of `npm run setup`. Plain Node built-ins only: it must run before `npm install` has.
// `scripts/setup.mjs` uses the same lists to install what it can.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MODELS, WELCOME } from './assets.mjs';

const here = dirname(fileURLToPath(import.meta.url));
export const ROOT = resolve(here, '..');

/** package.json's `engines.node`. */
export const NODE_MAJOR = 20;

/**
 * The browsers the end-to-end tests drive (each runs the whole suite): Debian's package, the binary it installs, and
 * the environment variable that selects another binary.
 */
export const BROWSERS = [
  { name: 'Chromium', pkg: 'chromium', bin: '/usr/bin/chromium', env: 'CHROMIUM_PATH' },
  { name: 'Firefox ESR', pkg: 'firefox-esr', bin: '/usr/bin/firefox-esr', env: 'FIREFOX_PATH' },
];

/** Where the tests look for things (tests/support/paths.ts resolves the same, and a unit test holds them equal). */
export function testPaths(env = process.env) {
  const shared = env.BACKDROP_ASSETS ? resolve(env.BACKDROP_ASSETS) : resolve(ROOT, '../shared');
  return {
    shared,
    fixtures: resolve(shared, 'fixtures'),
    styles: resolve(shared, 'styles'),
    // The test build (`npm run build:test`, `wxt build --mode test`): what the e2e tests and the benchmark drive.
    extensionDir: resolve(ROOT, env.BACKDROP_OUT ?? '.output', 'chrome-mv3-test'),
    // The production build (`wxt build`): what a person loads; tests/unit/bundle.test.ts reads it.
    productionDir: resolve(ROOT, env.BACKDROP_OUT ?? '.output', 'chrome-mv3'),
    // The same two for Firefox (`wxt build -b firefox`), which the e2e-firefox project drives.
    firefoxExtensionDir: resolve(ROOT, env.BACKDROP_OUT ?? '.output', 'firefox-mv3-test'),
    firefoxProductionDir: resolve(ROOT, env.BACKDROP_OUT ?? '.output', 'firefox-mv3'),
    browsers: BROWSERS.map((b) => ({ ...b, path: env[b.env] || b.bin, chosen: Boolean(env[b.env]) })),
  };
}

/** The command that installs a browser's package from the distribution, as a person types it. */
export const aptCommand = (pkgs, sudo = '') =>
  `${sudo}apt-get update && ${sudo}apt-get install -y ${pkgs.join(' ')}`;

/** With BACKDROP_OUT set, the fix must build into that folder too. */
const withOut = (env, cmd) => (env.BACKDROP_OUT ? `BACKDROP_OUT=${env.BACKDROP_OUT} ${cmd}` : cmd);

/**
 * Does the browser binary exist and start? `{ ok: true, version }`, or `{ ok: false, missing, detail }`:
 * `missing` when there is no file at all (setup can install it), otherwise it is there but does not run.
 */
export function probeBrowser(path) {
  if (!path || !existsSync(path)) return { ok: false, missing: true, detail: `there is nothing at ${path || '(empty path)'}` };
  if (statSync(path).isDirectory()) return { ok: false, missing: false, detail: `${path} is a folder, not a program` };
  const r = spawnSync(path, ['--version'], { encoding: 'utf8', timeout: 20_000 });
  if (r.error) return { ok: false, missing: false, detail: `${path} does not start (${r.error.code ?? r.error.message})` };
  const version = (r.stdout || '').trim().split('\n')[0];
  if (r.status !== 0) {
    const why = (r.stderr || r.stdout || '').trim().split('\n').filter(Boolean).pop();
    return { ok: false, missing: false, detail: `${path} does not start (\`${path} --version\` exited ${r.status}${why ? `: ${why}` : ''})` };
  }
  return { ok: true, version };
}

/** The problem to report for a browser that is not usable (`null` when it is). */
export function browserProblem(b, probe) {
  if (probe.ok) return null;
  if (b.chosen) {
    return {
      what: `${b.name} (${b.env})`,
      detail: `${b.env} is set to ${JSON.stringify(b.path)}, and ${probe.detail}.`,
      fix: `point ${b.env} at a working ${b.name} binary, or unset it to use ${b.bin} (\`npm run setup\` installs it)`,
    };
  }
  if (probe.missing) {
    return {
      what: b.name,
      detail: `the end-to-end tests drive ${b.bin}, and ${probe.detail}.`,
      fix: `npm run setup   (installs Debian's ${b.pkg} package: ${aptCommand([b.pkg])}, as root or with sudo)`,
    };
  }
  return {
    what: b.name,
    detail: `${probe.detail}.`,
    fix: `apt-get install --reinstall -y ${b.pkg}   (as root or with sudo)`,
  };
}

export function nodeProblem(version = process.versions.node) {
  const major = Number(version.split('.')[0]);
  if (major >= NODE_MAJOR) return null;
  return {
    what: 'Node.js',
    detail: `this is Node ${version}; the build and tests need Node ${NODE_MAJOR} or newer (package.json "engines").`,
    fix: `install Node ${NODE_MAJOR}+ (https://nodejs.org/), then run the command again`,
  };
}

export function fixturesProblem(env = process.env) {
  const p = testPaths(env);
  const gone = [p.fixtures, p.styles].filter((d) => !existsSync(d) || readdirSync(d).length === 0);
  if (gone.length === 0) return null;
  const where = env.BACKDROP_ASSETS ? `BACKDROP_ASSETS=${env.BACKDROP_ASSETS}` : `../shared beside the project (BACKDROP_ASSETS is not set)`;
  return {
    what: 'Test fixtures',
    detail: `the end-to-end tests serve the photos and styles of the shared folder, ${where}, and ${gone.join(' and ')} ${gone.length > 1 ? 'are' : 'is'} missing or empty.`,
    fix: 'export BACKDROP_ASSETS=/path/to/shared   (the folder holding fixtures/ and styles/, never committed), then run the command again',
  };
}

/** Everything `npm test` needs, as a list of problems (empty: ready). `probe` is injectable for tests. */
export function findProblems(env = process.env, { probe = probeBrowser, nodeVersion = process.versions.node } = {}) {
  const problems = [];
  const push = (p) => p && problems.push(p);
  push(nodeProblem(nodeVersion));

  const missingModules = ['node_modules/.bin/tsc', 'node_modules/.bin/vitest', 'node_modules/puppeteer-core/package.json']
    .filter((f) => !existsSync(join(ROOT, f)));
  if (missingModules.length) {
    push({ what: 'npm packages', detail: `${missingModules.join(', ')} ${missingModules.length > 1 ? 'are' : 'is'} not installed.`, fix: withOut(env, 'npm run setup') });
  }

  const p = testPaths(env);
  // Third-party files a build copies from public/ (provisioned by `npm install`, never committed).
  const assets = [...MODELS.map((m) => `models/${m.name}`), ...WELCOME.map((w) => `welcome/${w.name}`)];
  const provisioned = assets.every((a) => existsSync(join(ROOT, 'public', a)));
  const rebuild = withOut(env, provisioned ? 'npm run build' : 'npm run setup');
  // `npm run build` makes all four builds: per browser, the production one and the test one (with the debug surface).
  const builds = [
    [p.productionDir, 'the production build'], [p.extensionDir, 'the test build'],
    [p.firefoxProductionDir, 'Firefox\'s production build'], [p.firefoxExtensionDir, 'Firefox\'s test build'],
  ];
  const unbuiltDirs = builds.filter(([dir]) => !existsSync(join(dir, 'manifest.json')));
  if (unbuiltDirs.length) {
    const where = unbuiltDirs.map(([dir, name]) => `${dir} (${name})`).join(' nor in ');
    push({ what: 'The built extension', detail: `there is no manifest.json in ${where}.`, fix: rebuild });
  }
  for (const [dir] of builds.filter((b) => !unbuiltDirs.includes(b))) {
    const unbuilt = assets.filter((a) => !existsSync(join(dir, a)));
    if (unbuilt.length) {
      push({ what: 'The provisioned files in the build', detail: `${dir} lacks ${unbuilt.join(', ')}.`, fix: rebuild });
    }
  }

  for (const b of p.browsers) push(browserProblem(b, probe(b.path)));
  push(fixturesProblem(env));
  return problems;
}

/** The message a person reads. */
export function describeProblems(problems, what = 'npm test') {
  const lines = [`backdrop: ${what} cannot run yet — ${problems.length === 1 ? 'one prerequisite is' : `${problems.length} prerequisites are`} missing:`];
  for (const p of problems) lines.push('', `  ✗ ${p.what}: ${p.detail}`, `    Fix: ${p.fix}`);
  return lines.join('\n');
}

/** Vitest globalSetup for the e2e project: stop before any browser is launched. */
export function setup() {
  const problems = findProblems();
  if (problems.length) {
    const message = describeProblems(problems, 'the end-to-end tests');
    console.error(`\n${message}\n`);
    const err = new Error('test prerequisites missing (see above)');
    err.stack = err.message;
    throw err;
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const probes = new Map();
  const probe = (path) => probes.get(path) ?? probes.set(path, probeBrowser(path)).get(path);
  const problems = findProblems(process.env, { probe });
  if (problems.length) {
    console.error(describeProblems(problems));
    process.exit(1);
  }
  const p = testPaths();
  const browsers = p.browsers.map((b) => `${probe(b.path).version} (${b.path})`).join(', ');
  console.log(`backdrop: test prerequisites present: ${browsers}; builds ${p.productionDir}, ${p.extensionDir}, ${p.firefoxProductionDir} and ${p.firefoxExtensionDir}; fixtures ${p.fixtures}`);
}
