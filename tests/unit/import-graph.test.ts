/**
 * src/ stays in shape (scripts/check-imports.mjs): each folder is one context's code or shared,
 * no context imports another's code, and no folders import each other in a circle.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, test } from 'vitest';
import { checkImports } from '../../scripts/check-imports.mjs';

const ROOT = resolve(import.meta.dirname, '../..');

function project(files: Record<string, string>) {
  const root = mkdtempSync(join(tmpdir(), 'backdrop-imports-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

describe('the import graph of src/', () => {
  test('has no folder cycle and no context importing another', () => {
    const { graph, violations } = checkImports(ROOT);
    expect(violations).toEqual([]);
    expect(graph.size).toBeGreaterThan(5); // it did read the tree
  });

  test('a cycle between shared folders is found', () => {
    const root = project({
      'src/library/store.ts': "import { a } from '../inference/models';\nexport const b = a;",
      'src/inference/models.ts': "import type { B } from '../library/store';\nexport const a = 1;",
    });
    expect(checkImports(root).violations).toEqual(['folder cycle: inference ↔ library']);
  });

  test('a context importing another context, or shared code importing a context, is found', () => {
    const root = project({
      'src/background/runner.ts': "export { x } from '../content/batch';",
      'src/content/batch.ts': 'export const x = 1;',
      'src/messaging/batch.ts': "import {\n  x,\n} from '../content/batch';\nconsole.log(x);",
      'src/loose.ts': '',
      'entrypoints/content.ts': "import '../src/background/runner';",
    });
    expect(checkImports(root).violations.sort()).toEqual([
      "entrypoints/content.ts: the content entrypoint wires background/ (../src/background/runner)",
      "src/background/runner.ts: context background/ imports another context's code (../content/batch)",
      'src/loose.ts: files belong in a folder of src/ that says where they run',
      'src/messaging/batch.ts: shared messaging/ imports context code (../content/batch)',
    ]);
  });

  test('imports in comments do not count', () => {
    const root = project({
      'src/messaging/a.ts': "// import { x } from '../content/batch';\n/* import '../content/batch'; */\nexport {};",
    });
    expect(checkImports(root).violations).toEqual([]);
  });
});
