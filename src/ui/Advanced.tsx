import { useEffect, useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import { t } from '../i18n/t';
import { TRANSFER_FILE_BYTES } from '../inference/models';
import { FIREFOX } from '../platform/browser';
import { transferLatencyItem, type TransferLatency, type TransferModel } from '../settings/latency';
import type { Settings } from '../settings/settings';

const locale = () => browser.i18n.getUILanguage();

/** A file's size in the person's language ("422 kB"). */
const fileSize = (bytes: number) =>
  new Intl.NumberFormat(locale(), { style: 'unit', unit: 'kilobyte', maximumFractionDigits: 0 }).format(bytes / 1000);

/** A time in the person's language ("0.31 s"). */
const seconds = (ms: number) =>
  new Intl.NumberFormat(locale(), { style: 'unit', unit: 'second', unitDisplay: 'narrow', maximumFractionDigits: ms < 10_000 ? 2 : 0 }).format(ms / 1000);

const detailName = (d: Settings['detail']) =>
  ({ standard: t('popupDetailNameStandard'), high: t('popupDetailNameHigh'), full: t('popupDetailNameFull') })[d];

function latencyText(l: TransferLatency | undefined) {
  if (!l) return t('popupNotMeasured');
  return l.warm ? t('popupLatency', seconds(l.ms), detailName(l.detail)) : t('popupLatencyFirst', seconds(l.ms), detailName(l.detail));
}

/**
 * The engine's settings, collapsed at first: which transfer model paints (each with its file's size
 * and its last time on this machine, src/settings/latency.ts) and how many threads a model uses.
 * Both travel with every job's options (src/background/jobs.ts), so a change applies from the next
 * image; they do not restyle what is shown (the thread count even restarts the engine).
 */
export function Advanced({ settings, onChange }: { settings: Settings; onChange: (p: Partial<Settings>) => void }) {
  const [latency, setLatency] = useState<Partial<Record<TransferModel, TransferLatency>>>({});
  useEffect(() => {
    void transferLatencyItem.getValue().then(setLatency);
    return transferLatencyItem.watch((next) => setLatency(next ?? {}));
  }, []);
  const cores = Math.max(2, navigator.hardwareConcurrency || 2);
  const model = (kind: TransferModel, text: string) => (
    <label class="choice">
      <input type="radio" name="transfer-model" value={kind} checked={settings.transferModel === kind} onChange={() => onChange({ transferModel: kind })} />
      <span>
        {text}
        <span class="facts" data-model-facts={kind}>{t('popupModelFacts', fileSize(TRANSFER_FILE_BYTES[kind]), latencyText(latency[kind]))}</span>
      </span>
    </label>
  );
  return (
    <details class="advanced">
      <summary>{t('popupAdvanced')}</summary>
      <fieldset>
        <legend>{t('popupTransferModel')}</legend>
        {model('fp16', t('popupTransferFp16'))}
        {model('int8', t('popupTransferInt8'))}
      </fieldset>
      <div class="row">
        <label for="threads">{t('popupThreads')}</label>
        {/* Firefox runs the single-threaded build: its extension pages are not cross-origin isolated (docs/architecture.md, Firefox). */}
        <select id="threads" value={FIREFOX ? '1' : String(settings.threads)} disabled={FIREFOX} aria-describedby={FIREFOX ? 'threads-why' : undefined}
          onChange={(e) => onChange({ threads: Number((e.target as HTMLSelectElement).value) })}>
          {FIREFOX ? <option value="1">1</option> : <option value="0">{t('popupThreadsAuto')}</option>}
          {!FIREFOX && Array.from({ length: cores }, (_, i) => <option key={i + 1} value={String(i + 1)}>{i + 1}</option>)}
        </select>
      </div>
      {FIREFOX && <p class="hint" id="threads-why">{t('popupThreadsFirefox')}</p>}
      <p class="hint">{t('popupAdvancedNext')}</p>
    </details>
  );
}
