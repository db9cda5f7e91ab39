import { describe, expect, test } from 'vitest';
import { keepRegion, pickSeed } from '../../src/inference/pick';
import { PERSON } from '../../src/inference/mask';

const HORSE = 13;

/** A w×h label map from rows of characters: '.' background, 'p' person, 'h' horse. */
function labels(rows: string[]) {
  const w = rows[0].length, h = rows.length;
  const out = new Uint8Array(w * h);
  rows.forEach((row, y) => [...row].forEach((c, x) => (out[y * w + x] = c === 'p' ? PERSON : c === 'h' ? HORSE : 0)));
  return { out, w, h };
}

/** Keep-alpha RGBA from rows: '#' 255, '+' 100 (soft), '.' 0. */
function alpha(rows: string[]) {
  const w = rows[0].length, h = rows.length;
  const out = new Uint8ClampedArray(w * h * 4);
  rows.forEach((row, y) => [...row].forEach((c, x) => (out[(y * w + x) * 4 + 3] = c === '#' ? 255 : c === '+' ? 100 : 0)));
  return { out, w, h };
}

const show = (rgba: Uint8ClampedArray, w: number) => {
  const rows: string[] = [];
  for (let i = 0; i < rgba.length / 4; i += w) {
    rows.push([...Array(w)].map((_, x) => { const a = rgba[(i + x) * 4 + 3]; return a === 255 ? '#' : a ? '+' : '.'; }).join(''));
  }
  return rows;
};

describe('pickSeed', () => {
  const map = labels([
    '..........',
    '.pp....hh.',
    '.pp....hh.',
    '..........',
  ]);

  test('the class under the point', () => {
    expect(pickSeed(map.out, map.w, map.h, { x: 0.15, y: 0.4 }, [PERSON, HORSE])).toEqual({ x: 1, y: 1, cls: PERSON });
    expect(pickSeed(map.out, map.w, map.h, { x: 0.75, y: 0.5 }, [PERSON, HORSE])?.cls).toBe(HORSE);
  });

  test('a click just beside an object picks it; one far from every object picks nothing', () => {
    expect(pickSeed(map.out, map.w, map.h, { x: 0.35, y: 0.4 }, [PERSON, HORSE], 0.2)).toEqual({ x: 2, y: 1, cls: PERSON });
    expect(pickSeed(map.out, map.w, map.h, { x: 0.5, y: 0.9 }, [PERSON, HORSE], 0.05)).toBeUndefined();
  });

  test('only the subject classes count', () => {
    expect(pickSeed(map.out, map.w, map.h, { x: 0.75, y: 0.5 }, [PERSON], 0.05)).toBeUndefined();
  });
});

describe('keepRegion', () => {
  test('keeps the region under the point with its soft rim, and clears the others', () => {
    const a = alpha([
      '.+##+...##.',
      '.+##+...##.',
      '..++.......',
    ]);
    expect(keepRegion(a.out, a.w, a.h, { x: 0.25, y: 0.2 })).toBe(true);
    expect(show(a.out, a.w)).toEqual([
      '.+##+......',
      '.+##+......',
      '..++.......',
    ]);
  });

  test('a point on the background next to a region takes it; nothing within reach changes nothing', () => {
    const rows = [
      '..........................',
      '.##.......................',
      '.##.......................',
      '..........................',
    ];
    const a = alpha(rows);
    expect(keepRegion(a.out, a.w, a.h, { x: 4 / 26, y: 0.4 }, 128, 0.2)).toBe(true);
    expect(show(a.out, a.w)).toEqual(rows);
    const b = alpha(rows);
    expect(keepRegion(b.out, b.w, b.h, { x: 0.95, y: 0.9 }, 128, 0.05)).toBe(false);
    expect(show(b.out, b.w)).toEqual(rows);
  });

  test('regions joined only through soft pixels stay apart', () => {
    const a = alpha([
      '##+++##',
      '##+++##',
    ]);
    keepRegion(a.out, a.w, a.h, { x: 0.05, y: 0.5 }, 128, 0.04, 1);
    expect(show(a.out, a.w)).toEqual([
      '##+....',
      '##+....',
    ]);
  });
});
