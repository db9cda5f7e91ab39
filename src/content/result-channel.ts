/** The content side of the result channel: one port per job, the result file as it arrives. */
import { browser } from 'wxt/browser';
import { fromBase64, resultPortHello, resultPortName, type ResultPortMessage } from '../messaging/result-channel';

export interface PendingResult {
  /** The result file, once the offscreen document sent it. */
  result: Promise<Blob>;
  /** Closes the port of a job that will not deliver (failed, cancelled, replaced). */
  cancel(): void;
}

const isImageType = (t: unknown) => typeof t === 'string' && /^image\/[\w.+-]+$/.test(t);

/** Opens the job's port; its result resolves once the offscreen document sent the file. */
export function expectResult(jobId: string): PendingResult {
  const port = browser.runtime.connect({ name: resultPortName(jobId) });
  port.postMessage(resultPortHello());
  const parts: Uint8Array<ArrayBuffer>[] = [];
  const result = new Promise<Blob>((resolve, reject) => {
    const settle = (file: Blob | Error) => {
      if (file instanceof Blob) resolve(file);
      else reject(file);
      port.disconnect();
    };
    port.onMessage.addListener((m: ResultPortMessage) => {
      if (m?.kind === 'slice' && typeof m.data === 'string') parts.push(fromBase64(m.data));
      else if (m?.kind === 'file' && m.file instanceof Blob && isImageType(m.file.type)) settle(m.file);
      else if (m?.kind === 'end' && isImageType(m.mimeType)) settle(new Blob(parts, { type: m.mimeType }));
      else settle(new Error(m?.kind === 'error' && typeof m.message === 'string' ? m.message : 'The result did not arrive.'));
    });
    port.onDisconnect.addListener(() => reject(new Error('The result did not arrive.')));
  });
  result.catch(() => {}); // a job that fails earlier never reads it
  return { result, cancel: () => port.disconnect() };
}
