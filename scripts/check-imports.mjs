#!/usr/bin/env node
// The shape of src/, checked: each folder is either the code of one context (the place it runs) or
// shared by several, and imports go one way.
//
// - A context folder imports its own files and shared folders, never another context's code: what
//   crosses between contexts is a message (src/messaging), not a function call.
// - A shared folder never imports a context folder.
// - No cycle between folders, shared ones included.
// - Each entrypoint wires its own context only.
//
// Run it directly (`node scripts/check-imports.mjs`, exit 1 on a violation) or through
// tests/unit/import-graph.test.ts, which is how `npm test` runs it.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Folder of src/ → the context its code runs in. Every other folder is shared. */
export const CONTEXTS = {
  background: 'service worker (or Firefox event page)',
  content: 'content script, in web pages',
  offscreen: 'offscreen document (the inference engine)',
  ui: 'popup and welcome page (Preact)',
  view: 'view frame (an opaque result, inside a web page)',
};

/** Entrypoint (under entrypoints/) → the one context folder it may wire. */
export const ENTRYPOINTS = {
  'background.ts': 'background',
  'content.ts': 'content',
  offscreen: 'offscreen',
  popup: 'ui',
  welcome: 'ui',
  view: 'view',
};

const SOURCE = /\.(ts|tsx|mts)$/;
const IMPORT = /(?:^|[\s;])(?:import|export)\s[^'";]*?from\s*['"]([^'"]+)['"]|(?:^|[\s;(])import\s*\(?\s*['"]([^'"]+)['"]/gm;

function files(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...files(path));
    else if (SOURCE.test(name) && !name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

/** Relative import specifiers of a source file (comments dropped first). */
export function importsOf(text) {
  const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
  const out = [];
  for (const m of code.matchAll(IMPORT)) {
    const spec = m[1] ?? m[2];
    if (spec?.startsWith('.')) out.push(spec);
  }
  return out;
}

/** The English messages, whose keys type src/i18n/t.ts and the errors' keys (src/messaging/protocol.ts). */
const isMessages = (root, path) => relative(root, path) === join('public', '_locales', 'en', 'messages.json');

/** The src/ folder a path is in ('' for a file directly in src/, undefined outside src/). */
function folderOf(root, path) {
  const rel = relative(join(root, 'src'), path);
  if (rel.startsWith('..')) return undefined;
  const parts = rel.split(sep);
  return parts.length > 1 ? parts[0] : '';
}

/** Strongly connected components with more than one folder (Tarjan). */
export function cycles(graph) {
  let index = 0;
  const idx = new Map(), low = new Map(), stack = [], on = new Set(), out = [];
  const visit = (v) => {
    idx.set(v, index); low.set(v, index); index++;
    stack.push(v); on.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!idx.has(w)) { visit(w); low.set(v, Math.min(low.get(v), low.get(w))); }
      else if (on.has(w)) low.set(v, Math.min(low.get(v), idx.get(w)));
    }
    if (low.get(v) === idx.get(v)) {
      const scc = [];
      let w;
      do { w = stack.pop(); on.delete(w); scc.push(w); } while (w !== v);
      if (scc.length > 1) out.push(scc.sort());
    }
  };
  for (const v of graph.keys()) if (!idx.has(v)) visit(v);
  return out;
}

/** Checks the project at `root`; returns the folder graph and every violation found. */
export function checkImports(root) {
  const graph = new Map();
  const violations = [];
  const edge = (from, to, file, spec) => {
    if (from === to) return;
    if (!graph.has(from)) graph.set(from, new Set());
    graph.get(from).add(to);
    const fromCtx = from in CONTEXTS, toCtx = to in CONTEXTS;
    if (toCtx && fromCtx) violations.push(`${file}: context ${from}/ imports another context's code (${spec})`);
    else if (toCtx) violations.push(`${file}: shared ${from || 'src'}/ imports context code (${spec})`);
  };
  for (const file of files(join(root, 'src'))) {
    const from = folderOf(root, file);
    if (from === '') violations.push(`${relative(root, file)}: files belong in a folder of src/ that says where they run`);
    for (const spec of importsOf(readFileSync(file, 'utf8'))) {
      const to = folderOf(root, resolve(dirname(file), spec));
      if (to !== undefined) edge(from, to, relative(root, file), spec);
      // The messages (public/_locales/en/messages.json, whose keys type t() and the errors' keys) are
      // data every context may name; anything else outside src/ is not code a context may import.
      else if (!isMessages(root, resolve(dirname(file), spec))) violations.push(`${relative(root, file)}: imports outside src/ (${spec})`);
    }
  }
  for (const [entry, own] of Object.entries(ENTRYPOINTS)) {
    const path = join(root, 'entrypoints', entry);
    let list;
    try { list = statSync(path).isDirectory() ? files(path) : [path]; } catch { continue; }
    for (const file of list) {
      for (const spec of importsOf(readFileSync(file, 'utf8'))) {
        const to = folderOf(root, resolve(dirname(file), spec));
        if (to && to in CONTEXTS && to !== own) {
          violations.push(`${relative(root, file)}: the ${own} entrypoint wires ${to}/ (${spec})`);
        }
      }
    }
  }
  for (const scc of cycles(graph)) violations.push(`folder cycle: ${scc.join(' ↔ ')}`);
  return { graph, violations };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  const { graph, violations } = checkImports(root);
  for (const [from, to] of [...graph].sort()) console.log(`${from.padEnd(12)} → ${[...to].sort().join(', ')}`);
  if (violations.length) {
    console.error(`\n${violations.length} import rule(s) broken:\n  ${violations.join('\n  ')}`);
    process.exit(1);
  }
  console.log('\nsrc/ imports: no folder cycle, no context imports another.');
}
