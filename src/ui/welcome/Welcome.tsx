import { browser } from 'wxt/browser';
import { t } from '../../i18n/t';
import { FIREFOX } from '../../platform/browser';
import { Example } from './Example';
import { Permissions } from './Permissions';
import { Shortcut } from './Shortcut';

/** Closes this tab (window.close() may not close a tab the extension opened). */
async function closePage() {
  const tab = await browser.tabs.getCurrent().catch(() => undefined);
  if (tab?.id !== undefined) await browser.tabs.remove(tab.id);
  else window.close();
}

/** Each right-click item on an image: its name as the menu shows it, and what it does. */
const MENU_ITEMS = () => [
  [t('welcomeMenuStylize'), t('welcomeMenuStylizeWhat')],
  [t('welcomeMenuRestore'), t('welcomeMenuRestoreWhat')],
  [t('welcomeMenuSave'), t('welcomeMenuSaveWhat')],
  [t('welcomeMenuUseAsStyle'), t('welcomeMenuUseAsStyleWhat')],
];

/**
 * The page the background opens once, on install (src/background/welcome.ts): what Backdrop does,
 * shown live on a bundled photo, how to use it, and what its permissions are for.
 */
export function Welcome() {
  return (
    <main class="welcome">
      <header>
        <h1>{t('welcomeTitle')}</h1>
        <p>{t('welcomeIntro')}</p>
      </header>

      <section data-section="example" aria-labelledby="example-title">
        <h2 id="example-title">{t('welcomeExampleTitle')}</h2>
        <p>{t('welcomeExampleIntro')}</p>
        <Example />
      </section>

      <section data-section="right-click" aria-labelledby="right-click-title">
        <h2 id="right-click-title">{t('welcomeRightClickTitle')}</h2>
        <p>{t('welcomeRightClickIntro')}</p>
        <ul class="menu">
          {MENU_ITEMS().map(([name, what]) => <li key={name}><strong>{name}</strong>{': '}{what}</li>)}
        </ul>
      </section>

      <section data-section="whole-page" aria-labelledby="whole-page-title">
        <h2 id="whole-page-title">{t('welcomeWholePageTitle')}</h2>
        <p>{t('welcomeWholePageMenu', t('commandStylizePage'))}</p>
        <Shortcut />
        <p class="hint">{FIREFOX ? t('welcomeShortcutWhereFirefox') : t('welcomeShortcutWhereChrome')}</p>
        <p>{t('welcomeWholePageAfter')}</p>
      </section>

      <section data-section="popup" aria-labelledby="popup-title">
        <h2 id="popup-title">{t('welcomePopupTitle')}</h2>
        <p>{t('welcomePopup')}</p>
      </section>

      <section data-section="permissions" aria-labelledby="permissions-title">
        <h2 id="permissions-title">{t('welcomePermissionsTitle')}</h2>
        <p>{t('welcomePermissionsIntro')}</p>
        <Permissions />
      </section>

      <footer>
        <button type="button" class="primary" data-welcome="close" onClick={() => void closePage()}>{t('welcomeClose')}</button>
      </footer>
    </main>
  );
}
