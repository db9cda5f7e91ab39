import { useEffect, useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import { t } from '../i18n/t';

/** The host access Backdrop's manifest asks for: reading images on any site. */
const ALL_SITES = { origins: ['<all_urls>'] };

/**
 * Firefox lets a person withhold an MV3 add-on's host access (and installs some without it); Backdrop
 * cannot read a single image then. The popup says so and asks, from the person's own click, as
 * permissions.request requires. Chrome grants the access on install, so this shows nothing there.
 */
export function SiteAccess() {
  const [granted, setGranted] = useState<boolean>();
  useEffect(() => {
    void browser.permissions.contains(ALL_SITES).then(setGranted);
  }, []);
  if (granted !== false) return null;
  const ask = async () => setGranted(await browser.permissions.request(ALL_SITES).catch(() => false));
  return (
    <div class="msg error" role="alert" data-site-access="missing">
      {t('popupSiteAccessMissing')}{' '}
      <button type="button" class="primary" onClick={() => void ask()}>{t('popupSiteAccessAllow')}</button>
    </div>
  );
}
