import { useEffect, useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import { parseExport } from '../library/record';
import { exportLibrary, importStyles } from '../library/store';
import { sendFromPopup } from '../messaging/send';
import { getSettings, updateSettings, type Settings } from '../settings/settings';
import { BUILTIN_STYLES } from '../styles/builtins';
import { extensionUrl } from '../platform/extension-url';
import { blobToDataUrl } from '../messaging/bytes';
import { BatchPanel } from './BatchPanel';
import { MyStyles } from './MyStyles';
import { StyleGrid, type GridStyle } from './StyleGrid';
import { SiteAccess } from './SiteAccess';
import { SubjectPicker } from './SubjectPicker';
import { useLibrary } from './useLibrary';

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
    if (listing.damaged.length) setMessage({ kind: 'error', text: `Skipped ${listing.damaged.length} damaged style(s): ${listing.damaged.map((d) => d.problem).join('; ')}.` });
  }, [listing.damaged.length]);

  if (!settings) return <main aria-busy="true">Loading…</main>;

  const userStyles = listing.styles.filter((s) => s.origin.kind !== 'builtin');
  const gridStyles: GridStyle[] = [
    ...BUILTIN_STYLES.map((s) => ({ id: s.id, name: s.name, thumbnail: extensionUrl(s.path) })),
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
      if (!file.type.startsWith('image/')) throw new Error(`“${file.name}” is not an image.`);
      const reply = await sendFromPopup({ to: 'background', type: 'add-style-file', dataUrl: await blobToDataUrl(file), fileName: file.name });
      if (!reply?.ok) throw new Error(reply?.error.message ?? 'Backdrop could not add this style.');
      await reload();
      setMessage({ kind: 'ok', text: `Added “${reply.name}”.` });
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
    setMessage({ kind: 'ok', text: `Exported ${data.styles.length} style(s).` });
  };

  const doImport = async (file: File | undefined) => {
    if (!file) return;
    let parsed;
    try {
      parsed = parseExport(JSON.parse(await file.text()));
    } catch {
      parsed = { ok: false as const, error: 'The file is not valid JSON.' };
    }
    if (!parsed.ok) return setMessage({ kind: 'error', text: `Import rejected, the library is unchanged: ${parsed.error}` });
    const n = await importStyles(parsed.styles);
    await reload();
    setMessage({ kind: 'ok', text: `Imported ${n} style(s).` });
  };

  const mixOptions = gridStyles.filter((s) => s.id !== settings.styleId);

  return (
    <main>
      <h1>Backdrop <small style={{ fontWeight: 400, color: 'var(--muted)' }}>backgrounds into art</small></h1>
      <SiteAccess />
      {message && <div class={`msg ${message.kind}`} role={message.kind === 'error' ? 'alert' : 'status'} data-message={message.kind}>{message.text}</div>}

      <section>
        <h2 id="styles-label">Style</h2>
        <StyleGrid styles={gridStyles} active={settings.styleId} label="Style" onSelect={(styleId) => change({ styleId })} />
      </section>

      <section>
        <div class="row">
          <label for="strength">Strength</label>
          <input id="strength" type="range" min="0" max="1" step="0.05" value={settings.strength}
            onChange={(e) => change({ strength: Number((e.target as HTMLInputElement).value) })} />
          <output for="strength">{Math.round(settings.strength * 100)}%</output>
        </div>
        <div class="row">
          <label for="mix">Mix with</label>
          <select id="mix" value={settings.mixStyleId ?? ''} onChange={(e) => change({ mixStyleId: (e.target as HTMLSelectElement).value || undefined })}>
            <option value="">No second style</option>
            {mixOptions.map((s) => <option key={s.id} value={s.id}>{s.name}</option>)}
          </select>
          {settings.mixStyleId && (
            <input aria-label="Share of the first style" type="range" min="0" max="1" step="0.05" value={settings.mixRatio}
              onChange={(e) => change({ mixRatio: Number((e.target as HTMLInputElement).value) })} />
          )}
        </div>
        <div class="row">
          <label for="detail">Detail</label>
          {/* The painting model's time per level, measured on 2 cores (docs/benchmark.md, "Detail"). */}
          <select id="detail" value={settings.detail} onChange={(e) => change({ detail: (e.target as HTMLSelectElement).value as Settings['detail'] })}>
            <option value="standard">Standard: fastest (~0.3 s)</option>
            <option value="high">High: 768 px, ~3–4× the time, 0.6 GB</option>
            <option value="full">Full: photo's size to 1024×768, ~5×, 0.9 GB</option>
          </select>
        </div>
      </section>

      <SubjectPicker settings={settings} onChange={change} />

      <BatchPanel tabId={tabId} onRestored={(rightClicked, batch) => setMessage({ kind: 'ok', text: `Restored the originals: ${rightClicked} right-clicked and ${batch} batch image(s).` })} />

      <section>
        <h2>Add a style</h2>
        <label
          class={`drop ${dragOver ? 'over' : ''}`}
          onDragOver={(e) => { e.preventDefault(); setDragOver(true); }}
          onDragLeave={() => setDragOver(false)}
          onDrop={(e) => { e.preventDefault(); setDragOver(false); void addFile(e.dataTransfer?.files[0]); }}
        >
          {busy ? 'Computing the style…' : 'Drop an image here or choose a file'}
          <input type="file" accept="image/*" name="style-file" hidden onChange={(e) => void addFile((e.target as HTMLInputElement).files?.[0])} />
        </label>
        <p style={{ color: 'var(--muted)', margin: '4px 0 0' }}>Or right-click any image on the web → “Use image as style”.</p>
      </section>

      <MyStyles styles={userStyles} thumbs={thumbs} onChanged={reload} />

      <section class="actions">
        <button type="button" onClick={doExport}>Export library</button>
        <label class="actions"><button type="button" onClick={(e) => ((e.currentTarget as HTMLElement).nextElementSibling as HTMLInputElement).click()}>Import library</button>
          <input type="file" accept="application/json,.json" name="import-file" hidden onChange={(e) => void doImport((e.target as HTMLInputElement).files?.[0])} />
        </label>
      </section>
    </main>
  );
}
