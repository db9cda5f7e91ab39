import { jobError, MAX_PIXELS, MAX_SIDE, MIN_SIDE, type ErrorCode, type ErrorKey, type ImageSource, type JobError } from '../messaging/protocol';
import { fitWithin } from './preprocess';
import { credentialsFor, DOWNLOAD_MS, MAX_IMAGE_BYTES, requestInit, STALL_MS, type CredentialsMode } from './fetch-policy';
import { endsCutShort, looksLikeSvg, readImageHeader, TAIL_BYTES } from './image-header';

/**
 * A failure the engine reports to the person: its kind, and its sentence named by a messages.json key
 * with the substitutions it takes. The engine makes no text (Chrome's offscreen document has no
 * `chrome.i18n`): the context that shows the error does (src/i18n/errors.ts). `message` is the key and
 * its substitutions, for the engine's own logs.
 */
export class JobFailure extends Error {
  readonly error: JobError;

  constructor(readonly code: ErrorCode, readonly key: ErrorKey, ...subs: (string | number)[]) {
    const error = jobError(code, key, ...subs);
    super(error.subs ? `${key} (${error.subs.join(', ')})` : key);
    this.error = error;
  }

  get subs(): string[] | undefined {
    return this.error.subs;
  }
}

/** The first bytes of the image formats a browser decodes. */
export function sniffImageType(head: Uint8Array): string | undefined {
  const at = (i: number, ...bytes: number[]) => bytes.every((b, j) => head[i + j] === b);
  const ascii = (i: number, s: string) => [...s].every((ch, j) => head[i + j] === ch.charCodeAt(0));
  if (at(0, 0xff, 0xd8, 0xff)) return 'image/jpeg';
  if (at(0, 0x89, 0x50, 0x4e, 0x47)) return 'image/png';
  if (ascii(0, 'GIF8')) return 'image/gif';
  if (ascii(0, 'RIFF') && ascii(8, 'WEBP')) return 'image/webp';
  if (ascii(4, 'ftypavif') || ascii(4, 'ftypavis')) return 'image/avif';
  if (ascii(0, 'BM')) return 'image/bmp';
  if (at(0, 0, 0, 1, 0)) return 'image/x-icon';
  return undefined;
}

/**
 * Where an image's bytes came from: what decides whether the page that shows it could read them
 * itself (src/offscreen/delivery.ts). `data` is bytes the page handed over.
 */
export type FetchFacts = { kind: 'url'; finalUrl: string; redirected: boolean } | { kind: 'data' };

export interface Fetched {
  blob: Blob;
  facts: FetchFacts;
}

/** The bounds of one download (fetch-policy.ts says why these values); the tests pass smaller ones. */
export interface FetchLimits {
  maxBytes: number;
  stallMs: number;
  totalMs: number;
}

export const FETCH_LIMITS: FetchLimits = { maxBytes: MAX_IMAGE_BYTES, stallMs: STALL_MS, totalMs: DOWNLOAD_MS };

/** Sizes and times as the sentences show them: whole megabytes, whole seconds. */
const mb = (bytes: number) => Math.round(bytes / (1024 * 1024));
const seconds = (ms: number) => Math.round(ms / 1000);

/** Aborts a download that stalls or runs too long, remembering which limit ended it. */
class DownloadGuard {
  private readonly controller = new AbortController();
  readonly signal = this.controller.signal;
  reason?: JobFailure;
  private stall?: ReturnType<typeof setTimeout>;
  private total: ReturnType<typeof setTimeout>;

  constructor(private limits: FetchLimits) {
    this.total = setTimeout(() => this.stop(new JobFailure('timeout', 'errDownloadTooLong', seconds(limits.totalMs))), limits.totalMs);
    this.progress();
  }

  /** Bytes (or an answer) came: the stall clock starts again. */
  progress() {
    clearTimeout(this.stall);
    this.stall = setTimeout(() => this.stop(new JobFailure('timeout', 'errDownloadStalled', seconds(this.limits.stallMs))), this.limits.stallMs);
  }

  stop(reason: JobFailure) {
    this.reason ??= reason;
    this.controller.abort(reason);
  }

  /** Ends the clocks, and the download if it is still running (an error before its body was read). */
  done() {
    clearTimeout(this.stall);
    clearTimeout(this.total);
    this.controller.abort();
  }
}

/**
 * Fetches the bytes of an image, mapping every failure to a plain-words error. A URL is read with
 * no more authority than the page showing it has (fetch-policy.ts), within a byte cap and time limits.
 */
export async function fetchImage(source: ImageSource, limits: FetchLimits = FETCH_LIMITS): Promise<Fetched> {
  if (source.kind === 'data') {
    // Bytes the page handed over (bounded by validate.ts): nothing travels.
    const res = await fetch(source.dataUrl).catch(() => undefined);
    if (!res?.ok) throw new JobFailure('decode-failed', 'errPageBytesUnreadable');
    return { blob: await res.blob(), facts: { kind: 'data' } };
  }
  const guard = new DownloadGuard(limits);
  try {
    const res = await request(source, guard);
    guard.progress();
    if (res.status === 404 || res.status === 410) throw new JobFailure('not-found', 'errHttpNotFound', res.status);
    if (res.status === 401 || res.status === 403) throw new JobFailure('blocked', 'errHttpRefused', res.status);
    if (!res.ok) throw new JobFailure('blocked', 'errHttpFailed', res.status);
    const declared = Number(res.headers.get('content-length') ?? NaN);
    if (declared > limits.maxBytes) throw tooLarge(limits, declared);
    const blob = await readCapped(res, guard, limits);
    return { blob, facts: { kind: 'url', finalUrl: res.url || source.url, redirected: res.redirected } };
  } catch (e) {
    throw guard.reason ?? e;
  } finally {
    guard.done();
  }
}

const tooLarge = (limits: FetchLimits, size?: number) => (size
  ? new JobFailure('too-large', 'errFileTooLarge', mb(size), mb(limits.maxBytes))
  : new JobFailure('too-large', 'errFileLargerThan', mb(limits.maxBytes)));

/** The request itself: with cookies only where the page's own request would carry them (no redirects), else without. */
async function request(source: Extract<ImageSource, { kind: 'url' }>, guard: DownloadGuard): Promise<Response> {
  const attempt = (mode: CredentialsMode) => fetch(source.url, requestInit(mode, guard.signal));
  try {
    if (credentialsFor(source.url, source.page) === 'include') {
      try {
        return await attempt('include');
      } catch (e) {
        if (guard.reason) throw e;
        // A redirect (refused with cookies) or a network error: once more without cookies, following redirects.
      }
    }
    return await attempt('omit');
  } catch (e) {
    if (guard.reason) throw e;
  }
  // fetch gives one TypeError for everything; ask once more, without following, to tell a redirect
  // to an address fetch refuses (data:, file:, chrome:, javascript:…) from a network failure.
  const probe = await fetch(source.url, { credentials: 'omit', redirect: 'manual', cache: 'no-store', referrerPolicy: 'no-referrer', signal: guard.signal })
    .catch(() => undefined);
  await probe?.body?.cancel().catch(() => {});
  if (guard.reason) throw guard.reason;
  if (probe && (probe.type === 'opaqueredirect' || (probe.status >= 300 && probe.status < 400))) {
    throw new JobFailure('blocked', 'errRedirectRefused');
  }
  throw new JobFailure('blocked', 'errNetwork');
}

/** Reads a response's body, counting: past the cap it stops at once (a missing or false Content-Length changes nothing). */
async function readCapped(res: Response, guard: DownloadGuard, limits: FetchLimits): Promise<Blob> {
  const type = res.headers.get('content-type') ?? '';
  if (!res.body) return new Blob([], { type });
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limits.maxBytes) {
      void reader.cancel().catch(() => {});
      throw tooLarge(limits);
    }
    chunks.push(value);
    guard.progress();
  }
  return new Blob(chunks as BlobPart[], { type });
}

export interface Decoded {
  bitmap: ImageBitmap;
  type: string;
  /** Set when the original was over the size asked for (MAX_SIDE, MAX_PIXELS by default) and was decoded downscaled. */
  downscaledFrom?: { width: number; height: number };
}

/**
 * The most pixels a file may declare: the decoder allocates 4 bytes for each before Backdrop scales
 * the picture down, so this bounds the memory one image takes (480 MB). The largest camera photos
 * (~100 MP, medium format) fit; a "bomb" of a few bytes declaring 30000×30000 (900 MP) does not.
 */
export const MAX_DECODE_PIXELS = 120_000_000;
/** The longest side Chromium makes a bitmap or canvas of. */
export const MAX_DECODE_SIDE = 32_767;

const FORMAT_NAMES: Record<string, string> = {
  'image/gif': 'GIF', 'image/png': 'PNG (APNG)', 'image/webp': 'WebP', 'image/avif': 'AVIF',
};

/**
 * Refuses, from the header alone and before any decoder runs, a file that declares too many pixels,
 * that moves, or whose header is unreadable. Animated images are refused rather than painted from
 * their first frame: the page would lose its animation without saying so.
 */
export function checkHeader(bytes: Uint8Array): void {
  const header = readImageHeader(bytes);
  if (!header) throw new JobFailure('decode-failed', 'errDamaged');
  const { width, height } = header;
  if (width > MAX_DECODE_SIDE || height > MAX_DECODE_SIDE || width * height > MAX_DECODE_PIXELS) {
    throw new JobFailure('too-large', 'errTooManyPixels', width, height, MAX_DECODE_PIXELS / 1e6);
  }
  if (header.animated) {
    const format = FORMAT_NAMES[header.type];
    throw format ? new JobFailure('unsupported', 'errAnimated', format) : new JobFailure('unsupported', 'errAnimatedImage');
  }
}

/**
 * How much of a file the header checks read: every format states its size (and an APNG or WebP
 * that it moves) well within it, a JPEG's frame header included after its metadata. Copying the
 * whole file for that would cost every image a pass over its bytes.
 */
const HEADER_BYTES = 256 * 1024;

/** The bytes checkHeader needs: the first HEADER_BYTES, or the whole file for a GIF (it says it moves only past its first frame) or a header they cut short. */
export async function headerBytes(blob: Blob, head: Uint8Array, type: string): Promise<Uint8Array> {
  if (blob.size <= head.length) return head;
  if (type !== 'image/gif' && readImageHeader(head)) return head;
  return new Uint8Array(await blob.arrayBuffer());
}

/** The most a decoded picture keeps: larger ones are scaled down to fit (aspect kept). */
export interface DecodeSize {
  maxSide: number;
  maxPixels: number;
}

/** What a job paints: the result's cap (MAX_SIDE, MAX_PIXELS in protocol.ts). */
export const RESULT_SIZE: DecodeSize = { maxSide: MAX_SIDE, maxPixels: MAX_PIXELS };

/**
 * Decodes with EXIF orientation applied, refusing what is not an image, too small or undecodable,
 * and scales it down to `size` (a job's result cap by default; a save passes its own).
 */
export async function decodeImage(blob: Blob, size: DecodeSize = RESULT_SIZE): Promise<Decoded> {
  const head = new Uint8Array(await blob.slice(0, HEADER_BYTES).arrayBuffer());
  const type = sniffImageType(head.subarray(0, 16));
  if (!type) {
    if (looksLikeSvg(head, blob.type)) {
      throw new JobFailure('unsupported', 'errSvg');
    }
    throw blob.type ? new JobFailure('not-image', 'errNotImageDeclared', blob.type.slice(0, 100)) : new JobFailure('not-image', 'errNotImage');
  }
  checkHeader(await headerBytes(blob, head, type));
  if (endsCutShort(new Uint8Array(await blob.slice(-TAIL_BYTES).arrayBuffer()), type)) {
    throw new JobFailure('decode-failed', 'errDamaged');
  }
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(blob, { imageOrientation: 'from-image' });
  } catch {
    throw new JobFailure('decode-failed', 'errDamaged');
  }
  const { width, height } = bitmap;
  if (width < MIN_SIDE || height < MIN_SIDE) {
    bitmap.close();
    throw new JobFailure('too-small', 'errTooSmall', width, height, MIN_SIDE, MIN_SIDE);
  }
  const fit = fitWithin(width, height, size.maxSide, size.maxPixels);
  if (!fit.scaled) return { bitmap, type };
  const scaled = await createImageBitmap(bitmap, { resizeWidth: fit.width, resizeHeight: fit.height, resizeQuality: 'high' });
  bitmap.close();
  return { bitmap: scaled, type, downscaledFrom: { width, height } };
}

export const mayHaveAlpha = (type: string) => type !== 'image/jpeg' && type !== 'image/bmp';
