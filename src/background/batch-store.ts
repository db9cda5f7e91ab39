/**
 * Where a tab's batch lives between service-worker lifetimes: storage.session (in memory, cleared
 * when the browser quits, unreadable by content scripts). Updates of one tab are serialized within
 * a worker instance so that concurrent steps never overwrite each other.
 */
import { browser } from 'wxt/browser';
import type { TabBatch } from './batch-queue';

const key = (tabId: number) => `batch:${tabId}`;
const locks = new Map<number, Promise<unknown>>();

export async function loadBatch(tabId: number): Promise<TabBatch | undefined> {
  const got = await browser.storage.session.get(key(tabId));
  return got[key(tabId)] as TabBatch | undefined;
}

/**
 * Reads, changes and writes a tab's batch as one step. `change` returns the new batch (undefined
 * deletes it) and a value handed back to the caller.
 */
export function updateBatch<T>(tabId: number, change: (b: TabBatch | undefined) => { batch: TabBatch | undefined; value: T }): Promise<T> {
  const run = (locks.get(tabId) ?? Promise.resolve()).catch(() => undefined).then(async () => {
    const before = await loadBatch(tabId);
    const { batch, value } = change(before);
    if (batch === before) return value;
    if (batch) await browser.storage.session.set({ [key(tabId)]: batch });
    else await browser.storage.session.remove(key(tabId));
    return value;
  });
  locks.set(tabId, run);
  void run.finally(() => locks.get(tabId) === run && locks.delete(tabId)).catch(() => undefined);
  return run;
}

export const setBatch = (tabId: number, change: (b: TabBatch | undefined) => TabBatch | undefined) =>
  updateBatch(tabId, (b) => {
    const batch = change(b);
    return { batch, value: batch };
  });
