/**
 * fakeBrowser has no i18n: answer getMessage from the real English messages.json, with the browser's
 * `$1`…`$9` substitution, so unit tests see the strings a person would.
 */
import { fakeBrowser } from 'wxt/testing/fake-browser';
import en from '../../public/_locales/en/messages.json';

const messages = en as Record<string, { message: string }>;

fakeBrowser.i18n.getMessage = ((key: string, subs?: string | string[]) => {
  const list = subs === undefined ? [] : Array.isArray(subs) ? subs : [subs];
  return (messages[key]?.message ?? '').replace(/\$(\d)/g, (_, n: string) => list[Number(n) - 1] ?? '');
}) as typeof fakeBrowser.i18n.getMessage;
