/**
 * Validators for what crosses into a context from one it does not trust for its types: what a
 * content script (page-facing) sends or answers, and what any extension page asks the service
 * worker. Each returns the contract's type (./contract.ts) or undefined / a safe stand-in.
 */
import type { ContentToBackground, MessageOf, OffscreenToBackground, PopupToBackground, ReplyParsers, WelcomeToBackground } from './contract';
import { jobError, type ErrorCode, type ErrorKey, type JobBeginReply, type JobError, type PickPoint, type StylizedInfo } from './protocol';
import { parseFoundImages } from './batch';
import { isObject } from './guards';

const ERROR_CODES: ReadonlySet<string> = new Set<ErrorCode>([
  'not-found', 'not-image', 'too-small', 'decode-failed', 'blocked', 'no-target', 'too-large', 'timeout', 'unsupported',
  'internal',
]);

/** A data: URL of an image the page handed over; 64 MiB of base64 at most. */
const MAX_DATA_URL = 64 * 1024 * 1024;

/**
 * The only sentences a content script may name when it says why it cannot take a job (its errors
 * go back through the service worker, which may show them in the page and return them to its
 * callers). None takes a substitution: a page-facing context chooses no words of what Backdrop says.
 */
export const PAGE_ERROR_KEYS: ReadonlySet<string> = new Set<ErrorKey>(['errImageGone', 'errPageRefusesRead']);

/**
 * An error a content script reports: a known code and one of PAGE_ERROR_KEYS, nothing else (no
 * substitutions, no text of its own). Returns it rebuilt from those two fields only, or undefined.
 */
export function parsePageError(v: unknown): JobError | undefined {
  if (!isObject(v) || typeof v.code !== 'string' || !ERROR_CODES.has(v.code)) return undefined;
  if (typeof v.key !== 'string' || !PAGE_ERROR_KEYS.has(v.key)) return undefined;
  if (v.subs !== undefined && !(Array.isArray(v.subs) && v.subs.length === 0)) return undefined;
  return jobError(v.code as ErrorCode, v.key as ErrorKey);
}

/**
 * An error the extension's own engine sent (over a result port): a known code, an `err…` key and
 * at most nine short substitutions. Rebuilt from those fields only; the text is made where it is
 * shown (src/i18n/errors.ts), which says a generic sentence for a key it does not know.
 */
export function parseEngineError(v: unknown): JobError | undefined {
  if (!isObject(v) || typeof v.code !== 'string' || !ERROR_CODES.has(v.code)) return undefined;
  if (typeof v.key !== 'string' || !/^err[A-Z][A-Za-z0-9]{0,60}$/.test(v.key)) return undefined;
  const subs = v.subs ?? [];
  if (!Array.isArray(subs) || subs.length > 9 || !subs.every((s) => typeof s === 'string' && s.length <= 500)) return undefined;
  return jobError(v.code as ErrorCode, v.key as ErrorKey, ...subs as string[]);
}

/** The bytes of an image only the page can read (data:, blob:), as it hands them over: a data: URL of a sane size. */
const isPageBytes = (v: unknown): v is string => typeof v === 'string' && v.length <= MAX_DATA_URL && /^data:[\w.+-]+\/[\w.+-]+[;,]/.test(v);

/** Validates the content script's answer to `job-begin`; anything else becomes an internal error. */
export function parseJobBeginReply(v: unknown): JobBeginReply {
  if (isObject(v) && v.ok === true) {
    // Where the person clicked: a malformed point is dropped (every object is kept then), not the job.
    const point = parsePickPoint(v.point);
    const at = point ? { point } : {};
    if (v.sourceUrl !== undefined) {
      return typeof v.sourceUrl === 'string' && isFetchableUrl(v.sourceUrl) && v.dataUrl === undefined
        ? { ok: true, sourceUrl: v.sourceUrl, ...at } : invalid();
    }
    if (v.dataUrl === undefined) return { ok: true, ...at };
    if (isPageBytes(v.dataUrl)) {
      return { ok: true, dataUrl: v.dataUrl, ...at };
    }
  } else if (isObject(v) && v.ok === false) {
    const error = parsePageError(v.error);
    if (error) return { ok: false, error };
  }
  return invalid();
}

const invalid = (): JobBeginReply => ({ ok: false, error: jobError('internal', 'errPageAnswer') });

/** A job id as the service worker makes them (crypto.randomUUID). */
export const isJobId = (v: unknown): v is string => typeof v === 'string' && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(v);

/** A data: URL of an image, of a size a page may hand over. */
const isImageDataUrl = (v: unknown): v is string => typeof v === 'string' && v.startsWith('data:image/') && v.length <= MAX_DATA_URL;

/**
 * Validates the content script's `stylized-info` answer: the whole answer is refused when any part
 * of it is malformed (Save then saves nothing rather than something it cannot vouch for).
 */
export function parseStylizedInfo(v: unknown): StylizedInfo | undefined {
  if (!isObject(v) || typeof v.originalUrl !== 'string' || v.originalUrl.length > 8192) return undefined;
  if (v.jobId !== undefined && !isJobId(v.jobId)) return undefined;
  if (v.dataUrl !== undefined && !isImageDataUrl(v.dataUrl)) return undefined;
  if (v.originalData !== undefined && !isPageBytes(v.originalData)) return undefined;
  const styleName = typeof v.styleName === 'string' ? v.styleName.slice(0, 100) : 'style';
  return {
    originalUrl: v.originalUrl, styleName,
    ...(v.jobId !== undefined ? { jobId: v.jobId } : {}),
    ...(v.originalData !== undefined ? { originalData: v.originalData } : {}),
    ...(v.dataUrl !== undefined ? { dataUrl: v.dataUrl } : {}),
  };
}

/** Validates the content script's `list-stylized` answer: fetchable original URLs only. */
export function parseUrlList(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((u): u is string => typeof u === 'string' && isFetchableUrl(u)).slice(0, 1000) : [];
}

/** The longest image URL read ahead on a right-click (a longer one is read on the click). */
export const MAX_READ_AHEAD_URL = 8192;

/**
 * Validates a content script's right-click hint (only a tab's may be one). A `srcUrl` that is not
 * an http(s) URL of a sane length is dropped: the engine still warms, nothing is read ahead.
 */
export function parseWarmHint(v: unknown, fromTab: boolean): MessageOf<'contentToBackground', 'warm'> | undefined {
  if (!fromTab || !isObject(v) || v.to !== 'background' || v.type !== 'warm') return undefined;
  const { srcUrl } = v;
  const point = parsePickPoint(v.point);
  return {
    to: 'background', type: 'warm',
    ...(typeof srcUrl === 'string' && srcUrl.length <= MAX_READ_AHEAD_URL && isFetchableUrl(srcUrl) ? { srcUrl } : {}),
    ...(point ? { point } : {}),
  };
}

/** A point on an image from the page ("What I right-click on"): two finite fractions in 0…1, else nothing. */
export function parsePickPoint(v: unknown): PickPoint | undefined {
  if (!isObject(v)) return undefined;
  const { x, y } = v;
  const fraction = (n: unknown): n is number => typeof n === 'number' && Number.isFinite(n) && n >= 0 && n <= 1;
  return fraction(x) && fraction(y) ? { x, y } : undefined;
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

/** Validates a message addressed to the background by the popup; undefined when it is not one. */
export function parsePopupMessage(v: unknown): PopupToBackground | undefined {
  if (!isObject(v) || v.to !== 'background') return undefined;
  const tabOk = Number.isInteger(v.tabId) && (v.tabId as number) >= 0;
  switch (v.type) {
    case 'restyle-tab':
    case 'restore-page':
    case 'batch-start':
    case 'batch-cancel':
    case 'batch-restore-all':
    case 'batch-status':
      return tabOk ? { to: 'background', type: v.type, tabId: v.tabId as number } : undefined;
    case 'add-style-file':
      return typeof v.dataUrl === 'string' && v.dataUrl.startsWith('data:') && v.dataUrl.length <= MAX_DATA_URL
        && typeof v.fileName === 'string'
        ? { to: 'background', type: 'add-style-file', dataUrl: v.dataUrl, fileName: v.fileName.slice(0, 200) } : undefined;
    default:
      return undefined;
  }
}

/**
 * Validates a message addressed to the background by the welcome page: its live example, in the
 * person's style or a built-in one (`isBuiltin`: from src/styles/, a folder that imports the library,
 * whose folder imports this one). It names no image (the sample is the background's own).
 */
export function parseWelcomeMessage(v: unknown, isBuiltin: (styleId: string) => boolean): WelcomeToBackground | undefined {
  if (!isObject(v) || v.to !== 'background' || v.type !== 'welcome-example') return undefined;
  if (v.styleId === undefined) return { to: 'background', type: 'welcome-example' };
  return typeof v.styleId === 'string' && isBuiltin(v.styleId)
    ? { to: 'background', type: 'welcome-example', styleId: v.styleId } : undefined;
}

/**
 * Validates a message a content script sent the service worker; undefined when it is not one.
 * Page-facing: whatever the page's world could have influenced is checked (URLs, sizes, counts).
 * `frameId`: the sending frame, as the browser reports it (batch mode covers the top page only).
 */
export function parseContentMessage(v: unknown, frameId: number | undefined): ContentToBackground | undefined {
  if (!isObject(v) || v.to !== 'background') return undefined;
  switch (v.type) {
    case 'warm': return parseWarmHint(v, true);
    case 'batch-found':
      return frameId === 0 && Array.isArray(v.images)
        ? { to: 'background', type: 'batch-found', images: parseFoundImages(v.images) } : undefined;
    default: return undefined;
  }
}

/** Validates a message the offscreen document sent the service worker. */
export function parseOffscreenMessage(v: unknown): OffscreenToBackground | undefined {
  if (!isObject(v) || v.to !== 'background') return undefined;
  return v.type === 'offscreen-idle' || v.type === 'offscreen-awake' ? { to: 'background', type: v.type } : undefined;
}

const acknowledged = (v: unknown) => v === true;
/** A count a page reports: a sane non-negative integer, else 0. */
const count = (v: unknown) => (Number.isInteger(v) && (v as number) >= 0 ? Math.min(v as number, 1_000_000) : 0);

/** How the service worker reads each answer of a content script (src/background/send.ts). */
export const CONTENT_REPLIES = {
  'job-begin': parseJobBeginReply,
  'job-done': acknowledged,
  'job-failed': acknowledged,
  restore: acknowledged,
  'list-stylized': parseUrlList,
  'stylized-info': (v) => parseStylizedInfo(v) ?? null,
  'save-note': acknowledged,
  'restore-all': count,
  'batch-scan': parseFoundImages,
  'batch-begin': parseJobBeginReply,
  'batch-apply': acknowledged,
  'batch-fail': acknowledged,
  'batch-stop': acknowledged,
  'batch-restore-all': count,
} satisfies ReplyParsers<'backgroundToContent'>;
