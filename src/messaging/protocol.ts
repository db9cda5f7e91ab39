/**
 * The data Backdrop's contexts exchange: jobs, their options, results and errors, and the limits
 * every part applies. Which message carries what, in which direction, is ./contract.ts.
 */
import type en from '../../public/_locales/en/messages.json';

export type ErrorCode =
  | 'not-found' // the server answered 404/410
  | 'not-image' // the bytes are not an image (HTML, text…)
  | 'too-small' // under MIN_SIDE on either side
  | 'decode-failed' // an image type we know, but the bytes do not decode (truncated, corrupt)
  | 'blocked' // network error, refused, or no access
  | 'no-target' // the clicked element is gone from the page
  | 'too-large' // over the byte cap, or a declared size too large to decode safely
  | 'timeout' // the download stalled or took too long
  | 'unsupported' // an image Backdrop will not paint (SVG, animated)
  | 'internal'; // a bug or a runtime failure

/** The messages.json keys of the sentences that say what went wrong: every one starts with `err`. */
export type ErrorKey = Extract<keyof typeof en, `err${string}`>;

/**
 * What went wrong, as data: its kind (`code`, what the code acts on) and the sentence that tells the
 * person, named by its key in messages.json with the substitutions it takes (numbers formatted as
 * the sentence shows them). It carries no text: the context that shows it makes the text
 * (src/i18n/errors.ts), because the engine has no `chrome.i18n` in Chrome's offscreen document, and
 * a page-facing content script must not choose what Backdrop says (./validate.ts).
 */
export interface JobError {
  code: ErrorCode;
  key: ErrorKey;
  subs?: string[];
}

/**
 * A JobError with its text in the person's language, as the service worker hands it on to the popup
 * and to its callers (logs, tests): src/i18n/errors.ts `withText`.
 */
export interface ToldError extends JobError {
  message: string;
}

/** A JobError; `subs` only when the sentence takes some. */
export function jobError(code: ErrorCode, key: ErrorKey, ...subs: (string | number)[]): JobError {
  return subs.length ? { code, key, subs: subs.map(String) } : { code, key };
}

/** What the pipeline needs to know about how to paint, resolved by the background from settings. */
export interface StylizeOptions {
  styleId: string;
  /** An optional second style, mixed with the first: ratio = the first style's share. */
  mixStyleId?: string;
  mixRatio: number;
  /** How much style the background gets: b = s·b_style + (1−s)·b_content. */
  strength: number;
  /** VOC classes that stay untouched (the subject). */
  subject: number[];
  /** Stylize the subject and keep the background instead. */
  invert: boolean;
  /**
   * "What I right-click on": only the object under this point is the subject (the connected region
   * of its class). null: that mode, but where the person clicked is not known. Absent: every object
   * of the `subject` classes.
   */
  pick?: PickPoint | null;
  transferModel: 'fp16' | 'int8';
  /** How finely the background is painted (the transfer model's size); 'standard' when absent. */
  detail?: 'standard' | 'high' | 'full';
  /** 0 = let the runtime decide from the cores available. */
  threads: number;
}

/** A point on an image, as fractions of its width and height (0…1 each). */
export interface PickPoint { x: number; y: number }

/** What the keep-mask depends on besides the image. */
export type MaskOptions = Pick<StylizeOptions, 'subject' | 'invert' | 'pick'>;

/**
 * The page an image is shown in, as the browser (never the page) told the background: the frame's
 * URL and the tab's top URL. It decides what the extension's own request may carry
 * (src/inference/fetch-policy.ts); without it the image is read without cookies.
 */
export interface PageContext {
  frameUrl: string;
  topUrl: string;
  /** The image is in a subframe: the frames between it and the top are not known, so no cookies go. */
  framed?: boolean;
}

/** The source of an image: a URL the offscreen document fetches itself, or bytes the page handed over. */
export type ImageSource = { kind: 'url'; url: string; page?: PageContext } | { kind: 'data'; dataUrl: string };

export interface StageTimings {
  [stage: string]: number;
}

export interface StylizeResult {
  /** The result as a data: URL — absent when it went straight to the page over the result channel. */
  dataUrl?: string;
  width: number;
  height: number;
  /** Set when the image was larger than the cap and was processed downscaled. */
  downscaledFrom?: { width: number; height: number };
  /**
   * With `pick`: 'object' when the object under the point was kept; 'every-object' when there was
   * none there (or no point), so every object was kept instead.
   */
  picked?: 'object' | 'every-object';
  timings: StageTimings;
  /** The style transfer's own run (absent where none ran). */
  transfer?: TransferRun;
}

/** One run of the style-transfer model: which variant ran, for how long (ms), and whether it had run at that size before. */
export interface TransferRun {
  model: 'fp16' | 'int8';
  ms: number;
  /** False for a model's first run at a size, which pays its set-up (weight packing) too. */
  warm: boolean;
}

/**
 * What a job reports when the offscreen document went away (closed, or its renderer gone) while it
 * held the job, or the page's result port never reached the document that ran it (it connected to
 * one that was closing): the page cannot get this result, and the job is worth running again.
 */
export const ENGINE_LOST: JobError = jobError('internal', 'errEngineLost');
export const isEngineLost = (e: JobError) => e.code === ENGINE_LOST.code && e.key === ENGINE_LOST.key;

/** Done, or why not: a JobError as the engine and the pages send it, or a ToldError as the service worker hands it on. */
export type Outcome<T, E extends JobError = JobError> = ({ ok: true } & T) | { ok: false; error: E };

/** A reply whose error the service worker has put into words (src/i18n/errors.ts `told`). */
export type Told<R> = R extends { ok: false; error: JobError } ? Omit<R, 'error'> & { error: ToldError } : R;

/** What the content script knows of an image it shows a result in, for "Save stylized image". */
export interface StylizedInfo {
  /** The original's address, for the file's name (a data: original is named by its scheme only). */
  originalUrl: string;
  styleName: string;
  /** The job whose result the image shows: the offscreen document renders it again at the original's size. */
  jobId?: string;
  /** A data: or blob: original's bytes as a data: URL, read again from the page (only it can read them). */
  originalData?: string;
  /** The result as shown, as a data: URL: only when asked for (`shown: true`), to save it as it is. */
  dataUrl?: string;
}

/** The content script's answer to `job-begin` and `batch-begin`. Page-facing: validated by the background. */
export type JobBeginReply =
  | {
    ok: true;
    /** Present for data: and blob: URLs, which only the page can read. */
    dataUrl?: string;
    /** The original's URL when the image is already stylized (a restyle starts from the original). */
    sourceUrl?: string;
    /** Where the person right-clicked on the image (for "What I right-click on"), when known. */
    point?: PickPoint;
  }
  | { ok: false; error: JobError };

export type StyleOriginWire = { kind: 'url'; url: string } | { kind: 'file'; fileName: string };

export type StylizeReply = Outcome<{ result: StylizeResult }>;
/** The welcome page's live example: the sample painted (a data: URL), with the style it was painted in. */
export type WelcomeExampleReply = Outcome<{ dataUrl: string; styleId: string; styleName: string }>;
export type AddStyleReply = Outcome<{ id: string; name: string }>;

/**
 * A result rendered again at the original's size for saving: a PNG held by the offscreen document
 * under a `blob:` URL of the extension's origin (no page can read it), which the service worker
 * downloads and then lets go (`save-release`). A file that large would not fit in a message.
 */
export interface SavedImage {
  url: string;
  width: number;
  height: number;
  /** Set when the original was larger than SAVE_MAX_SIDE / SAVE_MAX_PIXELS and was saved scaled down to fit. */
  downscaledFrom?: { width: number; height: number };
}
/**
 * `missing`: the offscreen document no longer holds the job's painting (it was closed when idle, or
 * the painting fell out of its cache): the caller may send the job's recipe to paint it again.
 */
export type SaveReply = Outcome<SavedImage> | { ok: false; error: JobError; missing: true };
/** A result as shown, re-encoded as PNG and held for the download as a saved image is. */
export type ToPngReply = Outcome<Omit<SavedImage, 'downscaledFrom'>>;

/**
 * How a job painted, kept by the service worker for the session (src/background/save-recipes.ts)
 * so a save can paint it again once the offscreen document has let its layers go.
 */
export interface SaveRecipe {
  /** The original's URL and page context (its credentials); absent for bytes the page handed over. */
  source?: Extract<ImageSource, { kind: 'url' }>;
  options: StylizeOptions;
}

/** Limits shared by the parts. */
export const MIN_SIDE = 64;
export const MAX_SIDE = 4096;
/**
 * Results are made at most this large (1600²: Full HD and 1920×1280 photos pass as they are); a
 * larger original is processed scaled down and the image says so. Why a cap at all: a result is a
 * lossless file, and the page pays for its bytes when it drops one, in a garbage-collection pause that
 * grows with the file's size (src/content/release.ts paces those). The figures that set the cap at
 * 1600² rather than 2048² are in docs/benchmark.md, "Figures behind the design".
 */
export const MAX_PIXELS = 1600 * 1600;

/**
 * "Save stylized image" writes the original's own size, up to this many pixels a side: the largest
 * canvas side every desktop GPU takes (the composite and the PNG are drawn on canvases).
 */
export const SAVE_MAX_SIDE = 8192;
/**
 * …and up to this many pixels (a 40 MP photo: 7744×5163 at 3:2, every 36 MP camera). A save holds the
 * decoded original and the composite at once, 4 bytes a pixel each: 0.32 GB at this cap (8192² would
 * be 0.54 GB), beside what the engine holds already; docs/benchmark.md, "Save at the original's size",
 * has the peaks measured. A larger original is saved scaled down to fit, and the image says so.
 */
export const SAVE_MAX_PIXELS = 40_000_000;
