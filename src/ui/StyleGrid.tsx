import { useRef } from 'preact/hooks';

export interface GridStyle {
  id: string;
  name: string;
  thumbnail: string;
}

/** A radio group of style thumbnails: arrow keys move, Enter/Space or click selects. */
export function StyleGrid({ styles, active, onSelect, label }: {
  styles: GridStyle[]; active: string; onSelect: (id: string) => void; label: string;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const onKeyDown = (e: KeyboardEvent) => {
    const delta = { ArrowRight: 1, ArrowLeft: -1, ArrowDown: 6, ArrowUp: -6 }[e.key];
    if (!delta) return;
    e.preventDefault();
    const tiles = [...(ref.current?.querySelectorAll<HTMLButtonElement>('[role="radio"]') ?? [])];
    const i = tiles.indexOf(document.activeElement as HTMLButtonElement);
    tiles[Math.min(tiles.length - 1, Math.max(0, i + delta))]?.focus();
  };
  return (
    <div class="grid" role="radiogroup" aria-label={label} ref={ref} onKeyDown={onKeyDown}>
      {styles.map((s) => (
        <button
          type="button" role="radio" class="tile" key={s.id} data-style-id={s.id}
          aria-checked={s.id === active} aria-label={s.name} title={s.name}
          tabIndex={s.id === active || (!styles.some((x) => x.id === active) && s === styles[0]) ? 0 : -1}
          onClick={() => onSelect(s.id)}
        >
          <img src={s.thumbnail} alt="" loading="lazy" />
        </button>
      ))}
    </div>
  );
}
