/**
 * Translatable: every string a person reads comes from public/_locales/en/messages.json through
 * src/i18n/t.ts. This reads the sources' syntax trees for the places a person reads text
 * (JSX text and its visible attributes, error messages, overlay text, menu titles) and fails on
 * English held in code; and it keeps messages.json and the code in step both ways.
 */
import { readFileSync } from 'node:fs';
import { execSync } from 'node:child_process';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import en from '../../public/_locales/en/messages.json';

const messages = en as Record<string, { message: string; description?: string }>;

const sources = execSync("git ls-files -co --exclude-standard 'src/*.ts' 'src/*.tsx' 'entrypoints/*.ts' 'entrypoints/*.tsx'", { encoding: 'utf8' })
  .trim().split('\n').filter((f) => !f.startsWith('src/test-hooks/') && !f.startsWith('entrypoints/test-bridge/'));

const parse = (file: string, text = readFileSync(file, 'utf8')) =>
  ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, file.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS);

/** Attributes and properties whose text a person reads or hears. */
const VISIBLE_ATTRS = new Set(['title', 'aria-label', 'aria-description', 'aria-valuetext', 'placeholder', 'alt', 'label']);
const VISIBLE_PROPS = new Set(['message', 'error', 'title', 'text', 'textContent', 'innerText', 'ariaLabel', 'alt', 'placeholder', 'label']);
/** Folders whose thrown Errors end up on the image or in the popup, word for word. */
const SHOWN_ERRORS = /^(src\/(content|view|ui|library)|entrypoints)\//;
/** A sentence (capitalised, three words or more, closed by punctuation): prose wherever it is. */
const sentence = (text: string) => /^[A-Z“‘"][^]*\S\s+\S+\s+\S[^]*[.…!?:]$/.test(text.trim());

/** The literal text of a string or template (its fixed parts), or undefined for anything else. */
function literal(node: ts.Node | undefined): string | undefined {
  if (!node) return undefined;
  if (ts.isParenthesizedExpression(node) || ts.isAsExpression(node)) return literal(node.expression);
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
  if (ts.isTemplateExpression(node)) return node.head.text + node.templateSpans.map((s) => s.literal.text).join(' ');
  if (ts.isConditionalExpression(node)) return [literal(node.whenTrue), literal(node.whenFalse)].filter(Boolean).join(' ') || undefined;
  if (ts.isBinaryExpression(node) && [ts.SyntaxKind.PlusToken, ts.SyntaxKind.QuestionQuestionToken, ts.SyntaxKind.BarBarToken].includes(node.operatorToken.kind)) return [literal(node.left), literal(node.right)].filter(Boolean).join(' ') || undefined;
  return undefined;
}
const english = (text: string | undefined) => text !== undefined && /[A-Za-z]{2,}/.test(text);

/** English in code that no person reads, each with why. */
const NOT_SHOWN: [file: string, text: string, why: string][] = [
  ['src/background/offscreen.ts', 'Runs the segmentation', 'the offscreen document\'s justification, for Chrome, never shown'],
  ['src/content/page-bytes.ts', 'a blob: URL of another origin', 'a refusal the caller turns into its own translated message'],
];

/** Every place in `file` where English a person reads is written in code. */
function hardCoded(file: string, text?: string): string[] {
  const found: string[] = [];
  const at = (node: ts.Node, text: string) => {
    if (NOT_SHOWN.some(([f, t]) => f === file && text.startsWith(t))) return;
    const { line } = node.getSourceFile().getLineAndCharacterOfPosition(node.getStart());
    const where = `${file}:${line + 1}`;
    if (found.some((f) => f.startsWith(`${where} `))) return;
    found.push(`${where} ${JSON.stringify(text.trim().slice(0, 60))}`);
  };
  const visit = (node: ts.Node): void => {
    // Developers' errors and logs (a model graph it cannot rewrite…) stay English, except where
    // their text is what the person is shown.
    if ((ts.isNewExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'Error' && !SHOWN_ERRORS.test(file))
      || (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && node.expression.expression.getText() === 'console')) return;
    if (ts.isNewExpression(node) && ts.isIdentifier(node.expression) && ['JobFailure', 'Error'].includes(node.expression.text)) {
      const text = literal(node.arguments?.[node.expression.text === 'Error' ? 0 : 1]);
      // A JobFailure names its sentence by its messages.json key: the engine has no i18n, the
      // context that shows the error makes the text (src/i18n/errors.ts).
      const key = node.expression.text === 'JobFailure' && text !== undefined && text in messages;
      if (english(text) && !key) return at(node, text!);
    }
    if ((ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node) || ts.isTemplateExpression(node))
      && !ts.isImportDeclaration(node.parent) && !ts.isExportDeclaration(node.parent) && sentence(literal(node)!)) return at(node, literal(node)!);
    if (ts.isJsxText(node) && english(node.text)) at(node, node.text);
    else if (ts.isJsxExpression(node) && (ts.isJsxElement(node.parent) || ts.isJsxFragment(node.parent))) {
      const text = literal(node.expression);
      if (english(text)) at(node, text!);
    } else if (ts.isJsxAttribute(node) && VISIBLE_ATTRS.has(node.name.getText())) {
      const init = node.initializer;
      const text = init && (ts.isStringLiteral(init) ? init.text : ts.isJsxExpression(init) ? literal(init.expression) : undefined);
      if (english(text)) at(node, text!);
    } else if (ts.isPropertyAssignment(node) && VISIBLE_PROPS.has(node.name.getText())) {
      const text = literal(node.initializer);
      if (english(text)) at(node, text!);
    } else if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.EqualsToken
      && ts.isPropertyAccessExpression(node.left) && VISIBLE_PROPS.has(node.left.name.text)) {
      const text = literal(node.right);
      if (english(text)) at(node, text!);
    } else if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && node.expression.name.text === 'setAttribute'
      && VISIBLE_ATTRS.has(literal(node.arguments[0]) ?? '')) {
      const text = literal(node.arguments[1]);
      if (english(text)) at(node, text!);
    }
    ts.forEachChild(node, visit);
  };
  visit(parse(file, text));
  return found;
}

/**
 * Keys passed to t() as literals, __MSG_key__ references, and the keys of errors made as data to be
 * put into words where they are shown: `jobError(code, key, …)` and `new JobFailure(code, key, …)`.
 */
function usedKeys(file: string): string[] {
  const keys: string[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 't') {
      const key = literal(node.arguments[0]);
      if (key !== undefined) keys.push(key);
    }
    if ((ts.isCallExpression(node) || ts.isNewExpression(node)) && ts.isIdentifier(node.expression)
      && ['jobError', 'JobFailure'].includes(node.expression.text)) {
      const key = literal(node.arguments?.[1]);
      if (key !== undefined) keys.push(key);
    }
    if ((ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node))) {
      for (const m of node.text.matchAll(/__MSG_(\w+)__/g)) keys.push(m[1]!);
    }
    ts.forEachChild(node, visit);
  };
  visit(parse(file));
  return keys;
}

describe('translatable strings', () => {
  it('no component, overlay, menu or error holds user-visible English', () => {
    const offenders = sources.flatMap((f) => hardCoded(f));
    expect(offenders, `Move these into public/_locales/en/messages.json and read them with t():\n${offenders.join('\n')}`).toEqual([]);
  });

  it('the scan finds English where it is written in code (so the test above can fail)', () => {
    const src = [
      'const a = <p title="Hello there">x</p>;',
      'const b = <p>Some words</p>;',
      "const e = { code: 'x', message: `Failed: ${w}` };",
      "el.textContent = x ?? 'Done';",
      "const GONE = 'The engine stopped, try again.';",
      "throw new JobFailure('blocked', 'Refused');",
      "const ok = <p title={t('extName')} data-x=\"not read\">{t('extName')} {n}</p>;",
      "throw new Error('A developer error, not shown from here.');",
      "throw new JobFailure('too-small', 'extName', w, h);",
    ].join('\n');
    expect(hardCoded('src/inference/probe.tsx', src).map((f) => f.split(' ')[0])).toEqual([1, 2, 3, 4, 5, 6].map((l) => `src/inference/probe.tsx:${l}`));
  });

  it('every message has text and a description for translators, with $n placeholders only', () => {
    for (const [key, entry] of Object.entries(messages)) {
      expect(key, key).toMatch(/^[A-Za-z0-9_]+$/);
      expect(entry.message.trim(), key).not.toBe('');
      expect(entry.description?.trim(), `${key} needs a description`).toBeTruthy();
      expect(entry.message, key).not.toMatch(/\$[A-Za-z_]/);
    }
  });

  it('every key the code reads exists, and every message is read somewhere', () => {
    const used = new Set([...sources, 'wxt.config.ts'].flatMap(usedKeys));
    expect([...used].filter((k) => !(k in messages)), 'keys missing from messages.json').toEqual([]);
    expect(Object.keys(messages).filter((k) => !used.has(k)), 'messages no code reads').toEqual([]);
  });
});
