/** The offscreen side of the result channel (see src/messaging/result-channel.ts). */
import { browser, type Browser } from 'wxt/browser';
import { jobIdOfPort, slices, toBase64, type DeliverTo, type ResultPortMessage } from '../messaging/result-channel';

type Port = Browser.runtime.Port;
const ports = new Map<string, Port>();
const waiting = new Map<string, (p: Port) => void>();

/** Result ports open now (jobs whose page still waits): for tests, to see none is left behind. */
export const openResultPorts = () => ports.size;

/** Accepts result ports opened by content scripts (only from a tab). */
export function listenForResultPorts() {
  browser.runtime.onConnect.addListener((port) => {
    const jobId = jobIdOfPort(port.name);
    if (!jobId || !port.sender?.tab) return;
    ports.set(jobId, port);
    port.onDisconnect.addListener(() => ports.delete(jobId));
    waiting.get(jobId)?.(port);
  });
}

function portFor(jobId: string, timeoutMs: number): Promise<Port | undefined> {
  const ready = ports.get(jobId);
  if (ready) return Promise.resolve(ready);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      waiting.delete(jobId);
      resolve(undefined);
    }, timeoutMs);
    waiting.set(jobId, (p) => {
      clearTimeout(timer);
      waiting.delete(jobId);
      resolve(p);
    });
  });
}

/**
 * Sends a result's bytes to the content script of `to` that opened the job's port. Only the frame
 * the job is for may receive it. Resolves false when no such port came.
 */
export async function deliver(jobId: string, to: DeliverTo, bytes: Uint8Array, mimeType: string): Promise<boolean> {
  const port = await portFor(jobId, 5000);
  if (!port || port.sender?.tab?.id !== to.tabId || (port.sender.frameId ?? 0) !== to.frameId) return false;
  const post = (m: ResultPortMessage) => port.postMessage(m);
  try {
    for (const data of slices(toBase64(bytes))) post({ kind: 'slice', data });
    post({ kind: 'end', mimeType });
    return true;
  } catch {
    return false; // the page went away meanwhile
  } finally {
    ports.delete(jobId);
  }
}
