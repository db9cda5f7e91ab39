/** The offscreen side of the result channel (see src/messaging/result-channel.ts). */
import { browser, type Browser } from 'wxt/browser';
import { fromContentScript } from '../messaging/senders';
import type { FetchFacts } from '../inference/decode';
import { probe } from '../test-hooks/probe';
import { carriesBinary, jobIdOfPort, slices, toBase64, type DeliverTo, type ResultPortMessage } from '../messaging/result-channel';

type Port = Browser.runtime.Port;
interface Channel {
  port: Port;
  /** The content script's hello showed that a Blob can cross this port. */
  binary: boolean;
}
const channels = new Map<string, Channel>();
const waiting = new Map<string, (c: Channel | undefined) => void>();

/** Result ports open now (jobs whose page still waits): for tests, to see none is left behind. */
export const openResultPorts = () => channels.size;

/** Accepts result ports opened by content scripts (only from a tab). */
export function listenForResultPorts() {
  browser.runtime.onConnect.addListener((port) => {
    const jobId = jobIdOfPort(port.name);
    // Only a content script in a web page waits for a result (deliver() then checks its tab and frame).
    if (!jobId || !fromContentScript(port.sender)) return;
    const channel: Channel = { port, binary: false };
    // A port no job claims (the service worker stopped between the page's job-begin and sending
    // the job here) would leave the page's veil up for ever: let it go, and the page says so.
    if (!claimed.has(jobId)) {
      const timer = setTimeout(() => {
        if (claimed.has(jobId)) return;
        channels.delete(jobId);
        port.disconnect();
      }, UNCLAIMED_PORT_MS);
      port.onDisconnect.addListener(() => clearTimeout(timer));
    }
    // The channel is ready once the content script's hello (its first message) says how results
    // may cross: a result sent before it would go as base64 slices even where a Blob could.
    port.onMessage.addListener((m: unknown) => {
      if (channels.has(jobId)) return;
      channel.binary = carriesBinary(m);
      channels.set(jobId, channel);
      waiting.get(jobId)?.(channel);
    });
    port.onDisconnect.addListener(() => {
      channels.delete(jobId);
      waiting.get(jobId)?.(undefined);
    });
  });
}

/**
 * How long a result port may wait for its job to reach this document. The job is sent at once
 * after the page answers job-begin (it then may wait its turn, but it is here); this is only for
 * a job that will never come.
 */
export const UNCLAIMED_PORT_MS = 30_000;

/** Jobs sent to this document that deliver to a page (the last few hundred). */
const claimed = new Set<string>();

/** A stylize job for `jobId` reached this document: its page's port is not an orphan. */
export function claimJob(jobId: string) {
  claimed.add(jobId);
  if (claimed.size > 500) claimed.delete(claimed.values().next().value!);
}

/** Jobs the background cancelled (the last hundred): their page will not open a port. */
const cancelled = new Set<string>();

/** Gives up on a job's result: a wait for its port ends now, and a later one at once. */
export function cancelJob(jobId: string) {
  cancelled.add(jobId);
  if (cancelled.size > 100) cancelled.delete(cancelled.values().next().value!);
  waiting.get(jobId)?.(undefined);
}

export const isCancelled = (jobId: string) => cancelled.has(jobId);

function channelFor(jobId: string, timeoutMs: number): Promise<Channel | undefined> {
  if (cancelled.has(jobId)) return Promise.resolve(undefined);
  const ready = channels.get(jobId);
  if (ready) return Promise.resolve(ready);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      waiting.delete(jobId);
      resolve(undefined);
    }, timeoutMs);
    waiting.set(jobId, (c) => {
      clearTimeout(timer);
      waiting.delete(jobId);
      resolve(c);
    });
  });
}

/**
 * Whether the document `page` (as the browser describes the sender) could read the bytes described by `fetched` itself: bytes it
 * handed over, or a response of its own origin reached without a redirect (a redirect may have
 * crossed origins, which taints the page's own copy). Everything else (another origin, with or
 * without CORS) counts as unreadable: a stricter rule than the browser's, never a looser one.
 */
export function pageMayRead(fetched: FetchFacts, page: { origin?: string; url?: string } | undefined): boolean {
  if (fetched.kind === 'data') return true;
  if (fetched.redirected || !page?.url) return false;
  try {
    // The document's own origin, which a sandbox makes opaque ('null') whatever its URL says.
    const origin = page.origin ?? new URL(page.url).origin;
    return origin !== 'null' && new URL(fetched.finalUrl).origin === origin;
  } catch {
    return false;
  }
}

/**
 * How a delivery ended: sent; no port (none reached this document in time, or it closed before
 * its hello or while the file went: the page left, or its port went to a document that was
 * closing); or refused (the job was cancelled, or the port is another frame's).
 */
export type Delivery = 'sent' | 'no-port' | 'refused';

/**
 * Sends a result file to the content script of `to` that opened the job's port. Only the frame
 * the job is for may receive it, and it learns whether that page may read the result (the frame's
 * URL comes from the browser, not from the page).
 */
export async function deliver(jobId: string, to: DeliverTo, file: Blob, fetched: FetchFacts): Promise<Delivery> {
  if (cancelled.has(jobId)) return 'refused';
  const channel = await channelFor(jobId, 5000);
  if (!channel) return cancelled.has(jobId) ? 'refused' : 'no-port';
  const { port } = channel;
  if (port.sender?.tab?.id !== to.tabId || (port.sender.frameId ?? 0) !== to.frameId) return 'refused';
  const opaque = !pageMayRead(fetched, port.sender);
  const post = (m: ResultPortMessage) => port.postMessage(m);
  try {
    if (channel.binary) {
      post({ kind: 'file', file, opaque });
      if (import.meta.env.MODE === 'test') probe.deliveries.file++;
    } else {
      for (const data of slices(toBase64(new Uint8Array(await file.arrayBuffer())))) post({ kind: 'slice', data });
      post({ kind: 'end', mimeType: file.type, opaque });
      if (import.meta.env.MODE === 'test') probe.deliveries.slices++;
    }
    return 'sent';
  } catch {
    return 'no-port'; // the page went away meanwhile
  } finally {
    channels.delete(jobId);
  }
}
