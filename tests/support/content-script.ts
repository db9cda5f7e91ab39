/**
 * Reaching the content script's own world (Chrome's isolated world for the extension) in a page,
 * through DevTools: the test build's content debug surface (`backdropContentDebug`, installed by
 * src/content/results.ts only in mode `test`) lives there, out of the page's reach.
 */
import type { Page } from 'puppeteer-core';

/** What the content debug surface reports of the results the page holds (see src/content/results.ts). */
export interface ContentResults {
  /** Elements showing a result now, by the flow that put it there. */
  elements: { 'right-click': number; batch: number };
  /** Results not let go yet (shown, or held by a flow for elements to come). */
  live: number;
  /** Results made since the page loaded, and let go. */
  made: number;
  letGo: number;
  /** blob: URLs revoked, and detached images handed to src/content/release.ts. */
  revoked: number;
  released: number;
}

/**
 * Evaluates `expression` in the extension's content-script world of the page's top frame, and
 * returns its value (promises awaited). Throws when the frame has no content script of the extension.
 */
export async function inContentScript<T>(page: Page, extensionId: string, expression: string): Promise<T> {
  const cdp = await page.createCDPSession();
  try {
    const contexts: { id: number; origin: string; name: string; auxData?: { frameId?: string; type?: string } }[] = [];
    cdp.on('Runtime.executionContextCreated', (e) => contexts.push(e.context));
    const { frameTree } = await cdp.send('Page.getFrameTree');
    // Enabling reports every existing context before it answers.
    await cdp.send('Runtime.enable');
    const world = contexts.find((c) => c.auxData?.frameId === frameTree.frame.id && c.auxData?.type === 'isolated'
      && c.origin === `chrome-extension://${extensionId}`);
    if (!world) throw new Error(`no content script of ${extensionId} in ${page.url()}: ${JSON.stringify(contexts.map((c) => [c.origin, c.name, c.auxData]))}`);
    const { result, exceptionDetails } = await cdp.send('Runtime.evaluate', {
      expression, contextId: world.id, returnByValue: true, awaitPromise: true,
    });
    if (exceptionDetails) throw new Error(`in the content script: ${exceptionDetails.exception?.description ?? exceptionDetails.text}`);
    return result.value as T;
  } finally {
    await cdp.detach();
  }
}

/** The content debug surface's account of results (undefined when the build has none: not a test build, or older code). */
export const contentResults = (page: Page, extensionId: string) =>
  inContentScript<ContentResults | undefined>(page, extensionId, 'globalThis.backdropContentDebug?.results()');
