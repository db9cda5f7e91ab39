/** A test file's browser with the extension and its offscreen document started, and a test server. */
import { afterAll, beforeAll } from 'vitest';
import type { Page } from 'puppeteer-core';
import { launchWithExtension, type ExtensionBrowser } from './browser';
import { startServer, type Route, type TestServer } from './server';

export interface OffscreenSuite {
  ext: ExtensionBrowser;
  server: TestServer;
  /** The extension's offscreen document, where the pipeline runs under the extension's CSP. */
  offscreen: Page;
}

/** Starts them before the file's tests and closes them after; the fields are set once `beforeAll` ran. */
export function useOffscreenSuite(route?: Route): OffscreenSuite {
  const suite = {} as OffscreenSuite;
  beforeAll(async () => {
    suite.server = await startServer(undefined, route);
    suite.ext = await launchWithExtension();
    suite.offscreen = await suite.ext.startOffscreen();
  });
  afterAll(async () => {
    await suite.ext?.close();
    await suite.server?.close();
  });
  return suite;
}
