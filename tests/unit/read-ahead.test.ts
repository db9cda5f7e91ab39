import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import type { Loaded } from '../../src/inference/pipeline';
import { ReadAhead } from '../../src/offscreen/read-ahead';
import { probe } from '../../src/test-hooks/probe';

/** A loaded image whose bitmap records whether it was closed. */
function fakeLoaded() {
  const bitmap = { closed: false, close() { this.closed = true; } };
  const loaded = { bitmap, type: 'image/jpeg', segmentationInput: new Float32Array(3), content: new Float32Array(3) };
  return { loaded: loaded as unknown as Loaded, bitmap };
}

const settle = () => new Promise((r) => setImmediate(r));

describe('reading a right-clicked image ahead', () => {
  beforeEach(() => { vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] }); });
  afterEach(() => { vi.useRealTimers(); });

  test('the job takes what was read, once; the bitmap is then its own', async () => {
    const r = new ReadAhead(1000);
    const a = fakeLoaded();
    const read = vi.fn(async () => a.loaded);
    r.start('https://x/a.jpg', read);
    r.start('https://x/a.jpg', read); // a second right-click on the same image reads nothing more
    expect(read).toHaveBeenCalledTimes(1);
    expect(r.pending?.key).toBe('https://x/a.jpg');
    expect(r.take('https://x/b.jpg')).toBeUndefined();
    expect(await r.take('https://x/a.jpg')).toBe(a.loaded);
    expect(r.take('https://x/a.jpg')).toBeUndefined();
    vi.advanceTimersByTime(5000);
    await settle();
    expect(a.bitmap.closed).toBe(false);
    expect(probe.readAheadMs).toBeGreaterThanOrEqual(0); // the test build's probe (src/test-hooks/probe.ts)
    expect(probe.readAheadLast).toBe('https://x/a.jpg');
  });

  test('another image replaces it, and its bitmap is closed', async () => {
    const r = new ReadAhead(1000);
    const a = fakeLoaded();
    const b = fakeLoaded();
    r.start('a', async () => a.loaded);
    r.start('b', async () => b.loaded);
    await settle();
    expect(a.bitmap.closed).toBe(true);
    expect(b.bitmap.closed).toBe(false);
    expect(r.take('a')).toBeUndefined();
    expect(await r.take('b')).toBe(b.loaded);
  });

  test('one not taken in time is dropped and closed', async () => {
    const r = new ReadAhead(1000);
    const a = fakeLoaded();
    r.start('a', async () => a.loaded);
    await settle();
    expect(r.pending).toEqual({ key: 'a', ms: expect.any(Number), segmented: false });
    vi.advanceTimersByTime(999);
    expect(r.pending?.key).toBe('a');
    vi.advanceTimersByTime(1);
    await settle();
    expect(r.pending).toBeUndefined();
    expect(a.bitmap.closed).toBe(true);
    expect(r.take('a')).toBeUndefined();
  });

  test('it holds what was read until a job takes it or it is dropped; segmented once logits are set', async () => {
    const r = new ReadAhead(1000);
    const a = fakeLoaded();
    const reading = r.start('a', async () => a.loaded);
    expect(r.start('a', async () => fakeLoaded().loaded)).toBe(reading);
    expect(r.holds('a', a.loaded)).toBe(false); // not read yet
    await settle();
    expect(r.holds('a', a.loaded)).toBe(true);
    expect(r.holds('b', a.loaded)).toBe(false);
    expect(r.holds('a', fakeLoaded().loaded)).toBe(false);
    a.loaded.logits = new Float32Array(21);
    expect(r.pending?.segmented).toBe(true);
    await r.take('a');
    expect(r.holds('a', a.loaded)).toBe(false);
    const b = fakeLoaded();
    r.start('b', async () => b.loaded);
    await settle();
    r.start('c', async () => fakeLoaded().loaded);
    expect(r.holds('b', b.loaded)).toBe(false);
  });

  test('a failed read is dropped, so the job reads the image itself and reports the error', async () => {
    const r = new ReadAhead(1000);
    r.start('a', async () => { throw new Error('404'); });
    await settle();
    expect(r.pending).toBeUndefined();
    expect(r.take('a')).toBeUndefined();
  });
});
