import { defineBackground } from 'wxt/utils/define-background';
import { browser } from 'wxt/browser';
import { createMenus, handleContextMenuClick, refreshRecentMenu } from '../src/background/menus';
import { routeMessage } from '../src/background/router';
import { settingsItem } from '../src/settings/settings';
import { closeOffscreen, ensureOffscreen } from '../src/background/offscreen';
import { handleBatchCommand, handleCommand, registerBatch } from '../src/background/batch-runner';
import { FIREFOX } from '../src/platform/browser';
import { openBridgeOnInstall } from '../src/test-hooks/bridge';
import { openWelcomeOnInstall } from '../src/background/welcome';

export default defineBackground({
  type: 'module',
  main() {
    browser.runtime.onInstalled.addListener(createMenus);
    // The welcome page, on a first install. Not in the test build: every e2e launch is a first
    // install, and a tab opening then would disturb every test (tests/unit/welcome.test.ts holds the rule).
    if (import.meta.env.MODE !== 'test') browser.runtime.onInstalled.addListener((details) => void openWelcomeOnInstall(details));
    browser.contextMenus.onClicked.addListener((info, tab) => void handleContextMenuClick(info, tab));
    registerBatch();

    settingsItem.watch((next, prev) => {
      if (next?.recentStyleIds.join() !== prev?.recentStyleIds.join() || next?.styleId !== prev?.styleId) void refreshRecentMenu();
      // Another thread count: start the next job in a fresh document (a clean wasm heap and thread
      // pool) rather than rebuild models next to the old ones' winding-down threads.
      if (prev && next?.threads !== prev.threads) void closeOffscreen();
    });

    // Every runtime message, validated for its sender (src/background/router.ts).
    browser.runtime.onMessage.addListener((message: unknown, sender) => routeMessage(message, sender));

    // The seams tests drive: the very functions registered with contextMenus.onClicked and commands.onCommand.
    Object.assign(globalThis, { backdrop: { handleContextMenuClick, handleCommand, ensureOffscreen, closeOffscreen, handleBatchCommand } });
    // Test build: a runtime message sent from here, as the engine's only sender, and Firefox's
    // harness reaches all of them through a page (src/test-hooks/bridge.ts).
    if (import.meta.env.MODE === 'test') {
      Object.assign((globalThis as unknown as { backdrop: object }).backdrop, { sendFromBackground: (m: unknown) => browser.runtime.sendMessage(m) });
      if (FIREFOX) openBridgeOnInstall();
    }
  },
});
