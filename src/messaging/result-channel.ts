/**
 * The result channel: the offscreen document hands a finished image straight to the content
 * script that asked for it, over a runtime port the content script opens per job — one hop
 * instead of two messages through the service worker.
 *
 * Where extension messaging uses the structured clone (Firefox; Chrome 148+ with the manifest's
 * `message_serialization`), the image file itself crosses as a Blob: a handle to bytes already in
 * the browser's blob store, so nothing is copied or parsed on the way. Elsewhere messages are JSON,
 * and the bytes travel as base64 slices the page decodes natively as they arrive. The content
 * script says first which it is: its hello carries a Uint8Array, which survives only a structured
 * clone (JSON makes it a plain object).
 */

import type { JobError } from './protocol';

/** Port name: `backdrop-result:<jobId>`. */
export const RESULT_PORT_PREFIX = 'backdrop-result:';
/** Base64 characters per slice (a multiple of 4, so each slice decodes on its own). */
export const RESULT_SLICE = 1 << 20;

/**
 * offscreen → content, over the port. `opaque`: the page could not read the original's bytes itself
 * (another origin, or a redirect), so the result must be shown where the page cannot read it
 * (src/content/view.ts), never as a URL or element of the page's own.
 */
export type ResultPortMessage =
  | { kind: 'file'; file: Blob; opaque: boolean }
  | { kind: 'slice'; data: string }
  | { kind: 'end'; mimeType: string; opaque: boolean }
  /** The job failed: its error as data, put into words by the content script that shows it. */
  | { kind: 'error'; error: JobError };

/** content → offscreen, first on the port. */
export interface ResultPortHello {
  kind: 'hello';
  probe: Uint8Array;
}

export const resultPortHello = (): ResultPortHello => ({ kind: 'hello', probe: new Uint8Array([1]) });

/** Whether a hello arrived with its bytes intact, i.e. this channel carries binary data. */
export const carriesBinary = (m: unknown) =>
  typeof m === 'object' && m !== null && (m as ResultPortHello).kind === 'hello' && (m as ResultPortHello).probe instanceof Uint8Array;

/** Where the offscreen document delivers a job's result. */
export interface DeliverTo {
  tabId: number;
  frameId: number;
}

export const resultPortName = (jobId: string) => RESULT_PORT_PREFIX + jobId;
export const jobIdOfPort = (name: string) => (name.startsWith(RESULT_PORT_PREFIX) ? name.slice(RESULT_PORT_PREFIX.length) : undefined);

export { fromBase64, toBase64 } from './bytes';

/** The slices of a base64 string. */
export function slices(b64: string, size = RESULT_SLICE): string[] {
  const out: string[] = [];
  for (let i = 0; i < b64.length; i += size) out.push(b64.slice(i, i + size));
  return out;
}
