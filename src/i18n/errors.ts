/**
 * A JobError (src/messaging/protocol.ts) into words: the contexts that show one call this, never the
 * engine (Chrome's offscreen document has no `chrome.i18n`; it sends the key and its substitutions).
 *
 * Only Backdrop's own error sentences (the `err…` keys) are said. Anything else a message could
 * carry (a key of another kind, one this version does not have, not a string at all) becomes the
 * generic sentence: a key from elsewhere never picks what the person reads.
 */
import type { ErrorKey, JobError, Told, ToldError } from '../messaging/protocol';
import { t } from './t';

const isErrorKey = (key: unknown): key is ErrorKey => typeof key === 'string' && /^err[A-Z][A-Za-z0-9]*$/.test(key);

/** The sentence `error` names, its substitutions filled in, in the person's language. */
export function errorText(error: Pick<JobError, 'key' | 'subs'>): string {
  const subs = Array.isArray(error.subs) ? error.subs.map(String) : [];
  return (isErrorKey(error.key) && t(error.key, ...subs)) || t('errUnknown');
}

/** `error` with its text, as the service worker hands it on (the popup shows `message`). */
export function withText(error: JobError): ToldError {
  return { ...error, message: errorText(error) };
}

/** A reply with its error, if any, put into words. */
export function told<R extends { ok: boolean }>(reply: R): Told<R> {
  const r = reply as R & { error?: JobError };
  return (r.ok || !r.error ? r : { ...r, error: withText(r.error) }) as Told<R>;
}
