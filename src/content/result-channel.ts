/** The content side of the result channel: one port per job, the result file as it arrives. */
import { browser } from 'wxt/browser';
import { fromBase64, resultPortHello, resultPortName, type ResultPortMessage } from '../messaging/result-channel';
import { parseEngineError } from '../messaging/validate';
import { errorText } from '../i18n/errors';
import { t } from '../i18n/t';

/** A result as it arrived: the file, whether the page must not be able to read it, and the job that made it. */
export interface Delivered {
  file: Blob;
  opaque: boolean;
  /** The job (the offscreen document renders its result again at the original's size for Save). */
  jobId?: string;
}

export interface PendingResult {
  /** The result, once the offscreen document sent it. */
  result: Promise<Delivered>;
  /** Closes the port of a job that will not deliver (failed, cancelled, replaced). */
  cancel(): void;
}

const isImageType = (t: unknown) => typeof t === 'string' && /^image\/[\w.+-]+$/.test(t);

/** Opens the job's port; its result resolves once the offscreen document sent the file. */
export function expectResult(jobId: string): PendingResult {
  const port = browser.runtime.connect({ name: resultPortName(jobId) });
  port.postMessage(resultPortHello());
  const parts: Uint8Array<ArrayBuffer>[] = [];
  const result = new Promise<Delivered>((resolve, reject) => {
    const settle = (d: Delivered | Error) => {
      if (d instanceof Error) reject(d);
      else resolve(d);
      port.disconnect();
    };
    port.onMessage.addListener((m: ResultPortMessage) => {
      // Anything but an explicit `opaque: false` is shown opaquely.
      if (m?.kind === 'slice' && typeof m.data === 'string') parts.push(fromBase64(m.data));
      else if (m?.kind === 'file' && m.file instanceof Blob && isImageType(m.file.type)) settle({ file: m.file, opaque: m.opaque !== false, jobId });
      else if (m?.kind === 'end' && isImageType(m.mimeType)) settle({ file: new Blob(parts, { type: m.mimeType }), opaque: m.opaque !== false, jobId });
      else {
        // The engine's error names its sentence by key; this script, which shows it, makes the text.
        const error = m?.kind === 'error' ? parseEngineError(m.error) : undefined;
        settle(new Error(error ? errorText(error) : t('errResultLost')));
      }
    });
    port.onDisconnect.addListener(() => reject(new Error(t('errResultLost'))));
  });
  result.catch(() => {}); // a job that fails earlier never reads it
  return { result, cancel: () => port.disconnect() };
}
