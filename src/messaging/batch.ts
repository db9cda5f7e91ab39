/**
 * Messages of the batch flow ("stylize every image on this page"), typed by direction like
 * ./protocol.ts. Everything that comes from a content script is validated here before use.
 *
 * For the popup (or any extension page): send `BatchCommand` with `browser.runtime.sendMessage`;
 * every command answers with the tab's `BatchStatus` (after the command took effect):
 *
 *   const status = await browser.runtime.sendMessage({ to: 'background', type: 'batch-start', tabId }) as BatchStatus;
 *
 * - `batch-start`: scan the tab's page and stylize every eligible image (viewport first). Starting
 *   again while on adds images found since.
 * - `batch-cancel`: stop at once; queued images stay untouched, finished ones stay stylized.
 * - `batch-restore-all`: cancel, and give every image of the page its original src/srcset/background.
 * - `batch-status`: progress only, to poll for a progress bar (done + failed of total).
 */
import type { JobError } from './protocol';
import { isObject } from './guards';

/** Where an image of a batch is: waiting, being painted, shown, or failed with its message. */
export type ItemState = 'queued' | 'working' | 'done' | 'error';

/** What the content script reports for each new image URL, in document order. */
export interface FoundImage {
  url: string;
  visible: boolean;
}

// ---------------------------------------------------------------- popup (extension pages) → background
export type BatchCommandType = 'batch-start' | 'batch-cancel' | 'batch-restore-all' | 'batch-status';
export interface BatchCommand {
  to: 'background';
  type: BatchCommandType;
  tabId: number;
}

export interface BatchStatus {
  tabId: number;
  /** Batch mode is on for the tab (images added to the page join the queue). */
  active: boolean;
  total: number;
  done: number;
  failed: number;
  queued: number;
  working: number;
}

// ---------------------------------------------------------------- background → content
export type BatchToContent =
  /** Batch mode on: scan the page; the reply is `FoundImage[]` (new URLs only, viewport first). */
  | { to: 'content'; type: 'batch-scan' }
  /**
   * Show "working" on the image(s) of `url` and open the job's result port (the offscreen document
   * sends the result there: src/messaging/result-channel.ts); the reply is a JobBeginReply.
   */
  | { to: 'content'; type: 'batch-begin'; url: string; jobId: string }
  /** The result was delivered: swap it into every element that shows `url`; the reply is true when shown. */
  | { to: 'content'; type: 'batch-apply'; url: string }
  | { to: 'content'; type: 'batch-fail'; url: string; error: JobError }
  /** Batch mode off: forget queued images and their indicators. */
  | { to: 'content'; type: 'batch-stop' }
  /** Batch mode off and every stylized image back to its original; the reply is the count. */
  | { to: 'content'; type: 'batch-restore-all' };

// ---------------------------------------------------------------- content → background
/** Images added to the page while batch mode is on (MutationObserver, lazy loads). */
export interface BatchFoundMessage {
  to: 'background';
  type: 'batch-found';
  images: FoundImage[];
}

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

const COMMANDS: ReadonlySet<string> = new Set<BatchCommandType>(['batch-start', 'batch-cancel', 'batch-restore-all', 'batch-status']);

export function isBatchCommand(v: unknown): v is BatchCommand {
  return isObject(v) && v.to === 'background' && typeof v.type === 'string' && COMMANDS.has(v.type)
    && typeof v.tabId === 'number' && Number.isInteger(v.tabId) && v.tabId >= 0;
}

export function isBatchFound(v: unknown): v is BatchFoundMessage {
  return isObject(v) && v.to === 'background' && v.type === 'batch-found' && Array.isArray(v.images);
}
