/**
 * The result channel: the offscreen document hands a finished image straight to the content
 * script that asked for it, over a runtime port the content script opens per job — one hop
 * instead of two JSON messages through the service worker, in slices the page decodes natively
 * as they arrive (no multi-MB string parsed at once on the page's main thread).
 */

/** Port name: `backdrop-result:<jobId>`. */
export const RESULT_PORT_PREFIX = 'backdrop-result:';
/** Base64 characters per slice (a multiple of 4, so each slice decodes on its own). */
export const RESULT_SLICE = 1 << 20;

/** offscreen → content, over the port. */
export type ResultPortMessage =
  | { kind: 'slice'; data: string }
  | { kind: 'end'; mimeType: string }
  | { kind: 'error'; message: string };

/** Where the offscreen document delivers a job's result. */
export interface DeliverTo {
  tabId: number;
  frameId: number;
}

export const resultPortName = (jobId: string) => RESULT_PORT_PREFIX + jobId;
export const jobIdOfPort = (name: string) => (name.startsWith(RESULT_PORT_PREFIX) ? name.slice(RESULT_PORT_PREFIX.length) : undefined);

/** Bytes → base64, natively where the browser has Uint8Array.prototype.toBase64. */
export function toBase64(bytes: Uint8Array): string {
  const native = (bytes as Uint8Array & { toBase64?: () => string }).toBase64;
  if (native) return native.call(bytes);
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

/** Base64 → bytes, natively where the browser has Uint8Array.fromBase64. */
export function fromBase64(data: string): Uint8Array<ArrayBuffer> {
  const native = (Uint8Array as unknown as { fromBase64?: (s: string) => Uint8Array<ArrayBuffer> }).fromBase64;
  if (native) return native(data);
  const bin = atob(data);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** The slices of a base64 string. */
export function slices(b64: string, size = RESULT_SLICE): string[] {
  const out: string[] = [];
  for (let i = 0; i < b64.length; i += size) out.push(b64.slice(i, i + size));
  return out;
}
