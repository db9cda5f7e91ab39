/**
 * The batch flow's shared parts ("stylize every image on this page"): its data (what a page reports,
 * a tab's progress), its port, and the validators for what a content script sends. Its messages
 * are in ./contract.ts with every other.
 */
import type { Message } from './contract';
import { isObject } from './guards';

/** Where an image of a batch is: waiting, being painted, shown, or failed with its message. */
export type ItemState = 'queued' | 'working' | 'done' | 'error';

/** What the content script reports for each new image URL, in document order. */
export interface FoundImage {
  url: string;
  visible: boolean;
}

/** The popup's batch commands; each answers with the tab's BatchStatus after it took effect. */
export type BatchCommand = Extract<Message<'popupToBackground'>, { type: `batch-${string}` }>;
export type BatchCommandType = BatchCommand['type'];

export interface BatchStatus {
  tabId: number;
  /** Batch mode is on for the tab (images added to the page join the queue). */
  active: boolean;
  total: number;
  done: number;
  failed: number;
  queued: number;
  working: number;
  /** After batch-restore-all: how many images the page put back. */
  restored?: number;
}

/** What the service worker tells a content script about its batch. */
export type BatchToContent = Extract<Message<'backgroundToContent'>, { type: `batch-${string}` }>;

/** The port a content script in batch mode holds open: when the worker stops, it reconnects (and so wakes it). */
export const BATCH_PORT = 'backdrop-batch';

const MAX_IMAGES = 5000;
/** Longest URL a batch queues (data: URLs of real photos are far longer and are left alone). */
export const MAX_URL_LENGTH = 4096;

/** True for http(s) and blob: URLs, the ones a batch can hand to the pipeline. */
export function isQueueableUrl(url: string): boolean {
  if (url.length > MAX_URL_LENGTH) return false;
  return /^(https?:|blob:)/i.test(url);
}

/** The content script's list of found images; anything malformed is dropped. */
export function parseFoundImages(v: unknown): FoundImage[] {
  if (!Array.isArray(v)) return [];
  const out: FoundImage[] = [];
  for (const item of v.slice(0, MAX_IMAGES)) {
    if (isObject(item) && typeof item.url === 'string' && isQueueableUrl(item.url) && typeof item.visible === 'boolean') {
      out.push({ url: item.url, visible: item.visible });
    }
  }
  return out;
}
