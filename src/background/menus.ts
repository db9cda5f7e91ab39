/** Context menus: ids, creation, and the one click handler (exposed for tests as a stable seam). */
import { browser, type Browser } from 'wxt/browser';
import { restoreImage, stylizeImage } from './jobs';

export const MENU = {
  stylize: 'stylize-background',
  restore: 'restore-original',
} as const;

export function createMenus() {
  browser.contextMenus.removeAll(() => {
    browser.contextMenus.create({ id: MENU.stylize, title: 'Stylize background', contexts: ['image'] });
    browser.contextMenus.create({ id: MENU.restore, title: 'Restore original', contexts: ['image'] });
  });
}

type ClickInfo = Pick<Browser.contextMenus.OnClickData, 'menuItemId' | 'srcUrl' | 'frameId' | 'pageUrl'>;

/** The function registered with contextMenus.onClicked. Resolves when the job has finished. */
export async function handleContextMenuClick(info: ClickInfo, tab?: Pick<Browser.tabs.Tab, 'id'>) {
  if (tab?.id === undefined || tab.id < 0) return undefined;
  const target = { tabId: tab.id, frameId: info.frameId ?? 0 };
  switch (info.menuItemId) {
    case MENU.stylize:
      return info.srcUrl ? stylizeImage(target, info.srcUrl) : undefined;
    case MENU.restore:
      return info.srcUrl ? restoreImage(target, info.srcUrl) : undefined;
    default:
      return undefined;
  }
}
