import { defineBackground } from 'wxt/utils/define-background';
import { browser } from 'wxt/browser';
import { createMenus, handleContextMenuClick } from '../src/background/menus';
import { closeOffscreen, ensureOffscreen } from '../src/background/offscreen';

export default defineBackground({
  type: 'module',
  main() {
    browser.runtime.onInstalled.addListener(createMenus);
    browser.contextMenus.onClicked.addListener((info, tab) => void handleContextMenuClick(info, tab));

    browser.runtime.onMessage.addListener((message: unknown, sender) => {
      const msg = message as { to?: string; type?: string };
      if (msg?.to !== 'background') return undefined;
      // The offscreen document (an extension page, never a tab) says it has been idle: close it.
      if (msg.type === 'offscreen-idle' && sender.id === browser.runtime.id && !sender.tab
        && sender.url === browser.runtime.getURL('/offscreen.html')) {
        void closeOffscreen();
      }
      return undefined;
    });

    // The seam tests drive: the very function registered with contextMenus.onClicked.
    Object.assign(globalThis, { backdrop: { handleContextMenuClick, ensureOffscreen } });
  },
});
