import { useEffect, useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import { parseExport } from '../library/record';
import { exportLibrary, importStyles } from '../library/store';
import { sendFromPopup } from '../messaging/send';
import { getSettings, updateSettings, type Settings } from '../settings/settings';
import { BUILTIN_STYLES } from '../styles/builtins';
import { builtinStyleName } from '../styles/names';
import { extensionUrl } from '../platform/extension-url';
import { blobToDataUrl } from '../messaging/bytes';
import { BatchPanel } from './BatchPanel';
import { MyStyles } from './MyStyles';
import { StyleGrid, type GridStyle } from './StyleGrid';
import { SiteAccess } from './SiteAccess';
import { SubjectPicker } from './SubjectPicker';
import { useLibrary } from './useLibrary';
import { Advanced } from './Advanced';
import { t } from '../i18n/t';

type Message = { kind: 'ok' | 'error'; text: string } | undefined;

/** The tab the popup acts on: `?tab=` (tests, or the popup opened as a page), else the active tab. */
async function targetTab(): Promise<number | undefined> {
  const param = new URLSearchParams(location.search).get('tab');
  if (param) return Number(param);
  const [tab] = await browser.tabs.query({ active: true, currentWindow: true });
  return tab?.id;
}

export function App() {
  const [settings, setSettings] = useState<Settings>();
  const [tabId, setTabId] = useState<number>();
  const [message, setMessage] = useState<Message>();
  const [busy, setBusy] = useState(false);
  const [dragOver, setDragOver] = useState(false);
  const { listing, thumbs, reload } = useLibrary();

  useEffect(() => {
    void getSettings().then(setSettings);
    void targetTab().then(setTabId);
  }, []);
  useEffect(() => {
    if (listing.damaged.length) setMessage({ kind: 'error', text: t('popupDamaged', listing.damaged.length, listing.damaged.map((d) => d.problem).join('; ')) });
  }, [listing.damaged.length]);

  if (!settings) return <main aria-busy="true">{t('popupLoading')}</main>;

  const userStyles = listing.styles.filter((s) => s.origin.kind !== 'builtin');
  const gridStyles: GridStyle[] = [
    ...BUILTIN_STYLES.map((s) => ({ id: s.id, name: builtinStyleName(s), thumbnail: extensionUrl(s.path) })),
    ...userStyles.map((s) => ({ id: s.id, name: s.name, thumbnail: thumbs[s.id] ?? '' })),
  ];

  /** Saves a change and re-applies it live to the images already stylized on the tab. */
  const change = async (patch: Partial<Settings>) => {
    setSettings(await updateSettings(patch));
    if (tabId !== undefined) await sendFromPopup({ to: 'background', type: 'restyle-tab', tabId }).catch(() => {});
  };

  const addFile = async (file: File | undefined) => {
    if (!file) return;
    setBusy(true);
    setMessage(undefined);
    try {
      if (!file.type.startsWith('image/')) throw new Error(t('popupNotImage', file.name));
      const reply = await sendFromPopup({ to: 'background', type: 'add-style-file', dataUrl: await blobToDataUrl(file), fileName: file.name });
      if (!reply?.ok) throw new Error(reply?.error.message ?? t('popupAddFailed'));
      await reload();
      setMessage({ kind: 'ok', text: t('popupAdded', reply.name) });
    } catch (e) {
      setMessage({ kind: 'error', text: (e as Error).message });
    } finally {
      setBusy(false);
    }
  };

  const doExport = async () => {
    const data = await exportLibrary();
    const url = URL.createObjectURL(new Blob([JSON.stringify(data)], { type: 'application/json' }));
    const a = Object.assign(document.createElement('a'), { href: url, download: 'backdrop-styles.json' });
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
    setMessage({ kind: 'ok', text: t('popupExported', data.styles.length) });
  };

  const doImport = async (file: File | undefined) => {
    if (!file) return;
    let parsed;
    try {
      parsed = parseExport(JSON.parse(await file.text()));
    } catch {
      parsed = { ok: false as const, error: t('popupNotJson') };
    }
    if (!parsed.ok) return setMessage({ kind: 'error', text: t('popupImportRejected', parsed.error) });
    const n = await importStyles(parsed.styles);
    await reload();
    setMessage({ kind: 'ok', text: t('popupImported', n) });
  };

  const mixOptions = gridStyles.filter((s) => s.id !== settings.styleId);

  return (
    <main>
      <h1><span class="brand"><img src={extensionUrl('/icon/32.png')} alt="" width={20} height={20} />{t('extName')}</span> <small>{t('popupTagline')}</small></h1>
      <SiteAccess />
      {message && <div class={`msg ${message.kind}`} role={message.kind === 'error' ? 'alert' : 'status'} data-message={message.kind}>{message.text}</div>}

      <section>
        <h2 id="styles-label">{t('popupStyle')}</h2>
        <StyleGrid styles={gridStyles} active={settings.styleId} label={t('popupStyle')} onSelect={(styleId) => change({ styleId })} />
      </section>

      <section>
        <div class="row">
          <label for="strength">{t('popupStrength')}</label>
          <input id="strength" type="range" min="0" max="1" step="0.05" value={settings.strength}
            onChange={(e) => change({ strength: Number((e.target as HTMLInputElement).value) })} />
          <output for="strength">{t('popupStrengthValue', Math.round(settings.strength * 100))}</output>
        </div>
        <div class="row">
          <label for="mix">{t('popupMixWith')}</label>
          <select id="mix" value={settings.mixStyleId ?? ''} onChange={(e) => change({ mixStyleId: (e.target as HTMLSelectElement).value || undefined })}>
            <option value="">{t('popupMixNone')}</option>
            {mixOptions.map((s) => <option key={s.id} value={s.id}>{s.name}</option>)}
          </select>
          {settings.mixStyleId && (
            <input aria-label={t('popupMixShare')} type="range" min="0" max="1" step="0.05" value={settings.mixRatio}
              onChange={(e) => change({ mixRatio: Number((e.target as HTMLInputElement).value) })} />
          )}
        </div>
        <div class="row">
          <label for="detail">{t('popupDetail')}</label>
          {/* The painting model's time per level, measured on 2 cores (docs/benchmark.md, "Detail"). */}
          <select id="detail" value={settings.detail} onChange={(e) => change({ detail: (e.target as HTMLSelectElement).value as Settings['detail'] })}>
            <option value="standard">{t('popupDetailStandard')}</option>
            <option value="high">{t('popupDetailHigh')}</option>
            <option value="full">{t('popupDetailFull')}</option>
          </select>
        </div>
      </section>

      <SubjectPicker settings={settings} onChange={change} />

      <BatchPanel tabId={tabId} onRestored={(rightClicked, batch) => setMessage({ kind: 'ok', text: t('popupRestored', rightClicked, batch) })} />

      <section>
        <h2>{t('popupAddStyle')}</h2>
        {/* A label around a visually hidden file input: one click or drop target, and the input itself
            takes the keyboard focus (Enter or Space opens the file chooser), its ring drawn on the zone. */}
        <label
          class={`drop ${dragOver ? 'over' : ''}`}
          onDragOver={(e) => { e.preventDefault(); setDragOver(true); }}
          onDragLeave={() => setDragOver(false)}
          onDrop={(e) => { e.preventDefault(); setDragOver(false); void addFile(e.dataTransfer?.files[0]); }}
        >
          {busy ? t('popupComputingStyle') : t('popupDropHere')}
          <input type="file" accept="image/*" name="style-file" class="visually-hidden" onChange={(e) => void addFile((e.target as HTMLInputElement).files?.[0])} />
        </label>
        <p class="caption">{t('popupRightClickHint')}</p>
      </section>

      <MyStyles styles={userStyles} thumbs={thumbs} onChanged={reload} />

      <section class="actions">
        <button type="button" onClick={doExport}>{t('popupExport')}</button>
        <label class="button">
          {t('popupImport')}
          <input type="file" accept="application/json,.json" name="import-file" class="visually-hidden" onChange={(e) => void doImport((e.target as HTMLInputElement).files?.[0])} />
        </label>
      </section>

      <Advanced settings={settings} onChange={(patch) => void updateSettings(patch).then(setSettings)} />
    </main>
  );
}
