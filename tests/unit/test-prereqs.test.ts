// @vitest-environment node
/**
 * `npm run setup` and `npm test` on a machine that lacks something: the message names what is missing and the one
 * command that fixes it, never a stack trace; setup installs a missing browser only where it can (Debian/Ubuntu,
 * root or passwordless sudo), and otherwise stops before any long work with the exact command to run.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
// @ts-expect-error — a plain .mjs script without types
import { findProblems, describeProblems, testPaths, BROWSERS } from '../../scripts/check-test-prereqs.mjs';
// @ts-expect-error — a plain .mjs script without types
import { setupSystem, planInstall, SetupStop } from '../../scripts/setup.mjs';
import { CHROMIUM, EXTENSION_DIR, FIREFOX, FIXTURES, PRODUCTION_DIR, ROOT, SHARED } from '../support/paths';
import { MODELS, WELCOME } from '../../scripts/assets.mjs';

const CHECK = join(ROOT, 'scripts/check-test-prereqs.mjs');
const SETUP = join(ROOT, 'scripts/setup.mjs');
const NOWHERE = '/nonexistent/backdrop-test/chromium';
const STACK = /\n\s+at .*:\d+/;

/** A stand-in for the shared folder, so these tests do not depend on ../shared. */
const fakeShared = (() => {
  const dir = mkdtempSync(join(tmpdir(), 'backdrop-shared-'));
  for (const sub of ['fixtures', 'styles']) {
    mkdirSync(join(dir, sub));
    writeFileSync(join(dir, sub, 'a.jpg'), 'x');
  }
  return dir;
})();

/** The environment of a child run: ours, minus what selects paths, plus `extra`. */
function childEnv(extra: Record<string, string>) {
  const env = { ...process.env };
  for (const k of ['CHROMIUM_PATH', 'BACKDROP_OUT']) delete env[k];
  return { ...env, BACKDROP_ASSETS: fakeShared, ...extra };
}

const DEBIAN = 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nID=debian\n';
const UBUNTU = 'NAME="Ubuntu"\nID=ubuntu\nID_LIKE=debian\n';
const FEDORA = 'NAME="Fedora Linux"\nID=fedora\n';
const probes = (o: Partial<{ osRelease: string; uid: number; commands: string[]; sudoOk: boolean; platform: string }> = {}) => ({
  platform: o.platform ?? 'linux',
  osRelease: o.osRelease ?? DEBIAN,
  uid: o.uid ?? 0,
  hasCommand: (name: string) => (o.commands ?? ['apt-get', 'sudo']).includes(name),
  sudoWithoutPassword: () => o.sudoOk ?? false,
});
const present = () => ({ ok: true, version: 'Chromium 156.0.8078.114' });
const absent = (path: string) => ({ ok: false, missing: true, detail: `there is nothing at ${path}` });

/** Runs setupSystem with no browser at first; `installs` says whether a run of apt-get makes it appear. */
function setupWith(p: ReturnType<typeof probes>, { installs = true, exit = 0, env = {} as Record<string, string> } = {}) {
  const ran: string[][] = [];
  const logs: string[] = [];
  let installed = false;
  const run = (argv: string[]) => {
    ran.push(argv);
    if (argv.includes('install') && installs && exit === 0) installed = true;
    return exit;
  };
  let error: Error | undefined;
  try {
    // Chromium is the browser missing here; Firefox ESR is present (a test of both missing is below).
    const probe = (path: string) => (installed || path.includes('firefox') ? present() : absent(path));
    setupSystem({ env: childEnv(env), probes: p, probe, run, log: (s: string) => logs.push(s) });
  } catch (e) {
    error = e as Error;
  }
  return { ran, logs: logs.join('\n'), error };
}

describe('npm test: the prerequisite check', () => {
  test('CHROMIUM_PATH pointing nowhere and no build folder: exit 1, naming both and the fixes, no stack trace', () => {
    const out = mkdtempSync(join(tmpdir(), 'backdrop-nobuild-'));
    const r = spawnSync(process.execPath, [CHECK], { encoding: 'utf8', env: childEnv({ CHROMIUM_PATH: NOWHERE, BACKDROP_OUT: out }) });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`CHROMIUM_PATH is set to "${NOWHERE}", and there is nothing at ${NOWHERE}`);
    expect(r.stderr).toContain('Fix: point CHROMIUM_PATH at a working Chromium binary, or unset it to use /usr/bin/chromium');
    expect(r.stderr).toContain(`there is no manifest.json in ${join(out, 'chrome-mv3')} (the production build) nor in ${join(out, 'chrome-mv3-test')} (the test build) nor in ${join(out, 'firefox-mv3')} (Firefox's production build) nor in ${join(out, 'firefox-mv3-test')} (Firefox's test build).`);
    expect(r.stderr).toMatch(new RegExp(`Fix: BACKDROP_OUT=${out} npm run (build|setup)\\n`));
    expect(r.stderr).toMatch(/^backdrop: npm test cannot run yet — 2 prerequisites are missing:/);
    expect(r.stderr).not.toMatch(STACK);
  });

  test('a production build without the test build: the test build is named, and `npm run build` makes it', () => {
    const out = mkdtempSync(join(tmpdir(), 'backdrop-prodonly-'));
    for (const dir of ['chrome-mv3', 'firefox-mv3', 'firefox-mv3-test']) {
      mkdirSync(join(out, dir, 'models'), { recursive: true });
      writeFileSync(join(out, dir, 'manifest.json'), '{}');
      for (const m of MODELS) writeFileSync(join(out, dir, 'models', m.name), 'x');
      mkdirSync(join(out, dir, 'welcome'));
      for (const w of WELCOME) writeFileSync(join(out, dir, 'welcome', w.name), 'x');
    }
    const problems = findProblems(childEnv({ BACKDROP_OUT: out }), { probe: present });
    const message = describeProblems(problems);
    expect(problems.map((p: { what: string }) => p.what)).toEqual(['The built extension']);
    expect(message).toContain(`there is no manifest.json in ${join(out, 'chrome-mv3-test')} (the test build).`);
    expect(message).not.toContain(`${join(out, 'chrome-mv3')} (the production build)`);
    expect(message).toMatch(new RegExp(`Fix: BACKDROP_OUT=${out} npm run (build|setup)$`, 'm'));
  });

  test('a build without the welcome page\'s sample photo (built before it was provisioned) names it', () => {
    const out = mkdtempSync(join(tmpdir(), 'backdrop-nosample-'));
    for (const dir of ['chrome-mv3', 'chrome-mv3-test', 'firefox-mv3', 'firefox-mv3-test']) {
      mkdirSync(join(out, dir, 'models'), { recursive: true });
      writeFileSync(join(out, dir, 'manifest.json'), '{}');
      for (const m of MODELS) writeFileSync(join(out, dir, 'models', m.name), 'x');
    }
    const problems = findProblems(childEnv({ BACKDROP_OUT: out }), { probe: present });
    expect(problems.map((p: { what: string }) => p.what)).toEqual(Array(4).fill('The provisioned files in the build'));
    expect(describeProblems(problems)).toContain(`${join(out, 'chrome-mv3-test')} lacks welcome/sample.jpg.`);
  });

  test('no Chromium at the default path: the fix is `npm run setup`, which installs Debian\'s chromium', () => {
    const problems = findProblems(childEnv({}), { probe: (path: string) => (path === '/usr/bin/chromium' ? absent(path) : present()) });
    const message = describeProblems(problems.filter((p: { what: string }) => p.what === 'Chromium'));
    expect(message).toContain('Chromium: the end-to-end tests drive /usr/bin/chromium, and there is nothing at /usr/bin/chromium.');
    expect(message).toContain("Fix: npm run setup   (installs Debian's chromium package: apt-get update && apt-get install -y chromium, as root or with sudo)");
  });

  test('an old Node is named with the version needed', () => {
    const problems = findProblems(childEnv({}), { probe: present, nodeVersion: '18.19.0' });
    expect(describeProblems(problems)).toContain('Node.js: this is Node 18.19.0; the build and tests need Node 20 or newer');
  });

  test('npm test and npm run setup run the checks first', () => {
    const scripts = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).scripts;
    expect(scripts.test).toMatch(/^node scripts\/check-test-prereqs\.mjs && /);
    expect(scripts['test:e2e']).toMatch(/^node scripts\/check-test-prereqs\.mjs && /);
    expect(scripts.setup).toMatch(/^node scripts\/setup\.mjs && npm install && npm run build/);
    // `npm run build` makes the builds the tests read, for both browsers: production (what a person loads), then the test build.
    expect(scripts.build).toBe('wxt build && wxt build -b firefox && npm run build:test');
    expect(scripts['build:test']).toMatch(/wxt build --mode test && .*wxt build -b firefox --mode test$/);
  });

  test('the check looks where the tests look (tests/support/paths.ts)', () => {
    const p = testPaths(process.env);
    expect([p.shared, p.fixtures, p.extensionDir, p.productionDir, p.browsers[0].path]).toEqual([SHARED, FIXTURES, EXTENSION_DIR, PRODUCTION_DIR, CHROMIUM]);
    expect([p.firefoxExtensionDir, p.firefoxProductionDir, p.browsers[1].path])
      .toEqual([EXTENSION_DIR.replace(/chrome-mv3-test$/, 'firefox-mv3-test'), PRODUCTION_DIR.replace(/chrome-mv3$/, 'firefox-mv3'), FIREFOX]);
    expect(BROWSERS.map((b: { pkg: string }) => b.pkg)).toEqual(['chromium', 'firefox-esr']);
  });
});

describe('npm run setup: the test browsers', () => {
  test('present: nothing is installed, and it says which browser it found', () => {
    const logs: string[] = [];
    const run = () => { throw new Error('must not run anything'); };
    setupSystem({ env: childEnv({}), probes: probes(), probe: present, run, log: (s: string) => logs.push(s) });
    expect(logs.join('\n')).toContain('backdrop: Chromium present: Chromium 156.0.8078.114 (/usr/bin/chromium)');
  });

  test('missing, Debian, root: apt-get update, then apt-get install -y chromium, saying so', () => {
    const { ran, logs, error } = setupWith(probes({ uid: 0 }));
    expect(error).toBeUndefined();
    expect(ran.map((a) => a.join(' '))).toEqual([
      'apt-get -o DPkg::Lock::Timeout=600 update',
      'apt-get -o DPkg::Lock::Timeout=600 install -y chromium',
    ]);
    expect(logs).toContain("backdrop: installing Debian's chromium: apt-get update && apt-get install -y chromium");
    expect(logs).toContain('backdrop: Chromium installed: Chromium 156.0.8078.114 (/usr/bin/chromium)');
  });

  test('missing, Ubuntu, passwordless sudo: the same through sudo', () => {
    const { ran, logs, error } = setupWith(probes({ osRelease: UBUNTU, uid: 1000, sudoOk: true }));
    expect(error).toBeUndefined();
    expect(ran.every((a) => a[0] === 'sudo')).toBe(true);
    expect(ran[1]!.slice(-3)).toEqual(['install', '-y', 'chromium']);
    expect(logs).toContain('sudo apt-get update && sudo apt-get install -y chromium');
  });

  test('missing, not root, sudo wants a password: stops before anything, naming the exact command', () => {
    const { ran, error } = setupWith(probes({ uid: 1000, sudoOk: false }));
    expect(ran).toEqual([]);
    expect(error).toBeInstanceOf(SetupStop);
    expect(error!.message).toBe([
      'backdrop: setup stopped before installing anything.',
      '',
      '  The end-to-end tests need Chromium, and there is nothing at /usr/bin/chromium.',
      "  Setup installs it from the distribution's packages, but not here: installing packages needs root: you are not root and sudo asks for a password.",
      '',
      '  Run this once, then `npm run setup` again:',
      '',
      '    sudo apt-get update && sudo apt-get install -y chromium',
    ].join('\n'));
  });

  test('missing, Debian without apt-get on PATH: stops, naming the command (with sudo unless root)', () => {
    const { ran, error } = setupWith(probes({ commands: ['sudo'], uid: 1000 }));
    expect(ran).toEqual([]);
    expect(error!.message).toContain('but not here: apt-get is not on PATH.');
    expect(error!.message).toContain('    sudo apt-get update && sudo apt-get install -y chromium');
    expect(setupWith(probes({ commands: [], uid: 0 })).error!.message).toMatch(/\n {4}apt-get update && apt-get install -y chromium$/);
  });

  test('missing, not root, no sudo at all: the command runs through su', () => {
    const { error } = setupWith(probes({ commands: ['apt-get'], uid: 1000 }));
    expect(error!.message).toContain('you are not root and there is no sudo.');
    expect(error!.message).toContain("    su -c 'apt-get update && apt-get install -y chromium'");
  });

  test('missing, not Debian/Ubuntu: stops, saying to install it and set CHROMIUM_PATH', () => {
    const { ran, error } = setupWith(probes({ osRelease: FEDORA }));
    expect(ran).toEqual([]);
    expect(error!.message).toContain("this Linux is not Debian/Ubuntu (ID fedora), so setup cannot install Debian's chromium package.");
    expect(error!.message).toContain('    CHROMIUM_PATH=/path/to/chromium npm run setup');
  });

  test('apt-get failing: stops, naming the command that failed', () => {
    const { ran, error } = setupWith(probes(), { exit: 100 });
    expect(ran).toHaveLength(1);
    expect(error!.message).toContain('`apt-get -o DPkg::Lock::Timeout=600 update` failed (exit 100)');
  });

  test('planInstall: a machine with several missing browsers gets one apt-get install', () => {
    const plan = planInstall(['chromium', 'firefox-esr'], probes());
    expect(plan.argvs[1].slice(-4)).toEqual(['install', '-y', 'chromium', 'firefox-esr']);
  });

  test('CHROMIUM_PATH pointing nowhere: the real script stops at once, naming the fix, no stack trace', () => {
    const started = Date.now();
    const r = spawnSync(process.execPath, [SETUP], { encoding: 'utf8', env: childEnv({ CHROMIUM_PATH: NOWHERE }) });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`backdrop: setup stopped: Chromium (CHROMIUM_PATH): CHROMIUM_PATH is set to "${NOWHERE}"`);
    expect(r.stderr).toContain('Fix: point CHROMIUM_PATH at a working Chromium binary, or unset it to use /usr/bin/chromium');
    expect(r.stderr).not.toMatch(STACK);
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
