import { VOC_LABELS } from '../inference/mask';
import type { Settings, SubjectChoice } from '../settings/settings';

/** What stays untouched: every object, people only, a chosen set of classes, or the object right-clicked; and invert. */
export function SubjectPicker({ settings, onChange }: { settings: Settings; onChange: (p: Partial<Settings>) => void }) {
  const choice = (value: SubjectChoice, text: string) => (
    <label>
      <input type="radio" name="subject" value={value} checked={settings.subject === value} onChange={() => onChange({ subject: value })} /> {text}
    </label>
  );
  const toggle = (c: number, on: boolean) => {
    const set = new Set(settings.customClasses);
    if (on) set.add(c);
    else set.delete(c);
    onChange({ customClasses: [...set].sort((a, b) => a - b) });
  };
  return (
    <fieldset>
      <h2>Subject (kept untouched)</h2>
      <div class="row">{choice('all', 'Every object')}{choice('people', 'People only')}{choice('custom', 'Chosen…')}</div>
      <div class="row">{choice('clicked', 'What I right-click on')}</div>
      {settings.subject === 'clicked' && <p class="hint">Only the object under the pointer stays; Stylize every image keeps every object.</p>}
      {settings.subject === 'custom' && (
        <div class="classes">
          {VOC_LABELS.map((name, c) => c === 0 ? null : (
            <label key={c}>
              <input type="checkbox" checked={settings.customClasses.includes(c)} onChange={(e) => toggle(c, (e.target as HTMLInputElement).checked)} /> {name}
            </label>
          ))}
        </div>
      )}
      <label class="row" style={{ marginTop: '6px' }}>
        <input type="checkbox" name="invert" checked={settings.invert} onChange={(e) => onChange({ invert: (e.target as HTMLInputElement).checked })} />
        Invert: stylize the subject, keep the background
      </label>
    </fieldset>
  );
}
