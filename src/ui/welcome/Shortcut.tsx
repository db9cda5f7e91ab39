import { useEffect, useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import { t } from '../../i18n/t';

/** The manifest's command that stylizes every image of a page (wxt.config.ts). */
export const PAGE_COMMAND = 'stylize-page';

/**
 * The keys of the "stylize every image" command as the browser has them now (the person may have
 * changed them, or another extension taken them), never the manifest's suggestion written here.
 */
export function Shortcut() {
  // undefined: not read yet; '': no shortcut.
  const [keys, setKeys] = useState<string>();
  useEffect(() => {
    void browser.commands.getAll().then(
      (all) => setKeys(all.find((c) => c.name === PAGE_COMMAND)?.shortcut ?? ''),
      () => setKeys(''),
    );
  }, []);
  if (keys === undefined) return null;
  return keys
    ? <p>{t('welcomeWholePageKeys')} <kbd data-shortcut={keys}>{keys}</kbd></p>
    : <p data-shortcut="">{t('welcomeShortcutNone')}</p>;
}
