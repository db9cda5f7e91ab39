/**
 * The service worker's side of sending, typed by the contract (src/messaging/contract.ts): to a
 * content script in one frame, whose answer is parsed before use (a page-facing context), and to
 * the offscreen document, which may have to be started first.
 */
import { browser } from 'wxt/browser';
import type { MessageOf, MessageType, ReplyOf } from '../messaging/contract';
import { ENGINE_LOST, jobError, type JobError } from '../messaging/protocol';
import { CONTENT_REPLIES } from '../messaging/validate';
import { recordTransferRun } from '../settings/latency';
import { ensureOffscreen } from './offscreen';

export interface TabTarget {
  tabId: number;
  frameId: number;
}

/**
 * Asks the content script of one frame; its answer is read through the contract's parser for that
 * message, so a page that tampered with its content script's world gets no say in the reply's shape.
 * Rejects when no content script listens there.
 */
export async function sendToContent<K extends MessageType<'backgroundToContent'>>(
  target: TabTarget, msg: MessageOf<'backgroundToContent', K>,
): Promise<ReplyOf<'backgroundToContent', K>> {
  const reply: unknown = await browser.tabs.sendMessage(target.tabId, msg, { frameId: target.frameId });
  const parse = CONTENT_REPLIES[msg.type] as (v: unknown) => ReplyOf<'backgroundToContent', K>;
  return parse(reply);
}

/**
 * Every result passes here (right-click, batch, live restyle): its transfer run is this machine's
 * latency for that variant, which the popup shows.
 */
function noteTransfer(msg: { type: string }, reply: unknown) {
  if (msg.type !== 'stylize') return;
  const { options } = msg as MessageOf<'backgroundToOffscreen', 'stylize'>;
  const outcome = reply as ReplyOf<'backgroundToOffscreen', 'stylize'>;
  if (outcome.ok && outcome.result.transfer) void recordTransferRun(outcome.result.transfer, options.detail);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The browsers' words for a message no listener took (Chrome and Firefox alike): it was never
 * handled, so sending it again cannot run anything twice.
 */
const NOT_RECEIVED = /Receiving end does not exist|Could not establish connection/i;

/**
 * Sends a request to the offscreen document: straight away (it is usually there), else once it is
 * created, waiting briefly for a document that is still starting. A request the document took and
 * then lost (the document closed or crashed before answering) is sent again to a fresh document,
 * except a job that delivers to a page: the page's result port was connected to the document that
 * is gone, so a rerun could never deliver. That job ends with ENGINE_LOST, for its caller to start
 * the whole job again (a new port) or to report; so does a save (a picture at the original's size
 * that took the document down would take the next one down too).
 */
export async function sendToOffscreen<K extends MessageType<'backgroundToOffscreen'>>(
  msg: MessageOf<'backgroundToOffscreen', K>,
): Promise<ReplyOf<'backgroundToOffscreen', K> | { ok: false; error: JobError }> {
  for (let attempt = 0; ; attempt++) {
    try {
      const reply = (await browser.runtime.sendMessage(msg)) as ReplyOf<'backgroundToOffscreen', K> | undefined;
      if (reply) noteTransfer(msg, reply);
      if (reply) return reply;
      throw new Error('no reply'); // only listeners that do not answer this (no offscreen document yet)
    } catch (e) {
      const message = (e as Error).message ?? String(e);
      const received = message !== 'no reply' && !NOT_RECEIVED.test(message);
      if (received && msg.type === 'stylize' && 'deliverTo' in msg && msg.deliverTo) return { ok: false, error: ENGINE_LOST };
      // A save that took the document down (a picture too large for its memory) would only do it again.
      if (received && msg.type === 'save') return { ok: false, error: ENGINE_LOST };
      if (attempt >= 20) return { ok: false, error: jobError('internal', 'errEngineNoAnswer', message.slice(0, 400)) };
      if (attempt > 0) await sleep(100);
      await ensureOffscreen();
    }
  }
}
