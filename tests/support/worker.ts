/**
 * Fakes for unit tests of the service worker (src/background/): WXT's fake browser stands in for the
 * extension APIs, and these stand in for the two parties the worker talks to, the content script of a
 * tab (`tabs.sendMessage`) and the offscreen document (`runtime.sendMessage`). Each records what it was
 * sent and lets a test await a state of that record (an event), instead of sleeping.
 */
import { vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import type { Browser } from 'wxt/browser';

export interface Deferred<T> {
  promise: Promise<T>;
  resolve: (value: T) => void;
  reject: (reason: unknown) => void;
}

export function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/**
 * One turn of the event loop. The worker's code on the paths these fakes drive uses no timers (the
 * fakes answer in microtasks), so by the time a macrotask runs every promise chain it started has run
 * to its end: this is how a test sees that something did *not* happen, never a wait for time to pass.
 */
export const settled = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/** A list that wakes whoever awaits a condition on it each time it grows. */
export class Log<T> {
  readonly entries: T[] = [];
  private waiters: { test: (entries: T[]) => boolean; resolve: () => void }[] = [];

  push(entry: T) {
    this.entries.push(entry);
    this.waiters = this.waiters.filter((w) => !(w.test(this.entries) && (w.resolve(), true)));
  }

  /**
   * Resolves once `test` holds for the entries (at once if it already does). Rejects, naming `what`,
   * if it has not after WAIT_MS: a broken worker then fails with what it never did, not a bare timeout.
   */
  until(test: (entries: T[]) => boolean, what = 'a message'): Promise<void> {
    if (test(this.entries)) return Promise.resolve();
    return withDeadline(new Promise((resolve) => this.waiters.push({ test, resolve })), what);
  }
}

/** How long an awaited event may take before the test gives up on it (the fakes answer in microseconds). */
export const WAIT_MS = 2000;

/** `promise`, or a rejection naming `what` if it has not settled after WAIT_MS. */
export function withDeadline<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`still waiting for ${what} after ${WAIT_MS} ms`)), WAIT_MS);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

/** An event the fake browser does not implement (runtime.onConnect, commands.onCommand), with a trigger. */
export function fakeEvent<L extends (...args: never[]) => unknown>() {
  const listeners: L[] = [];
  return {
    addListener: (l: L) => void listeners.push(l),
    removeListener: (l: L) => void listeners.splice(listeners.indexOf(l) >>> 0, 1),
    hasListener: (l: L) => listeners.includes(l),
    hasListeners: () => listeners.length > 0,
    trigger: (...args: Parameters<L>) => Promise.all(listeners.map((l) => l(...args))),
  };
}

/** Chrome's words when a tab has no listener (no content script): the worker takes it as "no page". */
export const NOT_RECEIVED = 'Could not establish connection. Receiving end does not exist.';

// ---------------------------------------------------------------- senders, shaped as Chrome fills them in

type Sender = Browser.runtime.MessageSender;
const ext = (path: string) => fakeBrowser.runtime.getURL(path as never);

export const fakeTab = (id: number, url: string) =>
  ({ id, url, index: 0, highlighted: true, active: true, pinned: false, incognito: false, windowId: 1 }) as Browser.tabs.Tab;

export const SENDERS = {
  serviceWorker: (): Sender => ({ id: fakeBrowser.runtime.id, url: ext('/background.js') }),
  popup: (): Sender => ({ id: fakeBrowser.runtime.id, url: ext('/popup.html'), frameId: 0 }),
  popupInTab: (): Sender => ({ id: fakeBrowser.runtime.id, url: ext('/popup.html'), frameId: 0, tab: fakeTab(3, ext('/popup.html')) }),
  offscreen: (): Sender => ({ id: fakeBrowser.runtime.id, url: ext('/offscreen.html') }),
  /** The welcome page (src/ui/welcome), opened in a tab of its own on install. */
  welcome: (): Sender => ({ id: fakeBrowser.runtime.id, url: ext('/welcome.html'), frameId: 0, tab: fakeTab(4, ext('/welcome.html')) }),
  /** The extension frame Backdrop lays over opaque results: an extension page inside a web page's tab. */
  viewFrame: (tabId: number, page: string): Sender => ({ id: fakeBrowser.runtime.id, url: ext('/view.html'), frameId: 9, tab: fakeTab(tabId, page) }),
  contentTop: (tabId: number, page: string): Sender => ({ id: fakeBrowser.runtime.id, url: page, frameId: 0, tab: fakeTab(tabId, page) }),
  contentFrame: (tabId: number, page: string): Sender =>
    ({ id: fakeBrowser.runtime.id, url: 'https://ads.example/frame.html', frameId: 5, tab: fakeTab(tabId, page) }),
  otherExtension: (): Sender => ({ id: 'someone-else', url: 'chrome-extension://someone-else/popup.html' }),
};

// ---------------------------------------------------------------- the content script

export interface ContentMessage {
  tabId: number;
  frameId: number | undefined;
  msg: { type: string; [field: string]: unknown };
}

type ContentHandler = (msg: ContentMessage['msg'], to: { tabId: number; frameId: number | undefined }) => unknown;

/**
 * The content scripts of every tab, as the worker reaches them (`tabs.sendMessage`): each message is
 * logged, then answered by the handler for its type; a type without a handler rejects as Chrome does
 * when no listener answers.
 */
export function fakeContent(handlers: Record<string, ContentHandler> = {}) {
  const log = new Log<ContentMessage>();
  const sendMessage = vi.fn(async (tabId: number, msg: ContentMessage['msg'], options?: { frameId?: number }) => {
    const to = { tabId, frameId: options?.frameId };
    log.push({ ...to, msg });
    const handler = handlers[msg.type];
    if (!handler) throw new Error(NOT_RECEIVED);
    return handler(msg, to);
  });
  fakeBrowser.tabs.sendMessage = sendMessage as never;
  /** The messages of one type, in the order they were sent. */
  const of = (type: string) => log.entries.filter((e) => e.msg.type === type).map((e) => e.msg);
  return { log, handlers, sendMessage, of, urls: (type: string) => of(type).map((m) => m.url as string) };
}

// ---------------------------------------------------------------- the offscreen document

export interface OffscreenCall {
  msg: { type: string; jobId?: string; [field: string]: unknown };
  reply: Deferred<unknown>;
  answered: boolean;
}

/**
 * The offscreen document as the worker reaches it (`runtime.sendMessage`, the message-level boundary:
 * no model runs here). Each request is logged with a deferred reply; `answer` settles it at once
 * when it gives a value (undefined holds it for the test to settle with `reply.resolve`/`reject`).
 * `inFlight`/`maxInFlight` count stylize requests not yet answered.
 */
export function fakeOffscreen(answer: (msg: OffscreenCall['msg']) => unknown = () => undefined) {
  const log = new Log<OffscreenCall>();
  const state = { inFlight: 0, maxInFlight: 0 };
  const sendMessage = vi.fn((msg: OffscreenCall['msg']) => {
    const reply = deferred<unknown>();
    const call: OffscreenCall = { msg, reply, answered: false };
    const settle = <A extends unknown[]>(f: (...args: A) => void) => (...args: A) => {
      if (call.answered) return;
      call.answered = true;
      if (msg.type === 'stylize') state.inFlight--;
      f(...args);
    };
    call.reply = { promise: reply.promise, resolve: settle(reply.resolve), reject: settle(reply.reject) };
    if (msg.type === 'stylize') state.maxInFlight = Math.max(state.maxInFlight, ++state.inFlight);
    log.push(call);
    const now = answer(msg);
    if (now !== undefined) call.reply.resolve(now);
    return call.reply.promise;
  });
  fakeBrowser.runtime.sendMessage = sendMessage as never;
  const calls = (type: string) => log.entries.filter((c) => c.msg.type === type);
  return {
    log, state, sendMessage, calls,
    /** The stylize requests for `url` (its source's URL, or the data: URL it carries). */
    stylizeOf: (url: string) => calls('stylize').filter((c) => sourceUrl(c.msg) === url),
    /** Resolves with the first unanswered stylize request for `url`, once there is one. */
    async pending(url: string): Promise<OffscreenCall> {
      const find = () => calls('stylize').find((c) => !c.answered && sourceUrl(c.msg) === url);
      await log.until(() => find() !== undefined, `a stylize request for ${url}`);
      return find()!;
    },
  };
}

export function sourceUrl(msg: OffscreenCall['msg']): string | undefined {
  const source = msg.source as { kind: string; url?: string; dataUrl?: string } | undefined;
  return source?.kind === 'url' ? source.url : source?.dataUrl;
}

/** A successful stylize reply, as the offscreen document sends once the page shows the result. */
export const stylized = (width = 640, height = 480) => ({ ok: true, result: { width, height, timings: {} } });

/**
 * Resolves with the value under `key` in storage.session once `test` holds for it (at once if it
 * already does), woken by storage.session.onChanged: the worker's writes are the event.
 */
export function whenStored<T = unknown>(key: string, test: (value: T | undefined) => boolean): Promise<T | undefined> {
  const area = fakeBrowser.storage.session;
  return withDeadline(new Promise((resolve) => {
    const check = async () => {
      const value = (await area.get(key))[key] as T | undefined;
      if (!test(value)) return;
      area.onChanged.removeListener(onChanged);
      resolve(value);
    };
    const onChanged = (changes: Record<string, unknown>) => void (key in changes && check());
    area.onChanged.addListener(onChanged);
    void check();
  }), `storage.session's ${key} to match ${test.toString()}`);
}
