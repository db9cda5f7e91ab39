/** The content side of the result channel: one port per job, slices decoded as they arrive. */
import { browser } from 'wxt/browser';
import { fromBase64, resultPortName, type ResultPortMessage } from '../messaging/result-channel';

export interface PendingResult {
  /** The result's bytes, once the offscreen document sent them all. */
  result: Promise<Blob>;
  /** Closes the port of a job that will not deliver (failed, cancelled, replaced). */
  cancel(): void;
}

/** Opens the job's port; its result resolves once the offscreen document sent the bytes. */
export function expectResult(jobId: string): PendingResult {
  const port = browser.runtime.connect({ name: resultPortName(jobId) });
  const parts: Uint8Array<ArrayBuffer>[] = [];
  const result = new Promise<Blob>((resolve, reject) => {
    port.onMessage.addListener((m: ResultPortMessage) => {
      if (m?.kind === 'slice' && typeof m.data === 'string') parts.push(fromBase64(m.data));
      else if (m?.kind === 'end' && typeof m.mimeType === 'string' && /^image\/[\w.+-]+$/.test(m.mimeType)) {
        resolve(new Blob(parts, { type: m.mimeType }));
        port.disconnect();
      } else {
        reject(new Error(m?.kind === 'error' && typeof m.message === 'string' ? m.message : 'The result did not arrive.'));
        port.disconnect();
      }
    });
    port.onDisconnect.addListener(() => reject(new Error('The result did not arrive.')));
  });
  result.catch(() => {}); // a job that fails earlier never reads it
  return { result, cancel: () => port.disconnect() };
}
