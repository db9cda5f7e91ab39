import { browser } from 'wxt/browser';

/** Absolute URL of a file packaged with the extension (WXT's typed getURL only knows public files by name). */
export const extensionUrl = (path: string): string => (browser.runtime.getURL as (p: string) => string)(path);
