import { useEffect, useState } from 'preact/hooks';
import type { BatchCommandType, BatchStatus } from '../messaging/batch';
import { sendFromPopup } from '../messaging/send';
import { t } from '../i18n/t';

const command = (type: BatchCommandType, tabId: number) => sendFromPopup({ to: 'background', type, tabId });

/** "This page": stylize every image, with a progress bar and cancel; restore everything. */
export function BatchPanel({ tabId, onRestored }: { tabId: number | undefined; onRestored: (rightClicked: number, batch: number) => void }) {
  const [status, setStatus] = useState<BatchStatus>();
  useEffect(() => {
    if (tabId === undefined) return undefined;
    const poll = () => void command('batch-status', tabId).then(setStatus).catch(() => {});
    poll();
    const timer = setInterval(poll, 500);
    return () => clearInterval(timer);
  }, [tabId]);
  if (tabId === undefined) return null;
  const finished = status ? status.done + status.failed : 0;
  const running = Boolean(status?.active && status.total > finished);
  return (
    <section aria-label={t('popupThisPage')} data-batch-panel>
      <h2>{t('popupThisPage')}</h2>
      {status && status.total > 0 && (
        <div class="row">
          <progress max={status.total} value={finished} aria-label={t('popupImagesStylized')} style={{ flex: 1 }} />
          <span data-batch-progress>{status.failed ? t('popupBatchFailed', t('popupBatchProgress', status.done, status.total), status.failed) : t('popupBatchProgress', status.done, status.total)}</span>
        </div>
      )}
      <div class="actions">
        {running
          ? <button type="button" onClick={async () => setStatus(await command('batch-cancel', tabId))}>{t('popupCancel')}</button>
          : <button type="button" class="primary" onClick={async () => setStatus(await command('batch-start', tabId))}>{t('popupStylizeAll')}</button>}
        <button type="button" onClick={async () => {
          // Right-clicked images first, by the module that showed them (it lets go of their results);
          // then the batch cancels and puts back the rest.
          const n = await sendFromPopup({ to: 'background', type: 'restore-page', tabId });
          const after = await command('batch-restore-all', tabId);
          setStatus(after);
          onRestored(n ?? 0, after?.restored ?? 0);
        }}>{t('popupRestoreAll')}</button>
      </div>
    </section>
  );
}
