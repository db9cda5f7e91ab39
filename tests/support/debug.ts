/** Calling the test build's debug surface (src/offscreen/debug.ts) from the tests and the benchmark, typed. */
import type { Frame, Page } from 'puppeteer-core';
import type { BackdropDebug } from '../../src/offscreen/debug';

export type { BackdropDebug };
/** What a member of the debug surface gives back. */
export type DebugResult<K extends keyof BackdropDebug> = Awaited<ReturnType<BackdropDebug[K]>>;

/**
 * Calls `backdropDebug[name](...args)` in the offscreen document: the name and the arguments are checked against
 * the surface, and the result has the member's type (it crosses as puppeteer serializes it, so the members return
 * plain values: numbers, strings, base64).
 */
export function callDebug<K extends keyof BackdropDebug>(page: Page | Frame, name: K, ...args: Parameters<BackdropDebug[K]>): Promise<DebugResult<K>> {
  return page.evaluate(
    (name, args) => (globalThis.backdropDebug[name] as (...a: unknown[]) => unknown)(...args),
    name, args as unknown[],
  ) as Promise<DebugResult<K>>;
}
