import { useEffect, useState } from 'preact/hooks';
import type { BatchCommandType, BatchStatus } from '../messaging/batch';
import { sendFromPopup } from '../messaging/send';

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
    <section aria-label="This page">
      <h2>This page</h2>
      {status && status.total > 0 && (
        <div class="row">
          <progress max={status.total} value={finished} aria-label="Images stylized" style={{ flex: 1 }} />
          <span data-batch-progress>{status.done}/{status.total}{status.failed ? ` · ${status.failed} failed` : ''}</span>
        </div>
      )}
      <div class="actions">
        {running
          ? <button type="button" onClick={async () => setStatus(await command('batch-cancel', tabId))}>Cancel</button>
          : <button type="button" class="primary" onClick={async () => setStatus(await command('batch-start', tabId))}>Stylize every image</button>}
        <button type="button" onClick={async () => {
          // Right-clicked images first, by the module that showed them (it lets go of their results);
          // then the batch cancels and puts back the rest.
          const n = await sendFromPopup({ to: 'background', type: 'restore-page', tabId });
          const after = await command('batch-restore-all', tabId);
          setStatus(after);
          onRestored(n ?? 0, after?.restored ?? 0);
        }}>Restore all on this page</button>
      </div>
    </section>
  );
}
