/** Starting the inference engine ahead of need: on a right-click over an image. */
import { ensureOffscreen } from './offscreen';
import { resolveOptions } from './jobs';
import { sendToOffscreen } from './send';
import type { PageContext, PickPoint } from '../messaging/protocol';

let warming: Promise<unknown> | undefined;

/**
 * Starts the offscreen document and has it load what the next stylization needs (a no-op when it
 * is warm). With `srcUrl`, the right-clicked image is fetched, decoded and made into the models'
 * inputs first, then segmented and masked for the current settings, while the person reads the
 * menu, with no more authority than `page` (the sender's frame and tab, as the browser reports them)
 * gives; `point`, where the click was on the image, picks the object for "What I right-click on".
 * Never throws.
 */
export function warmUp(srcUrl?: string, page?: PageContext, point?: PickPoint): Promise<unknown> {
  const started = ensureOffscreen();
  const readAhead = srcUrl
    ? Promise.all([started, resolveOptions(undefined, { point })]).then(([, { subject, invert, pick }]) =>
      sendToOffscreen({ to: 'offscreen', type: 'read-ahead', url: srcUrl, mask: { subject, invert, pick }, page })).catch(() => undefined)
    : undefined;
  warming ??= (async () => {
    await started;
    await sendToOffscreen({ to: 'offscreen', type: 'warm', options: await resolveOptions() });
  })().catch(() => undefined).finally(() => {
    warming = undefined;
  });
  return Promise.all([readAhead, warming]);
}
