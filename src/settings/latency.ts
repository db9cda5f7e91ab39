/**
 * How long the style-transfer model took on this machine, per variant: the last run the background
 * saw in a result (src/background/send.ts), kept in storage.local for the popup's Advanced section.
 */
import { storage } from 'wxt/utils/storage';
import type { TransferRun } from '../messaging/protocol';
import type { Settings } from './settings';

export type TransferModel = Settings['transferModel'];

export interface TransferLatency {
  /** The model's run, in ms (its loading not included). */
  ms: number;
  /** The Detail level it ran at: the size it painted, which its time grows with. */
  detail: Settings['detail'];
  /** False when the only run known is a model's first at its size, which pays its set-up too. */
  warm: boolean;
}

export const transferLatencyItem = storage.defineItem<Partial<Record<TransferModel, TransferLatency>>>('local:transferLatency', { fallback: {} });

let writing = Promise.resolve();

/**
 * Records a result's transfer run under the variant that ran. A first run (set-up included) replaces
 * nothing but a first run: once a warm run is known, it stands for the variant until the next one.
 * Writes are serialized (two batch images may finish together).
 */
export function recordTransferRun(run: TransferRun, detail: Settings['detail'] = 'standard'): Promise<void> {
  writing = writing.then(async () => {
    const all = await transferLatencyItem.getValue();
    if (!run.warm && all[run.model]?.warm) return;
    await transferLatencyItem.setValue({ ...all, [run.model]: { ms: run.ms, detail, warm: run.warm } });
  }).catch(() => {});
  return writing;
}
