import type { ErrorCode, JobBeginReply, JobError } from './protocol';

const ERROR_CODES: ReadonlySet<string> = new Set<ErrorCode>([
  'not-found', 'not-image', 'too-small', 'decode-failed', 'blocked', 'no-target', 'internal',
]);

/** A data: URL of an image the page handed over; 64 MiB of base64 at most. */
const MAX_DATA_URL = 64 * 1024 * 1024;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function isJobError(v: unknown): v is JobError {
  return isObject(v) && typeof v.code === 'string' && ERROR_CODES.has(v.code)
    && typeof v.message === 'string' && v.message.length <= 500;
}

/** Validates the content script's answer to `job-begin`; anything else becomes an internal error. */
export function parseJobBeginReply(v: unknown): JobBeginReply {
  if (isObject(v) && v.ok === true) {
    if (v.dataUrl === undefined) return { ok: true };
    if (typeof v.dataUrl === 'string' && v.dataUrl.length <= MAX_DATA_URL && /^data:[\w.+-]+\/[\w.+-]+[;,]/.test(v.dataUrl)) {
      return { ok: true, dataUrl: v.dataUrl };
    }
  } else if (isObject(v) && v.ok === false && isJobError(v.error)) {
    return { ok: false, error: { code: v.error.code, message: v.error.message } };
  }
  return { ok: false, error: { code: 'internal', message: 'The page sent an answer Backdrop does not understand.' } };
}

/** True for URLs whose bytes only the page itself can read. */
export const isPageLocalUrl = (url: string) => url.startsWith('data:') || url.startsWith('blob:');

/** http(s) URLs the offscreen document may fetch. */
export function isFetchableUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}
