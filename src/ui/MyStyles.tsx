import { useState } from 'preact/hooks';
import type { StyleRecord } from '../library/record';
import { deleteStyle, renameStyle } from '../library/store';
import { t } from '../i18n/t';

/** The user's own styles: rename and delete. */
export function MyStyles({ styles, thumbs, onChanged }: { styles: StyleRecord[]; thumbs: Record<string, string>; onChanged: () => void }) {
  const [editing, setEditing] = useState<string>();
  if (!styles.length) return null;
  return (
    <section class="mine" aria-label={t('popupMyStyles')}>
      <h2>{t('popupMyStyles')}</h2>
      <ul>
        {styles.map((s) => (
          <li key={s.id} data-style-id={s.id}>
            <img src={thumbs[s.id]} alt="" />
            {editing === s.id ? (
              <input
                class="name" aria-label={t('popupNewName', s.name)} value={s.name} autoFocus
                onKeyDown={async (e) => {
                  if (e.key === 'Enter') {
                    await renameStyle(s.id, (e.target as HTMLInputElement).value);
                    setEditing(undefined);
                    onChanged();
                  } else if (e.key === 'Escape') setEditing(undefined);
                }}
              />
            ) : <span class="name">{s.name}</span>}
            <button type="button" class="link" onClick={() => setEditing(s.id)} aria-label={t('popupRenameStyle', s.name)}>{t('popupRename')}</button>
            <button type="button" class="link" onClick={async () => { await deleteStyle(s.id); onChanged(); }} aria-label={t('popupDeleteStyle', s.name)}>{t('popupDelete')}</button>
          </li>
        ))}
      </ul>
    </section>
  );
}
