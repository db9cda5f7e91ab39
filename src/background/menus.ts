/** Context menus: ids, creation, and the one click handler (exposed for tests as a stable seam). */
import { browser, type Browser } from 'wxt/browser';
import { getSettings } from '../settings/settings';
import { t } from '../i18n/t';
import { styleName } from '../styles/names';
import { restoreImage, stylizeImage } from './jobs';
import { saveStylized, useAsStyle } from './styles';
import { startBatch } from './batch-runner';

export const MENU = {
  stylize: 'stylize-background',
  stylizeWith: 'stylize-with',
  restore: 'restore-original',
  save: 'save-stylized',
  useAsStyle: 'use-as-style',
  /** Batch: every eligible image of the page (issue 4). */
  stylizePage: 'stylize-page',
} as const;

/** Children of "Stylize background with ▸" are `stylize-with:<styleId>`. */
const WITH_PREFIX = `${MENU.stylizeWith}:`;

export function createMenus() {
  browser.contextMenus.removeAll(() => {
    browser.contextMenus.create({ id: MENU.stylize, title: t('menuStylize'), contexts: ['image'] });
    browser.contextMenus.create({ id: MENU.restore, title: t('menuRestore'), contexts: ['image'] });
    browser.contextMenus.create({ id: MENU.save, title: t('menuSave'), contexts: ['image'] });
    browser.contextMenus.create({ id: MENU.useAsStyle, title: t('menuUseAsStyle'), contexts: ['image'] });
    browser.contextMenus.create({ id: MENU.stylizePage, title: t('menuStylizePage'), contexts: ['page', 'image'] });
    void refreshRecentMenu();
  });
}

/** Rebuilds "Stylize background with ▸" from the five most recently used styles. */
export async function refreshRecentMenu() {
  const { recentStyleIds, styleId } = await getSettings();
  const ids = recentStyleIds.length ? recentStyleIds : [styleId];
  await browser.contextMenus.remove(MENU.stylizeWith).catch(() => {});
  browser.contextMenus.create({ id: MENU.stylizeWith, title: t('menuStylizeWith'), contexts: ['image'] });
  for (const id of ids) {
    browser.contextMenus.create({ id: WITH_PREFIX + id, parentId: MENU.stylizeWith, title: await styleName(id), contexts: ['image'] });
  }
}

type ClickInfo = Pick<Browser.contextMenus.OnClickData, 'menuItemId' | 'srcUrl' | 'frameId' | 'pageUrl' | 'frameUrl'>;

/** The frame and the top page the click was in, as the browser says (frameUrl is set only inside a frame). */
const pageOf = (info: ClickInfo) => (info.pageUrl
  ? { frameUrl: info.frameUrl ?? info.pageUrl, topUrl: info.pageUrl, framed: (info.frameId ?? 0) !== 0 }
  : undefined);

/** The function registered with contextMenus.onClicked. Resolves when the job has finished. */
export async function handleContextMenuClick(info: ClickInfo, tab?: Pick<Browser.tabs.Tab, 'id'>) {
  if (tab?.id === undefined || tab.id < 0) return undefined;
  const target = { tabId: tab.id, frameId: info.frameId ?? 0 };
  switch (info.menuItemId) {
    case MENU.stylize:
      return info.srcUrl ? stylizeImage(target, info.srcUrl, undefined, pageOf(info)) : undefined;
    case MENU.restore:
      return info.srcUrl ? restoreImage(target, info.srcUrl) : undefined;
    case MENU.save:
      return info.srcUrl ? saveStylized(target, info.srcUrl) : undefined;
    case MENU.useAsStyle:
      return info.srcUrl ? useAsStyle(target, info.srcUrl) : undefined;
    case MENU.stylizePage:
      return startBatch(tab.id);
    default:
      if (typeof info.menuItemId === 'string' && info.menuItemId.startsWith(WITH_PREFIX) && info.srcUrl) {
        return stylizeImage(target, info.srcUrl, info.menuItemId.slice(WITH_PREFIX.length), pageOf(info));
      }
      return undefined;
  }
}
