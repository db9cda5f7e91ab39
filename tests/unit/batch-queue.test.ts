import { describe, expect, test } from 'vitest';
import {
  addImages, badgeText, cancel, claimNext, dropItem, emptyBatch, finish, isWorking, MAX_RETRIES, progress, queuedInOrder,
  requeueWorking, retryLost, type TabBatch,
} from '../../src/background/batch-queue';
import { parseFoundImages } from '../../src/messaging/batch';
import { parsePopupMessage } from '../../src/messaging/validate';

const u = (n: string) => `https://a.test/${n}.jpg`;
const batchOf = (...found: [string, boolean][]) => addImages(emptyBatch(7, 0), found.map(([n, visible]) => ({ url: u(n), visible })));
const order = (b: TabBatch) => queuedInOrder(b).map((i) => i.url.slice(15, -4));

/** Claims until the queue is empty, finishing each; returns the run order. */
function drain(b: TabBatch): string[] {
  const ran: string[] = [];
  for (;;) {
    const { batch, item } = claimNext(b);
    if (!item) return ran;
    ran.push(item.url.slice(15, -4));
    b = finish(batch, item.url, { ok: true });
  }
}

describe('batch queue', () => {
  test('viewport first, then document order', () => {
    const b = batchOf(['top', true], ['below1', false], ['side', true], ['below2', false]);
    expect(order(b)).toEqual(['top', 'side', 'below1', 'below2']);
    expect(drain(b)).toEqual(['top', 'side', 'below1', 'below2']);
  });

  test('the same URL is queued once', () => {
    const b = addImages(batchOf(['a', true], ['a', false]), [{ url: u('a'), visible: true }]);
    expect(b.items.map((i) => i.url)).toEqual([u('a')]);
  });

  test('images added later run after the ones already queued, a visible one before those below the fold', () => {
    let b = batchOf(['v1', true], ['b1', false], ['b2', false]);
    const first = claimNext(b);
    b = finish(first.batch, first.item!.url, { ok: true });
    b = addImages(b, [{ url: u('late-below'), visible: false }, { url: u('late-visible'), visible: true }]);
    expect(drain(b)).toEqual(['late-visible', 'b1', 'b2', 'late-below']);
  });

  test('claiming marks one item working; outcomes count once, and only for working items', () => {
    const b0 = batchOf(['a', true], ['b', true]);
    const { batch, item } = claimNext(b0);
    expect(item?.url).toBe(u('a'));
    expect(isWorking(batch, u('a'))).toBe(true);
    expect(progress(batch)).toEqual({ total: 2, done: 0, failed: 0, queued: 1, working: 1 });
    const failed = finish(batch, u('a'), { ok: false, error: 'Image not found (HTTP 404).' });
    expect(failed.items[0]).toMatchObject({ state: 'error', error: 'Image not found (HTTP 404).' });
    expect(finish(failed, u('a'), { ok: true })).toEqual(failed);
    expect(finish(failed, u('b'), { ok: true })).toEqual(failed); // b is queued, not working
    expect(badgeText(progress(failed))).toBe('1/2');
  });

  test('cancel: batch mode off, queued and working items gone, finished ones kept; nothing more is claimed', () => {
    let b = batchOf(['a', true], ['b', true], ['c', false]);
    const one = claimNext(b);
    b = finish(one.batch, u('a'), { ok: true });
    b = claimNext(b).batch; // b working
    const c = cancel(b);
    expect(c.active).toBe(false);
    expect(c.items.map((i) => [i.url, i.state])).toEqual([[u('a'), 'done']]);
    expect(claimNext(c).item).toBeUndefined();
    // A result that arrives for the cancelled item changes nothing.
    expect(finish(c, u('b'), { ok: true })).toEqual(c);
    expect(badgeText(progress(c))).toBe('1/1');
  });

  test('after a worker restart, working items run again first', () => {
    let b = batchOf(['a', false], ['b', false], ['c', false]);
    b = claimNext(b).batch;
    b = claimNext(b).batch; // a and b working in the stopped worker
    const resumed = requeueWorking(b);
    expect(progress(resumed)).toMatchObject({ queued: 3, working: 0 });
    expect(drain(resumed)).toEqual(['a', 'b', 'c']);
    expect(requeueWorking(resumed)).toBe(resumed);
  });

  test('an image that left the page is dropped from the total', () => {
    const b = dropItem(batchOf(['a', true], ['b', true]), u('a'));
    expect(progress(b).total).toBe(1);
    expect(badgeText(progress(emptyBatch(1)))).toBe('');
  });
});

describe('batch messages from page-facing and extension contexts', () => {
  test('found images: only well-formed, queueable entries survive', () => {
    expect(parseFoundImages([
      { url: u('a'), visible: true },
      { url: 'javascript:alert(1)', visible: true },
      { url: u('b'), visible: 'yes' },
      { url: 42, visible: false },
      null,
      { url: u('c'), visible: false, extra: '<script>' },
    ])).toEqual([{ url: u('a'), visible: true }, { url: u('c'), visible: false }]);
    expect(parseFoundImages('nope')).toEqual([]);
  });

  test('popup commands', () => {
    expect(parsePopupMessage({ to: 'background', type: 'batch-start', tabId: 3, extra: 1 })).toEqual({ to: 'background', type: 'batch-start', tabId: 3 });
    expect(parsePopupMessage({ to: 'background', type: 'batch-status', tabId: 0 })).toEqual({ to: 'background', type: 'batch-status', tabId: 0 });
    expect(parsePopupMessage({ to: 'background', type: 'batch-start', tabId: -1 })).toBeUndefined();
    expect(parsePopupMessage({ to: 'background', type: 'batch-start', tabId: '3' })).toBeUndefined();
    expect(parsePopupMessage({ to: 'background', type: 'batch-explode', tabId: 3 })).toBeUndefined();
    expect(parsePopupMessage({ to: 'offscreen', type: 'batch-start', tabId: 3 })).toBeUndefined();
  });
});

describe('a job lost with the offscreen document', () => {
  test('goes back to the front of the queue, a limited number of times, then may fail', () => {
    let b = batchOf(['a', false], ['b', false], ['c', false]);
    let item;
    ({ batch: b, item } = claimNext(b));
    expect(item?.url).toBe(u('a'));
    for (let n = 1; n <= MAX_RETRIES; n++) {
      const r = retryLost(b, u('a'));
      expect(r.retried).toBe(true);
      expect(order(r.batch)[0]).toBe('a'); // ahead of b and c
      ({ batch: b, item } = claimNext(r.batch));
      expect(item).toMatchObject({ url: u('a'), retries: n });
    }
    const last = retryLost(b, u('a'));
    expect(last.retried).toBe(false);
    expect(last.batch).toBe(b);
    expect(progress(finish(b, u('a'), { ok: false, error: 'lost' }))).toMatchObject({ failed: 1, queued: 2 });
  });

  test('is not put back once cancelled (it is not working any more)', () => {
    const { batch } = claimNext(batchOf(['a', true]));
    const cancelled = cancel(batch);
    expect(retryLost(cancelled, u('a'))).toEqual({ batch: cancelled, retried: false });
  });
});

