/**
 * The batch store (src/background/batch-store.ts): a tab's batch in storage.session, read, changed
 * and written as one step. Every step of the runner is such an update, several at once (two images in
 * flight, a scan, a cancel), so two updates of one tab must never both read the same old batch.
 */
import { beforeEach, describe, expect, test, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { addImages, emptyBatch, type TabBatch } from '../../src/background/batch-queue';
import { deferred, withDeadline } from '../support/worker';

let store: typeof import('../../src/background/batch-store');

beforeEach(async () => {
  fakeBrowser.reset();
  vi.restoreAllMocks();
  vi.resetModules(); // no lock left from another test
  store = await import('../../src/background/batch-store');
});

const url = (n: number) => `https://img.example/${n}.jpg`;
const addOne = (tabId: number, n: number) => (b: TabBatch | undefined) => addImages(b ?? emptyBatch(tabId, 0), [{ url: url(n), visible: true }]);
const urls = (b: TabBatch | undefined) => b?.items.map((i) => i.url) ?? [];

describe('batch store', () => {
  test('updates of one tab started together all land, in the order they were asked', async () => {
    const writes = Array.from({ length: 20 }, (_, n) => store.setBatch(7, addOne(7, n)));
    const results = await Promise.all(writes);
    // Each update saw every update before it: the n-th returns n + 1 items.
    expect(results.map((b) => b?.items.length)).toEqual(Array.from({ length: 20 }, (_, n) => n + 1));
    expect(urls(await store.loadBatch(7))).toEqual(Array.from({ length: 20 }, (_, n) => url(n)));
  });

  test('a change that throws fails its own update only; the next one sees the batch as it was', async () => {
    await store.setBatch(7, addOne(7, 0));
    const broken = store.updateBatch(7, () => {
      throw new Error('bug');
    });
    const next = store.setBatch(7, addOne(7, 1));
    await expect(broken).rejects.toThrow('bug');
    expect(urls(await next)).toEqual([url(0), url(1)]);
  });

  test('tabs are independent: a slow update of one tab does not hold up another\'s', async () => {
    const session = fakeBrowser.storage.session;
    const read = session.get.bind(session);
    const held = deferred<void>();
    vi.spyOn(session, 'get').mockImplementation((async (keys: string) => {
      if (keys === 'batch:1') await held.promise;
      return read(keys);
    }) as never);

    const slow = store.setBatch(1, addOne(1, 0));
    const later = store.setBatch(1, addOne(1, 1));
    // Tab 2's update completes while tab 1's first update is still waiting for its read.
    expect(urls(await withDeadline(store.setBatch(2, addOne(2, 5)), 'tab 2\'s update while tab 1\'s waits'))).toEqual([url(5)]);
    held.resolve();
    expect(urls(await slow)).toEqual([url(0)]);
    expect(urls(await later)).toEqual([url(0), url(1)]);
    expect(urls(await store.loadBatch(2))).toEqual([url(5)]);
  });

  test('a change to nothing removes the tab\'s batch; an unchanged batch is not written', async () => {
    await store.setBatch(7, addOne(7, 0));
    const set = vi.spyOn(fakeBrowser.storage.session, 'set');
    expect(await store.updateBatch(7, (b) => ({ batch: b, value: 'same' }))).toBe('same');
    expect(set).not.toHaveBeenCalled();
    expect(await store.setBatch(7, () => undefined)).toBeUndefined();
    expect(await fakeBrowser.storage.session.get()).toEqual({});
  });

  test('a batch outlives the worker: a fresh module reads what the last one wrote', async () => {
    await store.setBatch(7, addOne(7, 0));
    vi.resetModules();
    const fresh = await import('../../src/background/batch-store');
    expect(fresh).not.toBe(store);
    expect(urls(await fresh.loadBatch(7))).toEqual([url(0)]);
  });
});
