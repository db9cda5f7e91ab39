#!/usr/bin/env node
// `npm run setup`, first step: what npm cannot install, checked (and installed where the machine allows) before
// any long work. Node 20+, the shared test fixtures, and the test browsers (BROWSERS in check-test-prereqs.mjs):
// a missing browser is installed from the distribution's packages (`apt-get update`, `apt-get install -y …`) on
// Debian/Ubuntu as root or with passwordless sudo, saying so; otherwise setup stops with one message naming the
// exact command to run. Then package.json's `setup` goes on: npm install (models), build, the test check.
// Plain Node built-ins only: it runs before `npm install` has.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, readFileSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { aptCommand, browserProblem, fixturesProblem, nodeProblem, probeBrowser, testPaths } from './check-test-prereqs.mjs';

export class SetupStop extends Error {}

/** `ID` and `ID_LIKE` of /etc/os-release. */
export function osIds(osRelease) {
  const ids = [];
  for (const line of (osRelease ?? '').split('\n')) {
    const m = /^(ID|ID_LIKE)=(.*)$/.exec(line.trim());
    if (m) ids.push(...m[2].replace(/["']/g, '').split(/\s+/).filter(Boolean));
  }
  return ids;
}

/**
 * How to install `pkgs` here: `{ sudo: '' | 'sudo ', argvs }`, or `{ cannot: why, command }` with the command a
 * person has to run instead. `probes`: { platform, osRelease, uid, hasCommand(name), sudoWithoutPassword() }.
 */
export function planInstall(pkgs, probes) {
  const ids = osIds(probes.osRelease);
  const debian = probes.platform === 'linux' && ids.some((id) => id === 'debian' || id === 'ubuntu');
  const sudoCommand = aptCommand(pkgs, probes.uid === 0 ? '' : 'sudo ');
  if (!debian) {
    const what = probes.platform !== 'linux' ? `this is ${probes.platform}, not Debian/Ubuntu` : `this Linux is not Debian/Ubuntu (ID ${ids.join(' ') || 'unknown'})`;
    return { cannot: `${what}, so setup cannot install Debian's ${pkgs.join(', ')} package${pkgs.length > 1 ? 's' : ''}`, command: null };
  }
  if (!probes.hasCommand('apt-get')) return { cannot: 'apt-get is not on PATH', command: sudoCommand };
  if (probes.uid === 0) return { sudo: '', argvs: aptArgvs(pkgs, []) };
  // sudo resets the environment: `env` carries DEBIAN_FRONTEND through.
  if (probes.hasCommand('sudo') && probes.sudoWithoutPassword()) return { sudo: 'sudo ', argvs: aptArgvs(pkgs, ['sudo', 'env', 'DEBIAN_FRONTEND=noninteractive']) };
  const why = probes.hasCommand('sudo') ? 'you are not root and sudo asks for a password' : 'you are not root and there is no sudo';
  return { cannot: `installing packages needs root: ${why}`, command: probes.hasCommand('sudo') ? sudoCommand : `su -c '${aptCommand(pkgs)}'` };
}

const aptArgvs = (pkgs, prefix) => [
  // Wait for another apt/dpkg run to finish instead of failing on its lock.
  [...prefix, 'apt-get', '-o', 'DPkg::Lock::Timeout=600', 'update'],
  [...prefix, 'apt-get', '-o', 'DPkg::Lock::Timeout=600', 'install', '-y', ...pkgs],
];

/** The message when setup cannot do it itself. */
function cannotMessage(missing, plan) {
  const lines = [
    'backdrop: setup stopped before installing anything.',
    '',
    ...missing.map(({ b, probe }) => `  The end-to-end tests need ${b.name}, and ${probe.detail}.`),
    `  Setup installs ${missing.length > 1 ? 'them' : 'it'} from the distribution's packages, but not here: ${plan.cannot}.`,
    '',
  ];
  if (plan.command) {
    lines.push('  Run this once, then `npm run setup` again:', '', `    ${plan.command}`);
  } else {
    const b = missing[0].b;
    lines.push(`  Install ${missing.map(({ b }) => b.name).join(' and ')} by your system's means, then point setup and the tests at it:`, '',
      `    ${missing.map(({ b }) => `${b.env}=/path/to/${b.pkg}`).join(' ')} npm run setup`,
      '', `  (and keep ${b.env} set for \`npm test\`).`);
  }
  return lines.join('\n');
}

/**
 * The whole first step. Returns normally when everything is present (or has just been installed); throws
 * SetupStop with the message to show otherwise. `run(argv)` runs a command in the foreground, returning its exit code.
 */
export function setupSystem({ env = process.env, probes, probe = probeBrowser, run, log = console.log, nodeVersion = process.versions.node }) {
  for (const p of [nodeProblem(nodeVersion), fixturesProblem(env)]) {
    if (p) throw new SetupStop(`backdrop: setup stopped: ${p.what}: ${p.detail}\n  Fix: ${p.fix}`);
  }

  const missing = [];
  for (const b of testPaths(env).browsers) {
    const r = probe(b.path);
    if (r.ok) { log(`backdrop: ${b.name} present: ${r.version} (${b.path})`); continue; }
    if (b.chosen || !r.missing) {
      const p = browserProblem(b, r);
      throw new SetupStop(`backdrop: setup stopped: ${p.what}: ${p.detail}\n  Fix: ${p.fix}`);
    }
    missing.push({ b, probe: r });
  }
  if (missing.length === 0) return;

  const pkgs = missing.map(({ b }) => b.pkg);
  const plan = planInstall(pkgs, probes);
  if (plan.cannot) throw new SetupStop(cannotMessage(missing, plan));

  log(`backdrop: the end-to-end tests need ${missing.map(({ b }) => `${b.name} (${b.bin})`).join(', ')}, not installed yet:`);
  log(`backdrop: installing Debian's ${pkgs.join(', ')}: ${aptCommand(pkgs, plan.sudo)}`);
  for (const argv of plan.argvs) {
    log(`backdrop: $ ${argv.join(' ')}`);
    const code = run(argv);
    if (code !== 0) {
      throw new SetupStop(`backdrop: setup stopped: \`${argv.join(' ')}\` failed (exit ${code}); its output above says why.\n` +
        `  Fix that, then run \`npm run setup\` again (or install by hand: ${aptCommand(pkgs, plan.sudo)}).`);
    }
  }
  for (const { b } of missing) {
    const r = probe(b.path);
    if (!r.ok) throw new SetupStop(`backdrop: setup stopped: ${b.name}: installed ${b.pkg}, yet ${r.detail}.`);
    log(`backdrop: ${b.name} installed: ${r.version} (${b.path})`);
  }
}

function hasCommand(name, env = process.env) {
  for (const dir of (env.PATH ?? '').split(delimiter).filter(Boolean)) {
    try { accessSync(join(dir, name), constants.X_OK); return true; } catch { /* next */ }
  }
  return false;
}

export const realProbes = (env = process.env) => ({
  platform: process.platform,
  osRelease: (() => { try { return readFileSync('/etc/os-release', 'utf8'); } catch { return null; } })(),
  uid: process.getuid?.(),
  hasCommand: (name) => hasCommand(name, env),
  sudoWithoutPassword: () => spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore', timeout: 10_000 }).status === 0,
});

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    setupSystem({
      probes: realProbes(),
      run: (argv) => {
        const r = spawnSync(argv[0], argv.slice(1), { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
        return r.error ? 127 : r.status ?? 1;
      },
    });
  } catch (e) {
    if (!(e instanceof SetupStop)) throw e;
    console.error(e.message);
    process.exit(1);
  }
}
