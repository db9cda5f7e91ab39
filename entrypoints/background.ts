import { defineBackground } from 'wxt/utils/define-background';
import { browser } from 'wxt/browser';
import { createMenus, handleContextMenuClick, refreshRecentMenu } from '../src/background/menus';
import { routePopupMessage } from '../src/background/popup-routes';
import { settingsItem } from '../src/settings/settings';
import { closeOffscreen, ensureOffscreen } from '../src/background/offscreen';
import { handleBatchCommand, handleCommand, registerBatch, routeBatchMessage } from '../src/background/batch-runner';
import { warmUp } from '../src/background/warm-up';
import { parseWarmHint } from '../src/messaging/validate';
import { fromContentScript, fromOffscreen } from '../src/messaging/senders';

export default defineBackground({
  type: 'module',
  main() {
    browser.runtime.onInstalled.addListener(createMenus);
    browser.contextMenus.onClicked.addListener((info, tab) => void handleContextMenuClick(info, tab));
    registerBatch();

    settingsItem.watch((next, prev) => {
      if (next?.recentStyleIds.join() !== prev?.recentStyleIds.join() || next?.styleId !== prev?.styleId) void refreshRecentMenu();
      // Another runtime or thread count: start the next job in a fresh document (a clean wasm heap and
      // thread pool) rather than rebuild models next to the old ones' winding-down threads.
      if (prev && (next?.threads !== prev.threads || next?.runtime !== prev.runtime)) void closeOffscreen();
    });

    browser.runtime.onMessage.addListener((message: unknown, sender) => {
      const msg = message as { to?: string; type?: string };
      if (msg?.to !== 'background') return undefined;
      const popupReply = routePopupMessage(message, sender);
      if (popupReply) return popupReply;
      const batchReply = routeBatchMessage(message, sender);
      if (batchReply) return batchReply;
      // A right-click over an image: start the engine, and read the image, while the menu is open.
      const hint = parseWarmHint(message, fromContentScript(sender));
      if (hint) {
        // The page context comes from the browser (the sender's frame and tab), never from the message.
        void warmUp(hint.srcUrl, sender.url && sender.tab?.url
          ? { frameUrl: sender.url, topUrl: sender.tab.url, framed: sender.frameId !== 0 } : undefined);
        return undefined;
      }
      // The offscreen document (an extension page, never a tab) says it has been idle: close it.
      if (msg.type === 'offscreen-idle' && fromOffscreen(sender)) {
        void closeOffscreen();
      }
      return undefined;
    });

    // The seams tests drive: the very functions registered with contextMenus.onClicked and commands.onCommand.
    Object.assign(globalThis, { backdrop: { handleContextMenuClick, handleCommand, ensureOffscreen, handleBatchCommand } });
  },
});
