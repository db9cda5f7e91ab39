/**
 * The one message contract between Backdrop's parts, typed by direction (background → content,
 * content → background, background → offscreen). Every message carries `to` so that a runtime
 * message, which reaches both the service worker and the offscreen document, is handled only where
 * it is addressed. Messages that come from a page-facing context (the content script) are validated
 * with the guards in ./validate.ts before anything trusts them.
 */

export type ErrorCode =
  | 'not-found' // the server answered 404/410
  | 'not-image' // the bytes are not an image (HTML, text…)
  | 'too-small' // under MIN_SIDE on either side
  | 'decode-failed' // an image type we know, but the bytes do not decode (truncated, corrupt)
  | 'blocked' // network error, refused, or no access
  | 'no-target' // the clicked element is gone from the page
  | 'internal'; // a bug or a runtime failure

export interface JobError {
  code: ErrorCode;
  message: string;
}

/** What the pipeline needs to know about how to paint, resolved by the background from settings. */
export interface StylizeOptions {
  styleId: string;
  /** URL of the style image, for computing its bottleneck when it is not cached yet. */
  styleUrl: string;
  transferModel: 'fp16' | 'int8';
  /** 0 = let the runtime decide from the cores available. */
  threads: number;
}

/** The source of an image: a URL the offscreen document fetches itself, or bytes the page handed over. */
export type ImageSource = { kind: 'url'; url: string } | { kind: 'data'; dataUrl: string };

export interface StageTimings {
  [stage: string]: number;
}

export interface StylizeResult {
  dataUrl: string;
  width: number;
  height: number;
  /** Set when the image was larger than the cap and was processed downscaled. */
  downscaledFrom?: { width: number; height: number };
  timings: StageTimings;
}

export type Outcome<T> = ({ ok: true } & T) | { ok: false; error: JobError };

// ---------------------------------------------------------------- background → content
export type BackgroundToContent =
  | { to: 'content'; type: 'job-begin'; jobId: string; srcUrl: string }
  | { to: 'content'; type: 'job-done'; jobId: string; result: StylizeResult; styleName: string }
  | { to: 'content'; type: 'job-failed'; jobId: string; error: JobError }
  | { to: 'content'; type: 'restore'; srcUrl: string };

/** The content script's answer to `job-begin`. Page-facing: validated by the background. */
export type JobBeginReply =
  | { ok: true; /** present for data: and blob: URLs, which only the page can read */ dataUrl?: string }
  | { ok: false; error: JobError };

// ---------------------------------------------------------------- background → offscreen
export type BackgroundToOffscreen = {
  to: 'offscreen';
  type: 'stylize';
  jobId: string;
  source: ImageSource;
  options: StylizeOptions;
};

export type StylizeReply = Outcome<{ result: StylizeResult }>;

/** Limits shared by the parts. */
export const MIN_SIDE = 64;
export const MAX_SIDE = 4096;
