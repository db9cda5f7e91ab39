/**
 * What differs between the browsers Backdrop is built for, and nothing else. WXT writes
 * `import.meta.env.FIREFOX` in as a literal at build time, so each package holds only its own
 * browser's side of every difference (the bundler drops the other). Where the engine lives is the
 * one difference with code of its own: src/background/offscreen.ts.
 */

/** A Firefox build (`wxt build -b firefox --mv3`); otherwise Chrome's. */
export const FIREFOX: boolean = import.meta.env.FIREFOX === true;

/**
 * The background's URL path, as the browser stamps it on the background's messages (their
 * `sender.url`): Chrome's MV3 background is a service worker (its script), Firefox's an event page
 * the browser generates around the same script.
 */
export const BACKGROUND_PATH = FIREFOX ? '/_generated_background_page.html' : '/background.js';
