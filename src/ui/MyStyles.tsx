import { useState } from 'preact/hooks';
import type { StyleRecord } from '../library/record';
import { deleteStyle, renameStyle } from '../library/store';

/** The user's own styles: rename and delete. */
export function MyStyles({ styles, thumbs, onChanged }: { styles: StyleRecord[]; thumbs: Record<string, string>; onChanged: () => void }) {
  const [editing, setEditing] = useState<string>();
  if (!styles.length) return null;
  return (
    <section class="mine" aria-label="My styles">
      <h2>My styles</h2>
      <ul>
        {styles.map((s) => (
          <li key={s.id} data-style-id={s.id}>
            <img src={thumbs[s.id]} alt="" />
            {editing === s.id ? (
              <input
                class="name" aria-label={`New name for ${s.name}`} value={s.name} autoFocus
                onKeyDown={async (e) => {
                  if (e.key === 'Enter') {
                    await renameStyle(s.id, (e.target as HTMLInputElement).value);
                    setEditing(undefined);
                    onChanged();
                  } else if (e.key === 'Escape') setEditing(undefined);
                }}
              />
            ) : <span class="name">{s.name}</span>}
            <button type="button" class="link" onClick={() => setEditing(s.id)} aria-label={`Rename ${s.name}`}>Rename</button>
            <button type="button" class="link" onClick={async () => { await deleteStyle(s.id); onChanged(); }} aria-label={`Delete ${s.name}`}>Delete</button>
          </li>
        ))}
      </ul>
    </section>
  );
}
