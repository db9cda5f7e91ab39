// @vitest-environment node
// Node's own Blob survives IndexedDB's structured clone (happy-dom's does not, unlike a browser's).
import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, test } from 'vitest';
import { parseExport, reusableBottleneck, type StyleRecord, EXPORT_FORMAT } from '../../src/library/record';
import { paintBottleneck, weightedSum } from '../../src/inference/style';
import { deleteStyle, exportLibrary, getStyle, importStyles, listStyles, putStyle, renameStyle, resetConnection, db, DB_NAME } from '../../src/library/store';

const SHA = 'a'.repeat(64);
const b = (v: number) => Array.from({ length: 100 }, (_, i) => v + i / 1000);
const record = (id: string, over: Partial<StyleRecord> = {}): StyleRecord => ({
  id, name: `Style ${id}`, origin: { kind: 'url', url: 'https://example.com/s.jpg' },
  thumbnail: new Blob([new Uint8Array([1, 2, 3])], { type: 'image/jpeg' }),
  bottleneck: b(1), modelSha256: SHA, createdAt: 1, lastUsedAt: 1, ...over,
});

beforeEach(async () => {
  (await db()).close();
  resetConnection();
  await new Promise<void>((resolve) => {
    const req = indexedDB.deleteDatabase(DB_NAME);
    req.onsuccess = req.onerror = req.onblocked = () => resolve();
  });
});

describe('style library store (IndexedDB)', () => {
  test('round-trip: put, get, list, rename, delete', async () => {
    await putStyle(record('user:1'));
    await putStyle(record('user:2', { createdAt: 0 }));
    const got = await getStyle('user:1');
    expect(got?.bottleneck).toEqual(b(1));
    expect(got?.thumbnail).toBeInstanceOf(Blob);
    expect((await listStyles()).styles.map((s) => s.id)).toEqual(['user:2', 'user:1']);
    await renameStyle('user:1', '  Blue period ');
    expect((await getStyle('user:1'))?.name).toBe('Blue period');
    await deleteStyle('user:2');
    expect((await listStyles()).styles.map((s) => s.id)).toEqual(['user:1']);
  });

  test('a damaged record is skipped and reported, never a crash', async () => {
    await putStyle(record('user:ok'));
    await putStyle({ ...record('user:bad'), bottleneck: [1, 2, 3] });
    await putStyle({ ...record('user:nan'), bottleneck: b(NaN) });
    const { styles, damaged } = await listStyles();
    expect(styles.map((s) => s.id)).toEqual(['user:ok']);
    expect(damaged.map((d) => d.id).sort()).toEqual(['user:bad', 'user:nan']);
    expect(damaged[0].problem).toMatch(/bottleneck/);
    expect(await getStyle('user:bad')).toBeUndefined();
  });

  test('export then import merges by id', async () => {
    await putStyle(record('user:1'));
    const file = JSON.parse(JSON.stringify(await exportLibrary()));
    expect(file.format).toBe(EXPORT_FORMAT);
    expect(file.styles[0].thumbnail).toMatch(/^data:image\/jpeg;base64,/);
    await deleteStyle('user:1');
    await putStyle(record('user:2', { name: 'kept' }));
    file.styles[0].name = 'imported';
    const parsed = parseExport(file);
    expect(parsed.ok).toBe(true);
    expect(await importStyles(parsed.ok ? parsed.styles : [])).toBe(1);
    const { styles } = await listStyles();
    expect(styles.map((s) => [s.id, s.name]).sort()).toEqual([['user:1', 'imported'], ['user:2', 'kept']]);
    expect(new Uint8Array(await (await getStyle('user:1'))!.thumbnail.arrayBuffer())).toEqual(new Uint8Array([1, 2, 3]));
  });
});

describe('model-hash invalidation', () => {
  test('a bottleneck from the installed model is reused; from another model it is not', () => {
    expect(Array.from(reusableBottleneck(record('x'), SHA)!)).toEqual(b(1).map((v) => Math.fround(v)));
    expect(reusableBottleneck(record('x'), 'b'.repeat(64))).toBeUndefined();
    expect(reusableBottleneck(undefined, SHA)).toBeUndefined();
  });
});

describe('bottleneck maths', () => {
  const style = new Float32Array(100).fill(2);
  const content = new Float32Array(100).fill(-1);
  const other = new Float32Array(100).fill(10);
  test('strength: b = s·b_style + (1−s)·b_content', () => {
    expect(paintBottleneck(style, { strength: 1, content })[0]).toBe(2);
    expect(paintBottleneck(style, { strength: 0, content })[0]).toBe(-1);
    expect(paintBottleneck(style, { strength: 0.2, content })[0]).toBeCloseTo(0.2 * 2 + 0.8 * -1, 6);
    expect(paintBottleneck(style, { strength: 7, content })[0]).toBe(2); // clamped
  });
  test('mix: ratio is the first style’s share, then strength applies to the mix', () => {
    expect(paintBottleneck(style, { mix: other, mixRatio: 0.25 })[0]).toBeCloseTo(0.25 * 2 + 0.75 * 10, 6);
    const mixed = 0.5 * 2 + 0.5 * 10;
    expect(paintBottleneck(style, { mix: other, mixRatio: 0.5, strength: 0.5, content })[0]).toBeCloseTo(0.5 * mixed + 0.5 * -1, 6);
  });
  test('weighted sum', () => {
    expect(weightedSum([{ b: style, w: 1 }, { b: other, w: -0.5 }])[99]).toBe(-3);
  });
});

describe('import validation rejects the whole file, naming what is wrong', () => {
  const good = () => ({ format: EXPORT_FORMAT, version: 1, styles: [{ ...record('user:1'), thumbnail: 'data:image/jpeg;base64,AQID' }] });
  test('a good file passes', () => expect(parseExport(good()).ok).toBe(true));
  test.each([
    [() => [], /not a JSON object/],
    [() => ({ ...good(), format: 'zip' }), /not a Backdrop style library/],
    [() => ({ ...good(), version: 9 }), /version 9/],
    [() => ({ ...good(), styles: 'x' }), /no "styles" list/],
    [() => { const g = good(); (g.styles[0] as any).bottleneck = [1]; return g; }, /Style #1: bottleneck/],
    [() => { const g = good(); (g.styles[0] as any).thumbnail = 'https://x'; return g; }, /Style #1: thumbnail/],
    [() => { const g = good(); g.styles.push({ ...g.styles[0] }); return g; }, /Style #2: duplicate id/],
    [() => { const g = good(); (g.styles[0] as any).origin = { kind: 'ftp' }; return g; }, /origin.kind/],
  ])('%#', (make, error) => {
    const r = parseExport(make());
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error).toMatch(error);
  });
});
