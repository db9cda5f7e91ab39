/** Starting the inference engine ahead of need: on a right-click over an image. */
import { ensureOffscreen } from './offscreen';
import { resolveOptions, sendToOffscreen } from './jobs';

let warming: Promise<unknown> | undefined;

/** Starts the offscreen document and has it load what the next stylization needs. Never throws. */
export function warmUp(): Promise<unknown> {
  warming ??= (async () => {
    await ensureOffscreen();
    await sendToOffscreen({ to: 'offscreen', type: 'warm', options: await resolveOptions() });
  })().catch(() => undefined).finally(() => {
    warming = undefined;
  });
  return warming;
}

/** A content script's `warm` hint: `{ to: 'background', type: 'warm' }` from a tab. */
export const isWarmHint = (msg: unknown, fromTab: boolean) =>
  fromTab && typeof msg === 'object' && msg !== null && (msg as { to?: unknown }).to === 'background' && (msg as { type?: unknown }).type === 'warm';
