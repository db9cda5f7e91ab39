/**
 * The one message contract between Backdrop's contexts: every runtime message, typed by direction,
 * with the reply its receiver gives. A sender gets the reply's type from the message it sends; a
 * receiver is a handler map checked against its direction with `satisfies Handlers<…>`, so a
 * message nobody handles, or a handler answering the wrong shape, fails to compile.
 *
 * On the wire a message is `{ to, type, ...payload }`. `to` matters because a runtime message
 * reaches every extension page at once: the service worker and the offscreen document both hear a
 * content script's message, and each handles only what is addressed to it.
 *
 * What a page-facing context sends (content script messages, and its replies) is never trusted
 * for its type: the receiver validates it first (./validate.ts, ./batch.ts), and the background
 * reads content replies only through parsers (`ContentReplyParsers`).
 *
 * Two other transports have their own small protocols: the per-job result port
 * (./result-channel.ts) and the view frame's window messages (./view.ts).
 */
import type {
  AddStyleReply, ImageSource, JobBeginReply, JobError, MaskOptions, PageContext, PickPoint, SaveRecipe, SaveReply, StylizedInfo,
  StylizeOptions, StylizeReply, StylizeResult, StyleOriginWire, Told, ToPngReply, WelcomeExampleReply,
} from './protocol';
import type { BatchStatus, FoundImage } from './batch';
import type { DeliverTo } from './result-channel';

/** A request: what it carries besides `to` and `type`, and what its receiver answers. */
interface Request<Payload extends object, Reply> {
  payload: Payload;
  reply: Reply;
}
type NoPayload = Record<never, never>;
type TabPayload = { tabId: number };

/** Every direction a runtime message goes in, and its requests by `type`. */
export interface Contract {
  /** The popup (an extension page) asks the service worker. */
  popupToBackground: {
    /** Re-apply the current settings to the images already stylized in a tab; → how many were. */
    'restyle-tab': Request<TabPayload, number>;
    /** Restore every right-clicked image in a tab; → how many were restored. */
    'restore-page': Request<TabPayload, number>;
    /** Add a style from a file the person chose or dropped; a failure comes with its text (`error.message`). */
    'add-style-file': Request<{ dataUrl: string; fileName: string }, Told<AddStyleReply>>;
    /** Scan the tab's page and stylize every eligible image (viewport first); again: add images found since. */
    'batch-start': Request<TabPayload, BatchStatus>;
    /** Stop at once: queued images stay untouched, finished ones stay stylized. */
    'batch-cancel': Request<TabPayload, BatchStatus>;
    /** Cancel, and give every batch image of the page its original back. */
    'batch-restore-all': Request<TabPayload, BatchStatus>;
    /** Progress only (done + failed of total), polled for the progress bar. */
    'batch-status': Request<TabPayload, BatchStatus>;
  };
  /** The welcome page (an extension page, opened on install) asks the service worker. */
  welcomeToBackground: {
    /**
     * Paint the bundled sample photo as a right-click would (the person's settings, or this
     * built-in style instead of theirs); → the picture, as a data: URL, and the style's name.
     */
    'welcome-example': Request<{ styleId?: string }, WelcomeExampleReply>;
  };
  /** A content script tells the service worker. Page-facing: validated before use. */
  contentToBackground: {
    /**
     * A person right-clicked an image and the menu is open: start the engine, and read `srcUrl`
     * ahead when the page shows it from the network.
     */
    warm: Request<{ srcUrl?: string; point?: PickPoint }, void>;
    /** Images added to the page while batch mode is on (top frame only); → how many were queued. */
    'batch-found': Request<{ images: FoundImage[] }, number>;
  };
  /** The offscreen document tells the service worker. */
  offscreenToBackground: {
    /** Nothing has run for a while: the worker may close the document. */
    'offscreen-idle': Request<NoPayload, void>;
    /** Firefox: the engine still holds its models; the event page must not be suspended under it. */
    'offscreen-awake': Request<NoPayload, void>;
  };
  /** The service worker asks a content script (in one frame). Replies are validated (ContentReplyParsers). */
  backgroundToContent: {
    /** Show progress on the image and open the job's result port. */
    'job-begin': Request<{ jobId: string; srcUrl: string }, JobBeginReply>;
    /** The result was delivered; add its details (style name, a downscale note). → shown. */
    'job-done': Request<{ jobId: string; result: StylizeResult; styleName: string }, boolean>;
    /** The job failed: the page says why (the content script makes the text from the error's key). */
    'job-failed': Request<{ jobId: string; error: JobError }, boolean>;
    /** Restore the image `srcUrl` shows (or was stylized from). → restored. */
    restore: Request<{ srcUrl: string }, boolean>;
    /** → the original URLs of the images stylized (right-clicked) in this frame. */
    'list-stylized': Request<NoPayload, string[]>;
    /**
     * → what "Save stylized image" needs for `srcUrl` (the job, a page-local original's bytes), or
     * null when it is not stylized; with `shown`, the result as shown too (to save it as it is).
     */
    'stylized-info': Request<{ srcUrl: string; shown?: boolean }, StylizedInfo | null>;
    /** Say on the image what Save did, when it is not the plain thing (a note), or why it failed (an error). → shown. */
    'save-note': Request<{ srcUrl: string; kind: 'note' | 'error'; text: string }, boolean>;
    /** Restore every right-clicked image in this frame. → how many. */
    'restore-all': Request<NoPayload, number>;
    /** Batch mode on: scan the page. → new image URLs only, viewport first. */
    'batch-scan': Request<NoPayload, FoundImage[]>;
    /** Show "working" on the image(s) of `url` and open the job's result port. */
    'batch-begin': Request<{ url: string; jobId: string }, JobBeginReply>;
    /** The result was delivered: show it on every element of `url`. → shown. */
    'batch-apply': Request<{ url: string }, boolean>;
    'batch-fail': Request<{ url: string; error: JobError }, boolean>;
    /** Batch mode off: forget queued images and their indicators. */
    'batch-stop': Request<NoPayload, boolean>;
    /** Batch mode off and every batch image back to its original. → how many. */
    'batch-restore-all': Request<NoPayload, number>;
  };
  /** The service worker gives the offscreen document work. */
  backgroundToOffscreen: {
    stylize: Request<{
      jobId: string; source: ImageSource; options: StylizeOptions;
      /** Deliver the image to this frame's content script over the result channel (it opened the job's port). */
      deliverTo?: DeliverTo;
    }, StylizeReply>;
    /** Add a style; `name` is never empty (the worker's translated default when the image names nothing). */
    'add-style': Request<{ source: ImageSource; name: string; origin: StyleOriginWire }, AddStyleReply>;
    /** A result as shown (a data: URL) as PNG, held under a blob: URL for the download as `save`'s file is. */
    'to-png': Request<{ dataUrl: string }, ToPngReply>;
    /**
     * Render job `jobId`'s result again at the original's own size, as a PNG held for the download.
     * `from`: the tab and frame asking (only the job's own). `originalData`: a data: or blob:
     * original's bytes, handed over again by the page. `recipe`: how the job painted, for when this
     * document no longer holds its layers (it was closed when idle since).
     */
    save: Request<{ jobId: string; from: DeliverTo; originalData?: string; recipe?: SaveRecipe }, SaveReply>;
    /** The download of a saved file has ended: let its blob: URL go. */
    'save-release': Request<{ url: string }, { ok: true }>;
    /** Load the runtime, the models and the style's bottleneck now, so the next job starts warm. */
    warm: Request<{ options: StylizeOptions }, { ok: boolean }>;
    /**
     * Fetch, decode and make the models' inputs of this image now: it was right-clicked, its job may
     * follow. With the engine up it is segmented, and its keep-mask made for `mask`.
     */
    'read-ahead': Request<{ url: string; mask?: MaskOptions; page?: PageContext }, { ok: true }>;
    /** The page will not take this job's result: skip it, or stop waiting for its port. */
    cancel: Request<{ jobId: string }, { ok: true }>;
  };
}

export type Direction = keyof Contract;
/** The message types of a direction. */
export type MessageType<D extends Direction> = keyof Contract[D] & string;

/** The context each direction's messages are addressed to. */
export type AddressOf<D extends Direction> =
  D extends `${string}To${infer To}` ? Uncapitalize<To> : never;

type Payload<D extends Direction, K extends MessageType<D>> = Contract[D][K] extends Request<infer P, unknown> ? P : never;

/** One message of a direction, as it goes on the wire. */
export type MessageOf<D extends Direction, K extends MessageType<D>> = { to: AddressOf<D>; type: K } & Payload<D, K>;
/** Any message of a direction. */
export type Message<D extends Direction> = { [K in MessageType<D>]: MessageOf<D, K> }[MessageType<D>];
/** The reply to a message of a direction. */
export type ReplyOf<D extends Direction, K extends MessageType<D>> = Contract[D][K] extends Request<object, infer R> ? R : never;

/** A receiver: one handler per message type of a direction, given what the receiver knows of the sender. */
export type Handlers<D extends Direction, Sender = void> = {
  [K in MessageType<D>]: (msg: MessageOf<D, K>, sender: Sender) => ReplyOf<D, K> | Promise<ReplyOf<D, K>>;
};

/** Turns what a page-facing context answered into the reply the contract promises (or a safe stand-in). */
export type ReplyParsers<D extends Direction> = { [K in MessageType<D>]: (reply: unknown) => ReplyOf<D, K> };

/**
 * Runs the handler for a message already known to be of direction D. The one cast of the contract
 * lives here: TypeScript cannot correlate `handlers[msg.type]` with `msg` by itself.
 */
export function dispatch<D extends Direction, Sender>(handlers: Handlers<D, Sender>, msg: Message<D>, sender: Sender): Promise<unknown> {
  const handler = handlers[msg.type as MessageType<D>] as (m: Message<D>, s: Sender) => unknown;
  return Promise.resolve(handler(msg, sender));
}

/**
 * A message from a trusted context (the extension's own service worker) addressed to `to` with a
 * type the receiver handles; undefined otherwise (another context's message).
 */
export function isMessageTo<D extends Direction>(to: AddressOf<D>, handlers: Handlers<D, never>, message: unknown): Message<D> | undefined {
  if (typeof message !== 'object' || message === null) return undefined;
  const { to: address, type } = message as { to?: unknown; type?: unknown };
  return address === to && typeof type === 'string' && Object.hasOwn(handlers, type) ? message as Message<D> : undefined;
}

// Each direction's union of messages, by the names the rest of the code uses.
export type PopupToBackground = Message<'popupToBackground'>;
export type WelcomeToBackground = Message<'welcomeToBackground'>;
export type ContentToBackground = Message<'contentToBackground'>;
export type OffscreenToBackground = Message<'offscreenToBackground'>;
export type BackgroundToContent = Message<'backgroundToContent'>;
export type BackgroundToOffscreen = Message<'backgroundToOffscreen'>;
