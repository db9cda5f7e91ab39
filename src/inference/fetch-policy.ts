/**
 * How the offscreen document asks for an image: never with more authority than the page that shows
 * it, and never without bounds.
 *
 * Credentials. The extension's own request comes from the extension's origin, which Chrome treats
 * as same-site with any host it may access: left alone it would carry SameSite cookies that the
 * page's own cross-site `<img>` request never sends. So cookies go only where the page's request
 * would surely carry them: an http(s) image in the tab's top frame, on the very host (any port, same
 * scheme) as the top page, which makes it same-site with it. An image inside a frame goes without:
 * the browser withholds SameSite cookies when any frame between it and the top is of another site,
 * and Backdrop is told only the frame and the top (a frame of the top's host could sit inside
 * another site's frame). Without the
 * Public Suffix List Backdrop cannot tell sibling hosts of one site (a.example.com, b.example.com)
 * from hosts of different sites (a.github.io, b.github.io), so it errs narrow: a sibling host's
 * image is read without cookies (the page may have sent some; most images need none). Such a
 * request refuses redirects (`redirect: 'error'`), so no redirect can carry the cookies to another
 * site; it is retried without cookies, following redirects. Everything else goes without cookies.
 * Neither sends a referrer (the extension's page is not the page the person is on).
 *
 * Caching. A request with cookies is never stored nor read from the HTTP cache (`no-store`), so the
 * extension's cache partition only holds answers given without cookies, which any later job may
 * reuse (`force-cache`: an image the extension read already is not read again).
 */
import type { ImageSource, PageContext } from '../messaging/protocol';

export type CredentialsMode = 'include' | 'omit';

/**
 * A file larger than this is refused, from its Content-Length at once, else while it streams. Twice
 * the largest photos cameras write (a 100 MP JPEG is ~30 MB) and over what a page may hand over as a
 * data: URL (validate.ts, MAX_DATA_URL: 48 MiB of bytes); held once in memory while it decodes.
 */
export const MAX_IMAGE_BYTES = 64 * 1024 * 1024;
/**
 * A server that sends nothing (no answer, or no new bytes) for this long is given up on: a working
 * connection that has stopped for 15 s is not coming back while the person waits at the image.
 */
export const STALL_MS = 15_000;
/**
 * The whole download's limit, for a server that trickles bytes without end: 64 MB arrives in that
 * time at ~9 Mbit/s, and a person who waited a minute at a veil would rather be told.
 */
export const DOWNLOAD_MS = 60_000;

/** Whether two URLs are http(s) on the same host with the same scheme (so surely same-site; ports aside). */
export function sameHost(a: string, b: string): boolean {
  try {
    const x = new URL(a);
    const y = new URL(b);
    return (x.protocol === 'http:' || x.protocol === 'https:') && x.protocol === y.protocol && x.hostname === y.hostname;
  } catch {
    return false;
  }
}

/** The credentials the extension's request for `url` may carry, shown by `page` (see above). */
export function credentialsFor(url: string, page?: PageContext): CredentialsMode {
  return page && !page.framed && sameHost(url, page.frameUrl) && sameHost(url, page.topUrl) ? 'include' : 'omit';
}

/**
 * What a prepared image is kept under: the URL and the credentials it was read with, so bytes read
 * with cookies never serve a job whose page would have read the image without them.
 */
export function sourceKey(source: ImageSource): string {
  return source.kind === 'url' ? `${credentialsFor(source.url, source.page)} ${source.url}` : source.dataUrl;
}

/** The fetch options of one attempt: with cookies (no redirects, no cache) or without. */
export function requestInit(mode: CredentialsMode, signal?: AbortSignal): RequestInit {
  return mode === 'include'
    ? { credentials: 'include', redirect: 'error', cache: 'no-store', referrerPolicy: 'no-referrer', signal }
    : { credentials: 'omit', redirect: 'follow', cache: 'force-cache', referrerPolicy: 'no-referrer', signal };
}
