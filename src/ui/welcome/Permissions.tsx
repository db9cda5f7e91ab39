import { browser } from 'wxt/browser';
import { t } from '../../i18n/t';

/** Each permission Backdrop's manifests ask for (wxt.config.ts), in plain words: what it is, and why. */
export const PERMISSION_WORDS: Record<string, () => [name: string, why: string]> = {
  '<all_urls>': () => [t('welcomePermissionHosts'), t('welcomePermissionHostsWhy')],
  contextMenus: () => [t('welcomePermissionContextMenus'), t('welcomePermissionContextMenusWhy')],
  storage: () => [t('welcomePermissionStorage'), t('welcomePermissionStorageWhy')],
  downloads: () => [t('welcomePermissionDownloads'), t('welcomePermissionDownloadsWhy')],
  offscreen: () => [t('welcomePermissionOffscreen'), t('welcomePermissionOffscreenWhy')],
};

/**
 * The permissions this very package holds, read from its manifest: Chrome's has `offscreen`,
 * Firefox's does not, and a permission added later without words here shows nothing rather than
 * a name a person cannot read (tests/e2e/welcome.test.ts checks that every one has words).
 */
export function Permissions() {
  const manifest = browser.runtime.getManifest();
  const asked = [...(manifest.host_permissions ?? []), ...(manifest.permissions ?? [])] as string[];
  return (
    <ul class="permissions">
      {asked.filter((p) => p in PERMISSION_WORDS).map((p) => {
        const [name, why] = PERMISSION_WORDS[p]();
        return <li key={p} data-permission={p}><strong>{name}</strong>{': '}{why}</li>;
      })}
    </ul>
  );
}
