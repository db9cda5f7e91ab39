import { describe, expect, test } from 'vitest';
import { PacedRelease, type Registry } from '../../src/content/release';

/** A FinalizationRegistry whose collections the test performs. */
function fakeGc() {
  const dying: { item: object; bytes: number }[] = [];
  let collected: (bytes: number) => void = () => {};
  const make = (cb: (bytes: number) => void): Registry => {
    collected = cb;
    return { register: (item: object, bytes: number) => void dying.push({ item, bytes }) };
  };
  return {
    make,
    /** The objects let go and not collected yet. */
    get dying() {
      return dying.map((d) => d.item);
    },
    /** A collection: everything let go dies, and the registry reports each. */
    collect() {
      for (const { bytes } of dying.splice(0)) collected(bytes);
    },
  };
}

const items = (n: number) => Array.from({ length: n }, (_, i) => ({ i }));

describe('letting go of results a few megabytes per garbage collection', () => {
  test('one result bigger than the budget goes alone; the next waits for its collection', () => {
    const gc = fakeGc();
    const q = new PacedRelease(16, 1000, gc.make);
    const [a, b, c] = items(3);
    q.release(a, 17);
    q.release(b, 17);
    q.release(c, 17);
    expect(gc.dying).toEqual([a]);
    expect(q.holding).toBe(2);
    gc.collect();
    expect(gc.dying).toEqual([b]);
    gc.collect();
    expect(gc.dying).toEqual([c]);
    gc.collect();
    expect(q.holding).toBe(0);
    q.release(a, 17); // nothing is dying: it goes at once
    expect(gc.dying).toEqual([a]);
  });

  test('small results go together up to the budget, in order', () => {
    const gc = fakeGc();
    const q = new PacedRelease(16, 1000, gc.make);
    const all = items(7);
    for (const item of all) q.release(item, 5);
    expect(gc.dying).toEqual(all.slice(0, 3)); // 15 of 16 bytes
    gc.collect();
    expect(gc.dying).toEqual(all.slice(3, 6));
    gc.collect();
    expect(gc.dying).toEqual(all.slice(6));
  });

  test('past the held limit the oldest go at once, leaving what fits held', () => {
    const gc = fakeGc();
    const q = new PacedRelease(10, 25, gc.make);
    const all = items(5);
    for (const item of all) q.release(item, 10);
    // all[0] went at once; holding 1..4 = 40 bytes > 25, so 1 and 2 go too: 3 and 4 (20 bytes) stay.
    expect(gc.dying).toEqual(all.slice(0, 3));
    expect(q.holding).toBe(2);
    gc.collect();
    expect(gc.dying).toEqual([all[3]]);
    gc.collect();
    expect(gc.dying).toEqual([all[4]]);
  });
});
