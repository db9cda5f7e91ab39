/**
 * A tab's batch as plain data: the items (one per image URL), their states and the order they run
 * in. Every function here is pure; ./batch-store.ts persists the result in storage.session so a
 * restarted service worker picks the batch up where the stopped one left it.
 */

import type { FoundImage, ItemState } from '../messaging/batch';

export interface BatchItem {
  /** The image URL: one item per URL, whatever number of elements show it. */
  url: string;
  state: ItemState;
  /** In the viewport when found: these run first. */
  visible: boolean;
  /** Arrival order (document order within one scan). */
  seq: number;
  /** Why it failed, in words (the page shows its own, made from the error's key). */
  error?: string;
  /** Times its job was lost with the offscreen document (closed or crashed mid-job) and run again. */
  retries?: number;
}

export interface TabBatch {
  tabId: number;
  /** Batch mode is on: new images join, queued ones run. */
  active: boolean;
  items: BatchItem[];
  nextSeq: number;
  startedAt: number;
}

export interface BatchProgress {
  total: number;
  done: number;
  failed: number;
  queued: number;
  working: number;
}

export const emptyBatch = (tabId: number, now = Date.now()): TabBatch => ({ tabId, active: true, items: [], nextSeq: 0, startedAt: now });

/** Adds images not already in the batch (by URL), keeping their reported order. */
export function addImages(batch: TabBatch, found: readonly FoundImage[]): TabBatch {
  const known = new Set(batch.items.map((i) => i.url));
  let seq = batch.nextSeq;
  const added: BatchItem[] = [];
  for (const f of found) {
    if (known.has(f.url)) continue;
    known.add(f.url);
    added.push({ url: f.url, state: 'queued', visible: f.visible, seq: seq++ });
  }
  return added.length ? { ...batch, items: [...batch.items, ...added], nextSeq: seq } : batch;
}

/** Run order: images that were in view first, then by arrival (document order). */
export const runOrder = (a: BatchItem, b: BatchItem) => Number(b.visible) - Number(a.visible) || a.seq - b.seq;

/** The queued items in the order they will run. */
export const queuedInOrder = (batch: TabBatch): BatchItem[] => batch.items.filter((i) => i.state === 'queued').sort(runOrder);

/** Marks the next queued item working; returns the new batch and that item (if any). */
export function claimNext(batch: TabBatch): { batch: TabBatch; item?: BatchItem } {
  if (!batch.active) return { batch };
  const next = queuedInOrder(batch)[0];
  if (!next) return { batch };
  const item = { ...next, state: 'working' as const };
  return { batch: { ...batch, items: batch.items.map((i) => (i.url === next.url ? item : i)) }, item };
}

/** Records the outcome of an item; ignored unless it is still working (cancelled meanwhile). */
export function finish(batch: TabBatch, url: string, outcome: { ok: true } | { ok: false; error: string }): TabBatch {
  return {
    ...batch,
    items: batch.items.map((i) => (i.url !== url || i.state !== 'working' ? i
      : outcome.ok ? { ...i, state: 'done' } : { ...i, state: 'error', error: outcome.error })),
  };
}

export const isWorking = (batch: TabBatch | undefined, url: string) => batch?.items.some((i) => i.url === url && i.state === 'working') ?? false;

/** Drops an item the page no longer shows. */
export const dropItem = (batch: TabBatch, url: string): TabBatch => ({ ...batch, items: batch.items.filter((i) => i.url !== url) });

/** Cancel: batch mode off, every queued and working item dropped (their images stay untouched). */
export function cancel(batch: TabBatch): TabBatch {
  return { ...batch, active: false, items: batch.items.filter((i) => i.state === 'done' || i.state === 'error') };
}

/** Items whose job is lost with the offscreen document run again this many times before they fail. */
export const MAX_RETRIES = 2;

/**
 * A working item whose job was lost with the offscreen document goes back to the front of the
 * queue; false when it is not working any more (cancelled meanwhile) or has been retried enough.
 */
export function retryLost(batch: TabBatch, url: string): { batch: TabBatch; retried: boolean } {
  const item = batch.items.find((i) => i.url === url && i.state === 'working');
  if (!item || (item.retries ?? 0) >= MAX_RETRIES) return { batch, retried: false };
  const again: BatchItem = { ...item, state: 'queued', visible: true, retries: (item.retries ?? 0) + 1 };
  return { batch: { ...batch, items: batch.items.map((i) => (i === item ? again : i)) }, retried: true };
}

/** After a service-worker restart nothing is running any more: working items go back to the front. */
export function requeueWorking(batch: TabBatch): TabBatch {
  if (!batch.items.some((i) => i.state === 'working')) return batch;
  return { ...batch, items: batch.items.map((i) => (i.state === 'working' ? { ...i, state: 'queued', visible: true } : i)) };
}

export function progress(batch: TabBatch | undefined): BatchProgress {
  const p = { total: 0, done: 0, failed: 0, queued: 0, working: 0 };
  for (const i of batch?.items ?? []) {
    p.total++;
    if (i.state === 'done') p.done++;
    else if (i.state === 'error') p.failed++;
    else if (i.state === 'queued') p.queued++;
    else p.working++;
  }
  return p;
}

/** The toolbar badge: finished (done or failed) / total; empty when there is no batch. */
export const badgeText = (p: BatchProgress) => (p.total ? `${p.done + p.failed}/${p.total}` : '');
